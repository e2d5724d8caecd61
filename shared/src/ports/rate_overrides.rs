//! The business's own prices over Meta's rate card.

use super::StoreError;
use crate::domain::rate_overrides::RateOverrides;
use crate::domain::AuditEntry;
use async_trait::async_trait;

/// Where the admin's prices are kept.
#[async_trait]
pub trait RateOverrideStore: Send + Sync {
    /// The prices set (`None`: never set, Meta's card as published).
    async fn rate_overrides(&self) -> Result<Option<RateOverrides>, StoreError>;
    /// Replaces them, with the audit line, in one write.
    async fn save_rate_overrides(&self, overrides: &RateOverrides, audit: &AuditEntry) -> Result<(), StoreError>;
}
