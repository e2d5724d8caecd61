//! The business numbers admins have set up (name, WABA, default owner).

use super::StoreError;
use crate::domain::number_profile::NumberProfile;
use crate::domain::{AuditEntry, Millis};
use async_trait::async_trait;

/// Where number profiles are kept: a handful of small items, all read at once.
#[async_trait]
pub trait NumberProfileStore: Send + Sync {
    /// Every number set up, by `phone_number_id`.
    async fn number_profiles(&self) -> Result<Vec<NumberProfile>, StoreError>;
    /// Saves `profile` with its audit line in one write, only if the stored
    /// one was last changed at `expected` (`None`: only if there is none).
    /// `false` when another edit came first.
    async fn save_number_profile(
        &self,
        profile: &NumberProfile,
        expected: Option<Millis>,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;
    /// Removes number `id`'s profile if it was last changed at `expected`;
    /// `false` when it had changed or was gone.
    async fn remove_number_profile(&self, id: &str, expected: Millis, audit: &AuditEntry) -> Result<bool, StoreError>;
}
