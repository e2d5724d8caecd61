//! Conversation ownership, status, the queues and round-robin turns.

use super::{by_activity, page_of, visible, MemoryStore};
use crate::domain::conversation::ConversationStatus;
use crate::domain::{AuditEntry, Contact, ContactId};
use crate::ports::{InboxStore, Page, PageRequest, QueueQuery, StoreError};

#[async_trait::async_trait]
impl InboxStore for MemoryStore {
    async fn assign(
        &self,
        contact: &ContactId,
        from: Option<&str>,
        to: Option<&str>,
        closed: bool,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut state = self.state();
        let Some(row) = state.contacts.get_mut(contact) else { return Ok(false) };
        if row.contact.conversation.owner.as_deref() != from {
            return Ok(false);
        }
        row.contact.conversation.owner = to.map(str::to_owned);
        if !closed {
            row.in_owner_queue = true;
        }
        state.audit.push(audit.clone());
        Ok(true)
    }

    async fn set_status(
        &self,
        contact: &ContactId,
        close: bool,
        _owner: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut state = self.state();
        let Some(row) = state.contacts.get_mut(contact) else { return Ok(false) };
        // Only a change of state is written (and audited).
        let closed = row.contact.conversation.status == Some(ConversationStatus::Closed);
        if closed == close {
            return Ok(false);
        }
        if close {
            row.contact.conversation.status = Some(ConversationStatus::Closed);
            row.contact.conversation.awaiting_since = None;
            row.in_owner_queue = false;
        } else {
            row.contact.conversation.status = Some(ConversationStatus::Open);
            row.in_owner_queue = true;
        }
        state.audit.push(audit.clone());
        Ok(true)
    }

    async fn queue(
        &self,
        query: &QueueQuery,
        only_visible_to: Option<&str>,
        filter: &crate::ports::ListFilter,
        page: &PageRequest,
    ) -> Result<Page<Contact>, StoreError> {
        let state = self.state();
        let mut found: Vec<Contact> = state
            .contacts
            .values()
            .filter(|r| {
                let conversation = &r.contact.conversation;
                match query {
                    QueueQuery::Unassigned => r.in_owner_queue && conversation.owner.is_none(),
                    QueueQuery::OwnedBy(owner) => {
                        r.in_owner_queue && conversation.owner.as_deref() == Some(owner.as_str())
                    }
                    QueueQuery::Status(status) => conversation.status == Some(*status),
                    QueueQuery::WaitingSince(before) => conversation.awaiting_since.is_some_and(|s| s < *before),
                }
            })
            .filter(|r| r.contact.last_activity_at.is_some() && visible(&r.contact, only_visible_to))
            .filter(|r| filter.keeps(&r.contact))
            .map(|r| r.contact.clone())
            .collect();
        found = match query {
            // Longest waiting last, as the waiting index sorts.
            QueueQuery::WaitingSince(_) => {
                found.sort_by_key(|c| std::cmp::Reverse(c.conversation.awaiting_since));
                found
            }
            _ => by_activity(found),
        };
        page_of(found, page)
    }

    async fn next_turn(&self) -> Result<u64, StoreError> {
        let mut state = self.state();
        let turn = state.turn;
        state.turn += 1;
        Ok(turn)
    }
}
