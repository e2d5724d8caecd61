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
    for name in ["WhatsAppAppSecret", "WhatsAppVerifyToken", "WhatsAppAccessToken", "AdminPassword", "ContactIdKey"] {
        let parameter = &raw["Parameters"][name];
        assert_eq!(parameter["NoEcho"].as_bool(), Some(true), "{name}");
        assert!(parameter.get("Default").is_none(), "{name} must have no default");
    }
    let text = std::fs::read_to_string(repo_root().join("template.yaml")).unwrap();
    for dev_secret in
        ["dev-app-secret", "dev-verify-token", "dev-access-token", "parley-admin-pass", "dev-contact-id-key-not-secret"]
    {
        assert!(!text.contains(dev_secret), "template.yaml contains the dev secret {dev_secret}");
    }
}

#[test]
fn every_function_derives_contact_ids_with_the_deployments_key() {
    // Each function reads PARLEY_CONTACT_ID_KEY at cold start and refuses to
    // start without it; all of them must derive the same ids.
    let raw = raw_template();
    let key = &raw["Globals"]["Function"]["Environment"]["Variables"]["PARLEY_CONTACT_ID_KEY"];
    assert!(format!("{key:?}").contains("ContactIdKey"), "from the ContactIdKey parameter: {key:?}");
    let parameter = &raw["Parameters"]["ContactIdKey"];
    assert_eq!(parameter["MinLength"].as_u64(), Some(parley::domain::ContactIdKey::MIN_LEN as u64));
}
