//! Inbound messages, stored exactly once.

use super::StoreError;
use crate::domain::message::InboundMessage;
use crate::domain::ContactId;
use async_trait::async_trait;

/// What storing an inbound message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// Stored now, on this contact's timeline.
    New(ContactId),
    /// Already stored by an earlier delivery; nothing changed.
    Duplicate,
}

/// Inbound messages, each stored exactly once.
#[async_trait]
pub trait InboundStore: Send + Sync {
    /// Stores an inbound message once, creating or updating its contact and
    /// service window; idempotent on the wamid.
    async fn record_inbound(&self, message: &InboundMessage) -> Result<Recorded, StoreError>;
}
