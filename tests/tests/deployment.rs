//! template.yaml is the one source of truth: the code's keys and indexes, the
//! local tables and the functions must all agree with it.

use parley::adapters::dynamo::keys;
use parley_e2e::{repo_root, require_emulators, unique_table};
use parley_local::template::{KeyElement, Template};
use serde_yaml::Value;

fn template() -> Template {
    Template::load(&repo_root().join("template.yaml")).unwrap()
}

fn raw_template() -> Value {
    serde_yaml::from_str(&std::fs::read_to_string(repo_root().join("template.yaml")).unwrap()).unwrap()
}

fn key(name: &str, kind: &str) -> KeyElement {
    KeyElement { name: name.into(), key_type: kind.into() }
}

#[test]
fn the_code_queries_only_keys_and_indexes_the_template_declares() {
    let table = template().table().unwrap();
    assert_eq!(table.keys, [key(keys::PK, "HASH"), key(keys::SK, "RANGE")]);
    assert_eq!(table.ttl_attribute.as_deref(), Some(keys::TTL));
    for (index, pk, sk) in keys::INDEXES {
        let declared = table
            .indexes
            .iter()
            .find(|i| i.name == *index)
            .unwrap_or_else(|| panic!("index {index} is not in template.yaml"));
        assert_eq!(declared.keys, [key(pk, "HASH"), key(sk, "RANGE")], "index {index}");
    }
    for (name, kind) in &table.attributes {
        assert_eq!(kind, "S", "{name}: every key attribute is a string");
    }
}

#[tokio::test]
async fn the_local_table_is_built_from_the_template() {
    require_emulators();
    let spec = template().table().unwrap();
    let sdk = parley::adapters::aws::load_config().await;
    let client = aws_sdk_dynamodb::Client::new(&sdk);
    let name = unique_table("drift");
    parley_local::bootstrap::ensure_table(&client, &name, &spec).await.unwrap();
    parley_local::bootstrap::ensure_table(&client, &name, &spec).await.expect("a second bootstrap finds the table");
    let described = client.describe_table().table_name(&name).send().await.unwrap().table.unwrap();
    let keys_of = |schema: &[aws_sdk_dynamodb::types::KeySchemaElement]| -> Vec<KeyElement> {
        schema.iter().map(|k| key(k.attribute_name(), k.key_type().as_str())).collect()
    };
    assert_eq!(keys_of(described.key_schema()), spec.keys);
    let mut indexes: Vec<(String, Vec<KeyElement>)> = described
        .global_secondary_indexes()
        .iter()
        .map(|i| (i.index_name().unwrap_or_default().to_owned(), keys_of(i.key_schema())))
        .collect();
    indexes.sort_by(|a, b| a.0.cmp(&b.0));
    let mut declared: Vec<(String, Vec<KeyElement>)> =
        spec.indexes.iter().map(|i| (i.name.clone(), i.keys.clone())).collect();
    declared.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(indexes, declared);
}

fn workspace_binaries() -> Vec<String> {
    let mut bins = Vec::new();
    for entry in std::fs::read_dir(repo_root().join("functions")).unwrap() {
        let manifest = std::fs::read_to_string(entry.unwrap().path().join("Cargo.toml")).unwrap();
        let mut in_bin = false;
        for line in manifest.lines() {
            in_bin = if line.starts_with('[') { line.trim() == "[[bin]]" } else { in_bin };
            if let Some(name) = line.strip_prefix("name = ").filter(|_| in_bin) {
                bins.push(name.trim_matches('"').to_owned());
            }
        }
    }
    bins.sort();
    bins
}

#[test]
fn every_function_is_an_arm64_cargo_lambda_build_of_a_workspace_binary_with_log_retention() {
    let raw = raw_template();
    let globals = &raw["Globals"]["Function"];
    assert_eq!(globals["Runtime"].as_str(), Some("provided.al2023"));
    assert_eq!(globals["Architectures"][0].as_str(), Some("arm64"));
    let resources = raw["Resources"].as_mapping().unwrap();
    let functions: Vec<(&str, &Value)> = resources
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some("AWS::Serverless::Function"))
        .map(|(id, r)| (id.as_str().unwrap(), r))
        .collect();
    let mut binaries: Vec<String> = functions
        .iter()
        .map(|(id, f)| {
            assert_eq!(f["Metadata"]["BuildMethod"].as_str(), Some("rust-cargolambda"), "{id}");
            f["Metadata"]["BuildProperties"]["Binary"]
                .as_str()
                .unwrap_or_else(|| panic!("{id} names no Binary"))
                .to_owned()
        })
        .collect();
    binaries.sort();
    assert_eq!(binaries, workspace_binaries(), "each function crate is deployed, and only those");
    let log_groups: Vec<String> = resources
        .values()
        .filter(|r| r["Type"].as_str() == Some("AWS::Logs::LogGroup"))
        .map(|r| format!("{:?}", r["Properties"]["LogGroupName"]))
        .collect();
    for (id, _) in &functions {
        assert!(log_groups.iter().any(|g| g.contains(id)), "{id} has no log group with retention");
    }
}

#[test]
fn secrets_are_noecho_parameters_and_never_literals() {
    let raw = raw_template();
    for name in ["WhatsAppAppSecret", "WhatsAppVerifyToken", "WhatsAppAccessToken", "AdminPassword"] {
        let parameter = &raw["Parameters"][name];
        assert_eq!(parameter["NoEcho"].as_bool(), Some(true), "{name}");
        assert!(parameter.get("Default").is_none(), "{name} must have no default");
    }
    let text = std::fs::read_to_string(repo_root().join("template.yaml")).unwrap();
    for dev_secret in ["dev-app-secret", "dev-verify-token", "dev-access-token", "parley-admin-pass"] {
        assert!(!text.contains(dev_secret), "template.yaml contains the dev secret {dev_secret}");
    }
}

fn resources_of(raw: &Value, kind: &str) -> Vec<(String, Value)> {
    raw["Resources"]
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some(kind))
        .map(|(id, r)| (id.as_str().unwrap().to_owned(), r.clone()))
        .collect()
}

/// The logical id a `!Ref X` or `!GetAtt X.Attr` names.
fn names(value: &Value) -> Option<String> {
    match value {
        Value::Tagged(t) => t.value.as_str().map(|v| v.split('.').next().unwrap_or(v).to_owned()),
        _ => None,
    }
}

#[test]
fn the_table_has_point_in_time_recovery() {
    let raw = raw_template();
    let (_, table) = resources_of(&raw, "AWS::DynamoDB::Table").pop().unwrap();
    let pitr = &table["Properties"]["PointInTimeRecoverySpecification"];
    assert_eq!(pitr["PointInTimeRecoveryEnabled"].as_bool(), Some(true), "{pitr:?}");
}

#[test]
fn every_dead_letter_queue_alarms_an_admin_as_soon_as_it_holds_a_message() {
    let raw = raw_template();
    let dead_letter_queues: Vec<String> = resources_of(&raw, "AWS::SQS::Queue")
        .iter()
        .filter_map(|(_, q)| names(&q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]))
        .collect();
    assert!(!dead_letter_queues.is_empty());
    let alarms = resources_of(&raw, "AWS::CloudWatch::Alarm");
    let topics = resources_of(&raw, "AWS::SNS::Topic");
    for dlq in &dead_letter_queues {
        let (id, alarm) = alarms
            .iter()
            .find(|(_, a)| {
                a["Properties"]["Dimensions"]
                    .as_sequence()
                    .is_some_and(|d| d.iter().any(|d| names(&d["Value"]).as_deref() == Some(dlq.as_str())))
            })
            .unwrap_or_else(|| panic!("no alarm watches {dlq}"));
        let p = &alarm["Properties"];
        assert_eq!(p["Namespace"].as_str(), Some("AWS/SQS"), "{id}");
        assert_eq!(p["MetricName"].as_str(), Some("ApproximateNumberOfMessagesVisible"), "{id}");
        assert_eq!(p["ComparisonOperator"].as_str(), Some("GreaterThanThreshold"), "{id}");
        assert_eq!(p["Threshold"].as_i64(), Some(0), "{id}");
        let action = p["AlarmActions"].as_sequence().and_then(|a| a.first()).and_then(names);
        let (_, topic) = topics
            .iter()
            .find(|(topic_id, _)| Some(topic_id) == action.as_ref())
            .unwrap_or_else(|| panic!("{id} notifies no SNS topic of the template"));
        let subscription = &topic["Properties"]["Subscription"][0];
        assert_eq!(subscription["Protocol"].as_str(), Some("email"));
        let parameter = names(&subscription["Endpoint"]).expect("the endpoint is a parameter");
        assert!(raw["Parameters"].get(parameter.as_str()).is_some(), "{parameter} is a parameter");
    }
}

#[test]
fn cloudfront_sends_security_headers_on_the_ui_and_the_api() {
    let raw = raw_template();
    let (policy_id, policy) =
        resources_of(&raw, "AWS::CloudFront::ResponseHeadersPolicy").pop().expect("a response headers policy");
    let headers = &policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"];
    let hsts = &headers["StrictTransportSecurity"];
    assert!(hsts["AccessControlMaxAgeSec"].as_i64().unwrap() >= 31_536_000);
    assert_eq!(hsts["Override"].as_bool(), Some(true));
    let csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"].as_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert_eq!(headers["ContentTypeOptions"]["Override"].as_bool(), Some(true), "nosniff");
    assert!(headers["ReferrerPolicy"]["ReferrerPolicy"].is_string());
    assert_eq!(headers["FrameOptions"]["FrameOption"].as_str(), Some("DENY"));
    let (_, distribution) = resources_of(&raw, "AWS::CloudFront::Distribution").pop().unwrap();
    let config = &distribution["Properties"]["DistributionConfig"];
    assert_eq!(names(&config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"]).as_deref(), Some(policy_id.as_str()));
    let api = config["CacheBehaviors"].as_sequence().unwrap().iter().find(|b| b["PathPattern"] == "/api/*").unwrap();
    assert_eq!(names(&api["ResponseHeadersPolicyId"]).as_deref(), Some(policy_id.as_str()));
}
