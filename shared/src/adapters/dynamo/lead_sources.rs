//! Lead sources: one item each under `LEADSRC`, the settings as JSON beside
//! the secret.

use super::item::{get_s, key, s, Item};
use super::{unavailable, DynamoStore};
use crate::domain::lead_source::LeadSource;
use crate::domain::AuditEntry;
use crate::ports::{StoreError, StoredLeadSource};
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};

const LEAD_SOURCES: &str = "LEADSRC";

fn source_from(item: &Item) -> Result<StoredLeadSource, StoreError> {
    let json = get_s(item, "source").ok_or_else(|| StoreError::Corrupt("lead source without settings".into()))?;
    let source: LeadSource =
        serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("lead source: {e}")))?;
    Ok(StoredLeadSource { source, secret: get_s(item, "secret").unwrap_or_default() })
}

#[async_trait::async_trait]
impl crate::ports::LeadSourceStore for DynamoStore {
    async fn lead_sources(&self) -> Result<Vec<StoredLeadSource>, StoreError> {
        let items = self.query_partition(LEAD_SOURCES.to_owned(), super::lifecycle::Under::Table).await?;
        items.iter().map(source_from).collect()
    }

    async fn lead_source(&self, id: &str) -> Result<Option<StoredLeadSource>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(LEAD_SOURCES, id)))
            .send()
            .await
            .map_err(unavailable)?;
        out.item().map(source_from).transpose()
    }

    async fn put_lead_source(
        &self,
        stored: &StoredLeadSource,
        new: bool,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let json = serde_json::to_string(&stored.source).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut item = key(LEAD_SOURCES, &stored.source.id);
        item.extend([("source".to_owned(), s(json)), ("secret".to_owned(), s(&stored.secret))]);
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .set_condition_expression(new.then(|| "attribute_not_exists(pk)".to_owned()))
            .build()
            .map_err(unavailable)?;
        self.audited(TransactWriteItem::builder().put(put).build(), audit).await
    }

    async fn delete_lead_source(&self, id: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(LEAD_SOURCES, id)))
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(unavailable)?;
        self.audited(TransactWriteItem::builder().delete(delete).build(), audit).await
    }
}
