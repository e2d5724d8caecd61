//! What messaging cost, from Meta's pricing on statuses.

use super::StoreError;
use crate::domain::spend::PricedMessage;
use crate::domain::SpendLine;
use async_trait::async_trait;

/// Spend counters by month and pricing category.
#[async_trait]
pub trait SpendStore: Send + Sync {
    /// Billable messages by month and category from Meta's pricing.
    async fn spend(&self, month: &str) -> Result<Vec<SpendLine>, StoreError>;

    /// Counts `priced` a second time, against the teammate who sent the
    /// message (the store reads it off the message), once however often it
    /// is reported. `false` when no teammate sent it (a rule, a campaign,
    /// the phone app), the message is gone, or it was counted before.
    async fn count_sender_spend(&self, priced: &PricedMessage) -> Result<bool, StoreError>;
}
