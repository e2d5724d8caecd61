//! A contact's marketing consent.

use super::StoreError;
use crate::domain::{AuditEntry, ContactId};
use async_trait::async_trait;

/// Marketing opt-outs.
#[async_trait]
pub trait ConsentStore: Send + Sync {
    /// Marks or clears a contact's marketing opt-out, audited in the same
    /// write; `false` when there is no such contact.
    async fn set_opt_out(&self, contact: &ContactId, opted_out: bool, audit: &AuditEntry) -> Result<bool, StoreError>;
}
