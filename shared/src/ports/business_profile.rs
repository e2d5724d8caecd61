//! The business profile: one record.

use super::StoreError;
use crate::domain::{AuditEntry, BusinessProfile};
use async_trait::async_trait;

/// Reads and saves the business profile.
#[async_trait]
pub trait BusinessProfileStore: Send + Sync {
    /// The saved profile, or `None` before an admin first saved one.
    async fn business_profile(&self) -> Result<Option<BusinessProfile>, StoreError>;

    /// Saves the profile and its audit line in one write.
    async fn save_business_profile(&self, profile: &BusinessProfile, audit: &AuditEntry) -> Result<(), StoreError>;
}
