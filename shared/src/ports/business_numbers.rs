//! The business numbers Parley knows: every number customers have written to.

use super::StoreError;
use async_trait::async_trait;

/// The business numbers customers have written to, known without a Scan.
#[async_trait]
pub trait BusinessNumbers: Send + Sync {
    /// Meta's `phone_number_id` of every number a customer has written to
    /// (since the count began), in order.
    async fn known_numbers(&self) -> Result<Vec<String>, StoreError>;
}
