//! What messaging cost, from Meta's pricing on statuses.

use super::StoreError;
use crate::domain::SpendLine;
use async_trait::async_trait;

/// Spend counters by month and pricing category.
#[async_trait]
pub trait SpendStore: Send + Sync {
    /// Billable messages by month and category from Meta's pricing.
    async fn spend(&self, month: &str) -> Result<Vec<SpendLine>, StoreError>;
}
