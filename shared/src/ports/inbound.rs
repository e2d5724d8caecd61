//! What the webhook writes: inbound messages and delivery statuses.

use super::StoreError;
use crate::domain::message::InboundMessage;
use crate::domain::{ContactId, MessageRef, StatusUpdate};
use async_trait::async_trait;

/// What storing an inbound message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// Stored now, on this contact's timeline.
    New(ContactId),
    /// Already stored by an earlier delivery; nothing changed.
    Duplicate,
}

/// What applying a status did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusOutcome {
    /// The message moved to the new status.
    Applied,
    /// The message was already further along; pricing or errors were noted.
    Stale,
    /// The message is not known yet; the status is kept until it is.
    Pending,
}

/// Inbound messages and statuses, each stored exactly once.
#[async_trait]
pub trait InboundStore: Send + Sync {
    /// Stores an inbound message once, creating or updating its contact and
    /// service window; idempotent on the wamid.
    async fn record_inbound(&self, message: &InboundMessage) -> Result<Recorded, StoreError>;

    /// Applies a status monotonically, or keeps it until its message is known.
    async fn apply_status(&self, update: &StatusUpdate) -> Result<StatusOutcome, StoreError>;

    /// Records Meta's id for an outbound message and applies every status
    /// that arrived before it was known.
    async fn link_wamid(&self, message: &MessageRef, wamid: &str) -> Result<(), StoreError>;
}
