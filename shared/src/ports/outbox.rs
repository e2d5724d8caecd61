//! The send state machine: `queued → sending → sent | failed`, with retries
//! and the sweep's view of what got stuck.

use super::StoreError;
use crate::domain::pricing::Estimate;
use crate::domain::{AuditEntry, DeliveryError, MessageRef, Millis, OutboundMessage};
use async_trait::async_trait;

/// The result of asking to send.
#[derive(Debug, Clone, PartialEq)]
pub enum Created {
    /// Stored as `queued` now.
    New,
    /// The same Idempotency-Key was used before: this is that message's id.
    Existing(String),
}

/// The conversation a send may be the first answer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstResponse {
    /// Whose figures it counts in: the conversation's owner, or `unassigned`.
    pub agent: String,
    /// When the customer first wrote (the response time runs from here, and
    /// its day is the day the figures count in).
    pub first_inbound_at: Millis,
}

/// Which stuck messages to find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StuckState {
    /// Stored but never picked up (a crash between store and enqueue).
    Queued,
    /// Claimed but never finished (a crash mid-send).
    Sending,
}

/// Outbound messages through their states.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Stores a `queued` message (and the idempotency key, atomically).
    /// With `first_response`, the conversation's first answer is recorded
    /// and counted into its day's aggregates in the same write, unless
    /// another answer came first (then it is stored as any later answer).
    async fn create_outbound(
        &self,
        message: &OutboundMessage,
        text: &str,
        estimate: &Estimate,
        idempotency_key: Option<&str>,
        audit: Option<&AuditEntry>,
        first_response: Option<&FirstResponse>,
    ) -> Result<Created, StoreError>;
    /// `queued → sending`; `None` when someone else has it or it is done.
    async fn claim(&self, message: &MessageRef) -> Result<Option<OutboundMessage>, StoreError>;
    /// `sending → sent` with Meta's id; applies statuses that came first.
    async fn mark_sent(&self, message: &MessageRef, wamid: &str) -> Result<(), StoreError>;
    /// `sending → queued` to try again later, noting why.
    async fn release(&self, message: &MessageRef, error: &DeliveryError) -> Result<(), StoreError>;
    /// `→ failed` with Meta's reasons.
    async fn mark_failed(&self, message: &MessageRef, errors: &[DeliveryError]) -> Result<(), StoreError>;
    /// The request left but no answer came: keep `sending`, flag it for staff.
    async fn mark_unknown(&self, message: &MessageRef) -> Result<(), StoreError>;
    /// Finds a message by Parley id or wamid.
    async fn locate(&self, id: &str) -> Result<Option<MessageRef>, StoreError>;
    /// `failed` (or outcome unknown) `→ queued` again, on staff's say-so.
    async fn requeue(&self, message: &MessageRef) -> Result<bool, StoreError>;
    /// Messages still `queued` (or `sending`) since before `before`.
    async fn stuck(&self, state: StuckState, before: Millis, limit: i32) -> Result<Vec<MessageRef>, StoreError>;
}
