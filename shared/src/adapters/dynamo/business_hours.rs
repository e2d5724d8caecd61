//! Business hours: one item per business number (`HOURS` /
//! `<phone_number_id>`, the hours as JSON), saved with its audit line in one
//! transaction. The few numbers a business has share one small partition,
//! read whole by the settings screen and one item at a time by
//! [`crate::ports::OpeningHours`].

use super::item::{get_s, key, s};
use super::{unavailable, DynamoStore};
use crate::domain::business_hours::BusinessHours;
use crate::domain::{AuditEntry, BusinessNumber, Millis};
use crate::ports::{OpenState, StoreError};
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};

/// The partition of every number's hours.
const HOURS: &str = "HOURS";

fn hours_from(item: &super::item::Item) -> Result<Option<(String, BusinessHours)>, StoreError> {
    let (Some(number), Some(json)) = (get_s(item, "number"), get_s(item, "hours")) else { return Ok(None) };
    let hours = serde_json::from_str(&json).map_err(|_| StoreError::Corrupt("business hours".into()))?;
    Ok(Some((number, hours)))
}

#[async_trait::async_trait]
impl crate::ports::BusinessHoursStore for DynamoStore {
    async fn all_hours(&self) -> Result<Vec<(String, BusinessHours)>, StoreError> {
        let mut all = Vec::new();
        for item in self.whole_partition(HOURS).await? {
            all.extend(hours_from(&item)?);
        }
        Ok(all)
    }

    async fn save_hours(&self, number: &str, hours: &BusinessHours, audit: &AuditEntry) -> Result<(), StoreError> {
        let json = serde_json::to_string(hours).map_err(|_| StoreError::Corrupt("business hours".into()))?;
        let mut item = key(HOURS, number);
        item.extend([("number".to_owned(), s(number)), ("hours".to_owned(), s(json))]);
        let put = Put::builder().table_name(&self.table).set_item(Some(item)).build().map_err(unavailable)?;
        self.write_audited(TransactWriteItem::builder().put(put).build(), audit).await
    }

    async fn clear_hours(&self, number: &str, audit: &AuditEntry) -> Result<(), StoreError> {
        let delete =
            Delete::builder().table_name(&self.table).set_key(Some(key(HOURS, number))).build().map_err(unavailable)?;
        self.write_audited(TransactWriteItem::builder().delete(delete).build(), audit).await
    }
}

#[async_trait::async_trait]
impl crate::ports::OpeningHours for DynamoStore {
    /// One GetItem; a number with no hours saved is always open.
    async fn state_at(&self, number: &BusinessNumber, at: Millis) -> Result<OpenState, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(HOURS, &number.0)))
            .send()
            .await
            .map_err(unavailable)?;
        let Some((_, hours)) = out.item().map(hours_from).transpose()?.flatten() else { return Ok(OpenState::Open) };
        Ok(hours.state_at(at).into())
    }
}
