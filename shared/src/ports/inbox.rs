//! Conversation ownership, status, queues and round-robin turns.

use super::{ListFilter, Page, PageRequest, StoreError};
use crate::domain::conversation::ConversationStatus;
use crate::domain::{AuditEntry, Contact, ContactId, Millis};
use async_trait::async_trait;

/// Which conversations to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueQuery {
    /// Nobody owns them (open ones).
    Unassigned,
    /// Owned by this teammate (open ones).
    OwnedBy(String),
    /// In this status.
    Status(ConversationStatus),
    /// Waiting on us since before this instant.
    WaitingSince(Millis),
}

/// Ownership, status and queues of conversations.
#[async_trait]
pub trait InboxStore: Send + Sync {
    /// Gives the conversation to `to` (`None` = unassigned) if it is still
    /// owned by `from`; `false` when someone changed it first. Audited in the
    /// same write.
    async fn assign(
        &self,
        contact: &ContactId,
        from: Option<&str>,
        to: Option<&str>,
        closed: bool,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;
    /// Closes a conversation that is not closed, or reopens a closed one;
    /// audited in the same write. `false` when there was nothing to change
    /// (or no such contact): then nothing is written.
    async fn set_status(
        &self,
        contact: &ContactId,
        close: bool,
        owner: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;
    /// One queue, newest activity first; `only_visible_to` keeps an agent's
    /// own and unassigned ones, and `filter` narrows further.
    async fn queue(
        &self,
        query: &QueueQuery,
        only_visible_to: Option<&str>,
        filter: &ListFilter,
        page: &PageRequest,
    ) -> Result<Page<Contact>, StoreError>;
    /// The next round-robin turn.
    async fn next_turn(&self) -> Result<u64, StoreError>;
}
