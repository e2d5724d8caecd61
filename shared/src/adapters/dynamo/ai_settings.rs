//! The AI assist settings: one item (`AI_SETTINGS`/`AI_SETTINGS`) holding
//! them as JSON, saved with its audit line in one transaction. The key is
//! not here (it is in Secrets Manager).

use super::item::{get_s, key, s};
use super::keys::AI_SETTINGS;
use super::{unavailable, DynamoStore};
use crate::domain::ai_settings::AiSettings;
use crate::domain::AuditEntry;
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

#[async_trait::async_trait]
impl crate::ports::AiSettingsStore for DynamoStore {
    async fn ai_settings(&self) -> Result<Option<AiSettings>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(AI_SETTINGS, AI_SETTINGS)))
            .send()
            .await
            .map_err(unavailable)?;
        let Some(item) = out.item() else { return Ok(None) };
        let json = get_s(item, "settings").unwrap_or_default();
        serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| StoreError::Unavailable(format!("unreadable AI settings: {e}")))
    }

    async fn save_ai_settings(&self, settings: &AiSettings, audit: &AuditEntry) -> Result<(), StoreError> {
        let json = serde_json::to_string(settings).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let mut item = key(AI_SETTINGS, AI_SETTINGS);
        item.insert("settings".to_owned(), s(json));
        let put = Put::builder().table_name(&self.table).set_item(Some(item)).build().map_err(unavailable)?;
        self.write_audited(TransactWriteItem::builder().put(put).build(), audit).await
    }
}
