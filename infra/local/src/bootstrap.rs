//! Creates the local table from template.yaml's definition (idempotent, so a
//! second `make dev` on a persistent DynamoDB Local just finds it).

use crate::template::{KeyElement, TableSpec};
use anyhow::{Context, Result};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, StreamSpecification, StreamViewType, TimeToLiveSpecification,
};
use aws_sdk_dynamodb::Client;

/// Creates `name` as `spec` describes, unless it exists.
pub async fn ensure_table(client: &Client, name: &str, spec: &TableSpec) -> Result<()> {
    if client.describe_table().table_name(name).send().await.is_ok() {
        return Ok(());
    }
    let attributes = spec
        .attributes
        .iter()
        .map(|(n, t)| {
            AttributeDefinition::builder()
                .attribute_name(n)
                .attribute_type(ScalarAttributeType::from(t.as_str()))
                .build()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let indexes = spec
        .indexes
        .iter()
        .map(|i| {
            GlobalSecondaryIndex::builder()
                .index_name(&i.name)
                .set_key_schema(Some(schema(&i.keys)?))
                .projection(Projection::builder().projection_type(ProjectionType::from(i.projection.as_str())).build())
                .build()
                .map_err(anyhow::Error::from)
        })
        .collect::<Result<Vec<_>>>()?;
    let stream = spec
        .stream_view_type
        .as_deref()
        .map(|view| {
            StreamSpecification::builder().stream_enabled(true).stream_view_type(StreamViewType::from(view)).build()
        })
        .transpose()?;
    let created = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(attributes))
        .set_key_schema(Some(schema(&spec.keys)?))
        .set_global_secondary_indexes((!indexes.is_empty()).then_some(indexes))
        .set_stream_specification(stream)
        .send()
        .await;
    if let Err(e) = created {
        // Two runners starting at once: the loser finds the table made.
        if !e.as_service_error().is_some_and(|s| s.is_resource_in_use_exception()) {
            return Err(e).with_context(|| format!("creating table {name}"));
        }
    }
    if let Some(attribute) = &spec.ttl_attribute {
        let ttl = TimeToLiveSpecification::builder().attribute_name(attribute).enabled(true).build()?;
        // DynamoDB Local accepts TTL settings; ignore "already enabled".
        let _ = client.update_time_to_live().table_name(name).time_to_live_specification(ttl).send().await;
    }
    Ok(())
}

fn schema(keys: &[KeyElement]) -> Result<Vec<KeySchemaElement>> {
    keys.iter()
        .map(|k| {
            KeySchemaElement::builder()
                .attribute_name(&k.name)
                .key_type(KeyType::from(k.key_type.as_str()))
                .build()
                .map_err(anyhow::Error::from)
        })
        .collect()
}

/// Creates the template's queues as `<prefix>-<LogicalId>`, dead-letter
/// queues first so redrive policies can name them; returns logical id → URL.
pub async fn ensure_queues(
    client: &aws_sdk_sqs::Client,
    prefix: &str,
    specs: &[crate::template::QueueSpec],
) -> Result<std::collections::HashMap<String, String>> {
    use aws_sdk_sqs::types::QueueAttributeName;
    let mut urls = std::collections::HashMap::new();
    let mut ordered: Vec<_> = specs.iter().collect();
    ordered.sort_by_key(|q| q.redrive.is_some());
    for spec in ordered {
        let mut request = client.create_queue().queue_name(format!("{prefix}-{}", spec.logical_id));
        if let Some(timeout) = spec.visibility_timeout {
            request = request.attributes(QueueAttributeName::VisibilityTimeout, timeout.to_string());
        }
        if let Some((dlq, max)) = &spec.redrive {
            let dlq_url = urls.get(dlq).with_context(|| format!("dead-letter queue {dlq} is not declared"))?;
            let arn = client
                .get_queue_attributes()
                .queue_url(dlq_url)
                .attribute_names(QueueAttributeName::QueueArn)
                .send()
                .await?
                .attributes()
                .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
                .context("queue ARN")?;
            let policy = serde_json::json!({"deadLetterTargetArn": arn, "maxReceiveCount": max}).to_string();
            request = request.attributes(QueueAttributeName::RedrivePolicy, policy);
        }
        let url = request
            .send()
            .await
            .with_context(|| format!("creating queue {}", spec.logical_id))?
            .queue_url()
            .context("queue URL")?
            .to_owned();
        urls.insert(spec.logical_id.clone(), url);
    }
    Ok(urls)
}

/// An SDK S3 client for what only the emulator needs (making buckets and
/// their CORS rules), and for tests that check the bucket independently of
/// Parley's own S3 client; path-style, as moto serves no per-bucket hosts.
pub fn sdk_s3_client(config: &parley::adapters::aws::SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(config).force_path_style(true).build())
}

/// Creates the private bucket `name` unless it exists.
pub async fn ensure_bucket(client: &aws_sdk_s3::Client, name: &str) -> Result<()> {
    if client.head_bucket().bucket(name).send().await.is_ok() {
        return Ok(());
    }
    let created = client.create_bucket().bucket(name).send().await;
    if let Err(e) = created {
        let taken = e.as_service_error().is_some_and(|s| s.is_bucket_already_owned_by_you());
        if !taken {
            return Err(e).with_context(|| format!("creating bucket {name}"));
        }
    }
    Ok(())
}

/// The local name of a template bucket: `<prefix>-<purpose>`, in the
/// characters S3 allows.
pub fn bucket_name(prefix: &str, purpose: &str) -> String {
    let clean: String = format!("{prefix}-{purpose}")
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' })
        .collect();
    clean.chars().take(63).collect()
}
