//! Delivery statuses of outbound messages.

use super::StoreError;
use crate::domain::{MessageRef, StatusUpdate};
use async_trait::async_trait;

/// What applying a status did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusOutcome {
    /// The message moved to the new status.
    Applied,
    /// The message was already further along; pricing or errors were noted.
    Stale,
    /// The message is not known yet; the status is kept until it is.
    Pending,
    /// The message was erased: the status is dropped.
    Discarded,
}

/// Statuses, applied monotonically and never dropped.
#[async_trait]
pub trait StatusStore: Send + Sync {
    /// Applies a status monotonically, or keeps it until its message is known.
    async fn apply_status(&self, update: &StatusUpdate) -> Result<StatusOutcome, StoreError>;

    /// Records Meta's id for an outbound message and applies every status
    /// that arrived before it was known. Never points the wamid somewhere
    /// else than where it already points, nor at a message that has moved
    /// (a merge) or gone.
    async fn link_wamid(&self, message: &MessageRef, wamid: &str) -> Result<(), StoreError>;
}
