//! The audit log: who did what, when.

use super::{Page, PageRequest, StoreError};
use crate::domain::{AuditEntry, ContactId};
use async_trait::async_trait;

/// An append-only audit log, read by contact or by day.
#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Appends to the audit log.
    async fn audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;
    /// A contact's audit trail, newest first.
    async fn audit_for_contact(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<AuditEntry>, StoreError>;
    /// The audit log of a date (`YYYY-MM-DD`) in the business's calendar,
    /// newest first.
    async fn audit_for_day(&self, day: &str, page: &PageRequest) -> Result<Page<AuditEntry>, StoreError>;
}
