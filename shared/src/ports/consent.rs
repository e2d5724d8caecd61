//! A contact's marketing consent.

use super::StoreError;
use crate::domain::ContactId;
use async_trait::async_trait;

/// Marketing opt-outs.
#[async_trait]
pub trait ConsentStore: Send + Sync {
    /// Marks or clears a contact's marketing opt-out; `false` when there is
    /// no such contact.
    async fn set_opt_out(&self, contact: &ContactId, opted_out: bool) -> Result<bool, StoreError>;
}
