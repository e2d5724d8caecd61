//! The send state machine: `queued → sending → sent | failed`, with retries
//! and the sweep's view of what got stuck.

use super::StoreError;
use crate::domain::pricing::Estimate;
use crate::domain::{AuditEntry, DeliveryError, DeliveryStatus, MessageRef, Millis, OutboundMessage};
use async_trait::async_trait;

/// The result of asking to send.
#[derive(Debug, Clone, PartialEq)]
pub enum Created {
    /// Stored as `queued` now.
    New,
    /// The same Idempotency-Key was used before for the same request: this
    /// is that message's id.
    Existing(String),
    /// The same Idempotency-Key was used before for a different request.
    KeyReused,
}

/// A client's Idempotency-Key as the store keeps it: scoped, so that the
/// same key from another user or for another route is another key, and
/// bound to the request it first came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// Digest of the user, the route and the client's key.
    pub scope: String,
    /// Digest of the request body.
    pub request: String,
}

/// An outbound message and where its sending stands.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboundStanding {
    /// The message.
    pub message: OutboundMessage,
    /// Its delivery status.
    pub status: DeliveryStatus,
    /// The last attempt left but its answer never came (still `sending`).
    pub outcome_unknown: bool,
    /// When the last send attempt started, if one did.
    pub last_attempt_at: Option<Millis>,
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
        idempotency_key: Option<&IdempotencyKey>,
        audit: Option<&AuditEntry>,
        first_response: Option<&FirstResponse>,
    ) -> Result<Created, StoreError>;
    /// `queued → sending`; `None` when someone else has it or it is done.
    async fn claim(&self, message: &MessageRef) -> Result<Option<OutboundMessage>, StoreError>;
    /// `sending → sent` with Meta's id; applies statuses that came first.
    async fn mark_sent(&self, message: &MessageRef, wamid: &str) -> Result<(), StoreError>;
    /// `sending → queued` to try again in `retry_in_seconds`, noting why;
    /// the sweep counts a message stuck only from when its retry is due.
    async fn release(
        &self,
        message: &MessageRef,
        error: &DeliveryError,
        retry_in_seconds: i32,
    ) -> Result<(), StoreError>;
    /// `→ failed` with Meta's reasons.
    async fn mark_failed(&self, message: &MessageRef, errors: &[DeliveryError]) -> Result<(), StoreError>;
    /// The request left but no answer came: keep `sending`, flag it for staff.
    async fn mark_unknown(&self, message: &MessageRef) -> Result<(), StoreError>;
    /// Finds a message by Parley id or wamid.
    async fn locate(&self, id: &str) -> Result<Option<MessageRef>, StoreError>;
    /// An outbound message and where it stands; `None` for no such
    /// outbound message.
    async fn outbound(&self, message: &MessageRef) -> Result<Option<OutboundStanding>, StoreError>;
    /// `failed` (or outcome unknown) `→ queued` again, on staff's say-so.
    async fn requeue(&self, message: &MessageRef) -> Result<bool, StoreError>;
    /// Restarts a still-`queued` message's stuck clock at `at`, after the
    /// sweep put it on the queue again: however many sweeps overlap, each
    /// stuck message is re-enqueued at most once per threshold. `false` when
    /// it is no longer queued.
    async fn restamp_queued(&self, message: &MessageRef, at: Millis) -> Result<bool, StoreError>;
    /// Messages still `queued` (or `sending`) since before `before`.
    async fn stuck(&self, state: StuckState, before: Millis, limit: i32) -> Result<Vec<MessageRef>, StoreError>;
}
