//! Reads the resources template.yaml declares, so the local stack is built
//! from the same definition that is deployed.

use anyhow::{anyhow, Context, Result};
use serde_yaml::Value;
use std::path::Path;

/// A key attribute: name and role (`HASH` or `RANGE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyElement {
    /// Attribute name.
    pub name: String,
    /// `HASH` or `RANGE`.
    pub key_type: String,
}

/// A global secondary index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexSpec {
    /// Index name.
    pub name: String,
    /// Its keys.
    pub keys: Vec<KeyElement>,
    /// `ALL`, `KEYS_ONLY` or `INCLUDE`.
    pub projection: String,
}

/// The table as the template declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSpec {
    /// `(name, type)` for each key attribute.
    pub attributes: Vec<(String, String)>,
    /// Primary key.
    pub keys: Vec<KeyElement>,
    /// Global secondary indexes.
    pub indexes: Vec<IndexSpec>,
    /// TTL attribute, if enabled.
    pub ttl_attribute: Option<String>,
    /// The stream's view type (`NEW_IMAGE`), if the table has a stream.
    pub stream_view_type: Option<String>,
}

/// The template, parsed.
pub struct Template(Value);

impl Template {
    /// Reads template.yaml (CloudFormation tags such as `!Ref` parse as tagged values).
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Ok(Template(serde_yaml::from_str(&text).context("parsing template.yaml")?))
    }

    /// The resources of a CloudFormation type, as `(logical id, properties)`.
    pub fn resources_of_type(&self, kind: &str) -> Vec<(String, &Value)> {
        let Some(resources) = self.0.get("Resources").and_then(Value::as_mapping) else {
            return Vec::new();
        };
        resources
            .iter()
            .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some(kind))
            .filter_map(|(id, r)| Some((id.as_str()?.to_owned(), r.get("Properties")?)))
            .collect()
    }

    /// The one DynamoDB table.
    pub fn table(&self) -> Result<TableSpec> {
        let tables = self.resources_of_type("AWS::DynamoDB::Table");
        let [(_, props)] = tables.as_slice() else {
            return Err(anyhow!("template.yaml must declare exactly one DynamoDB table, found {}", tables.len()));
        };
        let attributes = list(props, "AttributeDefinitions")
            .iter()
            .map(|a| Ok((text(a, "AttributeName")?, text(a, "AttributeType")?)))
            .collect::<Result<_>>()?;
        let indexes = list(props, "GlobalSecondaryIndexes")
            .iter()
            .map(|i| {
                let projection = i.get("Projection").map(|p| text(p, "ProjectionType")).transpose()?;
                Ok(IndexSpec {
                    name: text(i, "IndexName")?,
                    keys: key_schema(i)?,
                    projection: projection.unwrap_or_else(|| "ALL".to_owned()),
                })
            })
            .collect::<Result<_>>()?;
        let ttl = props.get("TimeToLiveSpecification");
        let ttl_attribute = ttl
            .filter(|t| t.get("Enabled").and_then(Value::as_bool) == Some(true))
            .map(|t| text(t, "AttributeName"))
            .transpose()?;
        let stream_view_type = props.get("StreamSpecification").map(|s| text(s, "StreamViewType")).transpose()?;
        Ok(TableSpec { attributes, keys: key_schema(props)?, indexes, ttl_attribute, stream_view_type })
    }
}

fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value.get(key).and_then(Value::as_sequence).map(Vec::as_slice).unwrap_or_default()
}

/// How the content security policy names the media bucket's origin (a
/// `!Sub` the stack resolves), for presigned media links.
pub const MEDIA_ORIGIN: &str = "https://${MediaBucket.RegionalDomainName}";

/// The policy's text, a plain string or a `!Sub` over the media origin.
fn csp_text(value: &Value, media_origin: &str) -> Result<String> {
    let policy = value.get("ContentSecurityPolicy");
    let raw = match policy {
        Some(Value::Tagged(t)) if t.tag == "Sub" => t.value.as_str(),
        Some(other) => other.as_str(),
        None => None,
    };
    let raw = raw.ok_or_else(|| anyhow!("template.yaml: missing ContentSecurityPolicy"))?;
    Ok(raw.replace(MEDIA_ORIGIN, media_origin))
}

fn text(value: &Value, key: &str) -> Result<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned).ok_or_else(|| anyhow!("template.yaml: missing {key}"))
}

fn key_schema(value: &Value) -> Result<Vec<KeyElement>> {
    list(value, "KeySchema")
        .iter()
        .map(|k| Ok(KeyElement { name: text(k, "AttributeName")?, key_type: text(k, "KeyType")? }))
        .collect()
}

/// A queue as the template declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSpec {
    /// Logical id, e.g. `OutboundQueue`.
    pub logical_id: String,
    /// Visibility timeout in seconds.
    pub visibility_timeout: Option<i64>,
    /// `(dead-letter queue logical id, maxReceiveCount)`.
    pub redrive: Option<(String, i64)>,
}

impl Template {
    /// Every SQS queue.
    pub fn queues(&self) -> Vec<QueueSpec> {
        self.resources_of_type("AWS::SQS::Queue")
            .into_iter()
            .map(|(logical_id, props)| {
                let redrive = props.get("RedrivePolicy").and_then(|r| {
                    let target = r.get("deadLetterTargetArn")?;
                    // `!GetAtt DeadLetterQueue.Arn` parses as a tagged value.
                    let target = match target {
                        Value::Tagged(t) => t.value.as_str()?.split('.').next()?.to_owned(),
                        other => other.as_str()?.to_owned(),
                    };
                    Some((target, r.get("maxReceiveCount")?.as_i64()?))
                });
                QueueSpec {
                    logical_id,
                    visibility_timeout: props.get("VisibilityTimeout").and_then(Value::as_i64),
                    redrive,
                }
            })
            .collect()
    }
}

impl Template {
    /// The headers of the CloudFront response headers policy, as
    /// `(lower-case name, value)`, so that the local origin sends exactly
    /// what CloudFront adds.
    pub fn security_headers(&self) -> Result<Vec<(String, String)>> {
        self.security_headers_for(MEDIA_ORIGIN)
    }

    /// As [`Template::security_headers`], with `media_origin` (the local
    /// bucket's origin) where the stack's media bucket is named.
    pub fn security_headers_for(&self, media_origin: &str) -> Result<Vec<(String, String)>> {
        let policies = self.resources_of_type("AWS::CloudFront::ResponseHeadersPolicy");
        let [(_, props)] = policies.as_slice() else {
            return Err(anyhow!("template.yaml must declare one response headers policy, found {}", policies.len()));
        };
        let config = props
            .get("ResponseHeadersPolicyConfig")
            .and_then(|c| c.get("SecurityHeadersConfig"))
            .ok_or_else(|| anyhow!("template.yaml: the response headers policy has no SecurityHeadersConfig"))?;
        let mut headers = Vec::new();
        if let Some(hsts) = config.get("StrictTransportSecurity") {
            let age = hsts
                .get("AccessControlMaxAgeSec")
                .and_then(Value::as_i64)
                .ok_or_else(|| anyhow!("template.yaml: missing AccessControlMaxAgeSec"))?;
            let mut value = format!("max-age={age}");
            if hsts.get("IncludeSubdomains").and_then(Value::as_bool) == Some(true) {
                value.push_str("; includeSubDomains");
            }
            if hsts.get("Preload").and_then(Value::as_bool) == Some(true) {
                value.push_str("; preload");
            }
            headers.push(("strict-transport-security".to_owned(), value));
        }
        if let Some(csp) = config.get("ContentSecurityPolicy") {
            headers.push(("content-security-policy".to_owned(), csp_text(csp, media_origin)?));
        }
        if config.get("ContentTypeOptions").is_some() {
            headers.push(("x-content-type-options".to_owned(), "nosniff".to_owned()));
        }
        if let Some(frame) = config.get("FrameOptions") {
            headers.push(("x-frame-options".to_owned(), text(frame, "FrameOption")?));
        }
        if let Some(referrer) = config.get("ReferrerPolicy") {
            headers.push(("referrer-policy".to_owned(), text(referrer, "ReferrerPolicy")?));
        }
        Ok(headers)
    }
}

/// An extension function and the EventBridge rule pattern that feeds it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtensionRule {
    /// The function's binary (its crate under `functions/`).
    pub binary: String,
    /// The rule's event pattern, as JSON.
    pub pattern: serde_json::Value,
}

impl Template {
    /// Every function fed by an EventBridge rule on the bus, with the rule's
    /// pattern: what the local runner matches published events against.
    pub fn extension_rules(&self) -> Vec<ExtensionRule> {
        let Some(resources) = self.0.get("Resources").and_then(Value::as_mapping) else {
            return Vec::new();
        };
        let mut rules = Vec::new();
        for function in resources.values() {
            if function.get("Type").and_then(Value::as_str) != Some("AWS::Serverless::Function") {
                continue;
            }
            let binary = function.get("Metadata").and_then(|m| m.get("BuildProperties")).and_then(|b| b.get("Binary"));
            let Some(binary) = binary.and_then(Value::as_str) else { continue };
            let events = function.get("Properties").and_then(|p| p.get("Events")).and_then(Value::as_mapping);
            for event in events.into_iter().flat_map(|e| e.values()) {
                if event.get("Type").and_then(Value::as_str) != Some("EventBridgeRule") {
                    continue;
                }
                let pattern = event.get("Properties").and_then(|p| p.get("Pattern"));
                if let Some(pattern) = pattern.and_then(|p| serde_json::to_value(p).ok()) {
                    rules.push(ExtensionRule { binary: binary.to_owned(), pattern });
                }
            }
        }
        rules
    }
}
