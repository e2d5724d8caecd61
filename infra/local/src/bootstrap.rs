//! Creates the local table from template.yaml's definition (idempotent, so a
//! second `make dev` on a persistent DynamoDB Local just finds it).

use crate::template::{KeyElement, TableSpec};
use anyhow::{Context, Result};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, TimeToLiveSpecification,
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
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()
                .map_err(anyhow::Error::from)
        })
        .collect::<Result<Vec<_>>>()?;
    let created = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(attributes))
        .set_key_schema(Some(schema(&spec.keys)?))
        .set_global_secondary_indexes((!indexes.is_empty()).then_some(indexes))
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
