//! Reading back the domain events the transactional outbox kept.

use super::StoreError;
use crate::domain::{Event, Millis};
use async_trait::async_trait;

/// The events of a span of time, as the outbox stored them (kept 30 days).
#[async_trait]
pub trait EventLog: Send + Sync {
    /// Events with `from <= at < until`, oldest first.
    async fn events_between(&self, from: Millis, until: Millis) -> Result<Vec<Event>, StoreError>;
}
