//! Data ownership: erasing and merging contacts.

use super::StoreError;
use crate::domain::ContactId;
use async_trait::async_trait;

/// Erasure and merging of contacts.
#[async_trait]
pub trait ContactLifecycleStore: Send + Sync {
    /// Removes a contact's personal data (messages, notes, identities,
    /// pointers) and leaves a tombstone; aggregate counters are kept.
    /// Returns how many items were deleted. Safe to run again after a crash.
    async fn erase_contact(&self, contact: &ContactId) -> Result<usize, StoreError>;
    /// Moves everything of `from` onto `into` (messages, notes, identities,
    /// deals) and removes `from`. Returns how many items moved.
    async fn merge_contacts(&self, into: &ContactId, from: &ContactId) -> Result<usize, StoreError>;
}
