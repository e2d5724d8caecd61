//! The configured lead sources, each with its secret.

use super::StoreError;
use crate::domain::lead_source::LeadSource;
use crate::domain::AuditEntry;
use async_trait::async_trait;

/// A source as stored: its settings and the secret its posts prove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLeadSource {
    /// The settings.
    pub source: LeadSource,
    /// The HMAC key or bearer token.
    pub secret: String,
}

/// Lead sources, one item each.
#[async_trait]
pub trait LeadSourceStore: Send + Sync {
    /// Every source, by id.
    async fn lead_sources(&self) -> Result<Vec<StoredLeadSource>, StoreError>;
    /// One source.
    async fn lead_source(&self, id: &str) -> Result<Option<StoredLeadSource>, StoreError>;
    /// Creates (`new`: only if the id is free, else `false`) or replaces a
    /// source, audited in the same write.
    async fn put_lead_source(
        &self,
        source: &StoredLeadSource,
        new: bool,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;
    /// Removes a source (its leads stay); `false` if there was none.
    async fn delete_lead_source(&self, id: &str, audit: &AuditEntry) -> Result<bool, StoreError>;
}
