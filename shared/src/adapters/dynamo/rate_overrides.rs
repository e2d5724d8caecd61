//! The business's prices: one item (`RATE_OVERRIDES`/`RATE_OVERRIDES`)
//! holding them as JSON, saved with its audit line in one transaction.

use super::item::{get_s, key, s};
use super::keys::RATE_OVERRIDES;
use super::{unavailable, DynamoStore};
use crate::domain::rate_overrides::RateOverrides;
use crate::domain::AuditEntry;
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

#[async_trait::async_trait]
impl crate::ports::RateOverrideStore for DynamoStore {
    async fn rate_overrides(&self) -> Result<Option<RateOverrides>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(RATE_OVERRIDES, RATE_OVERRIDES)))
            .send()
            .await
            .map_err(unavailable)?;
        let Some(item) = out.item() else { return Ok(None) };
        serde_json::from_str(&get_s(item, "overrides").unwrap_or_default())
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("unreadable rate overrides: {e}")))
    }

    async fn save_rate_overrides(&self, overrides: &RateOverrides, audit: &AuditEntry) -> Result<(), StoreError> {
        let json = serde_json::to_string(overrides).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut item = key(RATE_OVERRIDES, RATE_OVERRIDES);
        item.insert("overrides".to_owned(), s(json));
        let put = Put::builder().table_name(&self.table).set_item(Some(item)).build().map_err(unavailable)?;
        self.write_audited(TransactWriteItem::builder().put(put).build(), audit).await
    }
}
