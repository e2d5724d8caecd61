//! The chats coexistence backfills, stored once.

use super::StoreError;
use crate::domain::chat_history::HistoryThread;
use crate::domain::ContactId;
use async_trait::async_trait;

/// What storing one thread of the backfill did.
#[derive(Debug)]
pub struct HistoryRecorded {
    /// The contact the thread is on (created when it was new).
    pub contact: ContactId,
    /// Messages stored now.
    pub stored: usize,
    /// Messages stored before (a redelivered chunk) or erased since.
    pub duplicates: usize,
    /// Messages no retry can store (too large, say), by their place in the
    /// thread, with why: for the caller to park.
    pub refused: Vec<(usize, StoreError)>,
}

/// The backfill of chats from before onboarding.
#[async_trait]
pub trait ChatHistory: Send + Sync {
    /// Stores a thread's messages on its customer's contact (creating it,
    /// as a closed conversation, when new), each once by wamid. It opens no
    /// window, moves no conversation status and publishes no event, so
    /// nothing downstream reacts to it.
    async fn record_history(&self, thread: &HistoryThread) -> Result<HistoryRecorded, StoreError>;
}
