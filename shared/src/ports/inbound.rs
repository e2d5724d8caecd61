//! Inbound messages, stored exactly once.

use super::StoreError;
use crate::domain::message::InboundMessage;
use crate::domain::unprocessable::UnprocessableItem;
use crate::domain::ContactId;
use async_trait::async_trait;

/// What storing an inbound message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// Stored now, on this contact's timeline.
    New(ContactId),
    /// Already stored by an earlier delivery, or stored and erased since;
    /// nothing changed.
    Duplicate,
}

/// Inbound messages, each stored exactly once, and the webhook items that
/// can never be stored.
#[async_trait]
pub trait InboundStore: Send + Sync {
    /// Stores an inbound message once, creating or updating its contact and
    /// service window; idempotent on the wamid.
    async fn record_inbound(&self, message: &InboundMessage) -> Result<Recorded, StoreError>;

    /// Keeps a webhook item (a message or a status) that can never be stored
    /// as it is, with its raw JSON, where operators find it; idempotent per
    /// item.
    async fn park_unprocessable(&self, item: &UnprocessableItem) -> Result<(), StoreError>;
}
