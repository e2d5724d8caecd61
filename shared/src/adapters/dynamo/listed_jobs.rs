//! Jobs that one partition of their kind lists (campaigns, contact imports):
//! a handful a month, so a single partition holds them all, each keyed by a
//! time-ordered id, and the newest come first in one Query. A job is
//! created with [`DynamoStore::put_new_audited`].

use super::item::{key, s, Item};
use super::{unavailable, DynamoStore};
use crate::ports::StoreError;

impl DynamoStore {
    /// One job's item, read consistently: each step of its worker starts
    /// from what the last one wrote.
    pub(super) async fn listed_job(&self, kind: &str, id: &str) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(kind, id)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.item)
    }

    /// The newest `limit` jobs of `kind`, newest first.
    pub(super) async fn recent_listed_jobs(&self, kind: &str, limit: i32) -> Result<Vec<Item>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(kind))
            .scan_index_forward(false)
            .limit(limit)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.items.unwrap_or_default())
    }
}
