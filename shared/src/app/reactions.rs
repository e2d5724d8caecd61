//! What Parley does when a committed change is published: the events
//! function hands each event to every reaction in turn.

use crate::domain::Event;
use crate::ports::StoreError;
use async_trait::async_trait;

/// Something done in response to events. Delivery is at least once, so a
/// reaction must be idempotent on [`Event::id`]; it re-reads any state it
/// acts on rather than trusting the event's snapshot.
#[async_trait]
pub trait Reaction: Send + Sync {
    /// A short stable name, for logs and per-reaction idempotency keys.
    fn name(&self) -> &'static str;
    /// Acts on one event; ignores kinds it does not care about.
    async fn react(&self, event: &Event) -> Result<(), ReactionError>;
}

/// How a reaction fails.
#[derive(Debug, thiserror::Error)]
pub enum ReactionError {
    /// Storage or a downstream service was unavailable: the event is retried.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The reaction cannot ever succeed for this event (bad data, a rule
    /// pointing at something deleted): logged and recorded, not retried.
    #[error("{0}")]
    Permanent(String),
}

impl ReactionError {
    /// Whether delivering the event again could succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, ReactionError::Store(error) if error.is_transient())
    }
}
