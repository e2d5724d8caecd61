//! Reading back the domain events of a window of time (automation's dry
//! run: "what would this rule have done over the last 7 days").

use super::{Page, PageRequest, StoreError};
use crate::domain::{Event, Millis};
use async_trait::async_trait;

/// The events written in a window, kept for 30 days.
#[async_trait]
pub trait EventLog: Send + Sync {
    /// Events with `from <= at < until`, oldest first, a page at a time
    /// (pass `next_cursor` back for the rest).
    async fn events_between(&self, from: Millis, until: Millis, page: &PageRequest) -> Result<Page<Event>, StoreError>;
}
