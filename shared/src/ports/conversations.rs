//! Reading contacts and their timelines.

use super::{ListFilter, Page, PageRequest, StoreError};
use crate::domain::{Contact, ContactId, Message, MessageRef};
use async_trait::async_trait;

/// Contacts and their timelines, as staff read them.
#[async_trait]
pub trait ConversationStore: Send + Sync {
    /// Contacts, most recent activity first; `only_visible_to` keeps an
    /// agent's own and the unassigned ones, and `filter` narrows further.
    async fn list_contacts(
        &self,
        page: &PageRequest,
        only_visible_to: Option<&str>,
        filter: &ListFilter,
    ) -> Result<Page<Contact>, StoreError>;

    /// One contact.
    async fn contact(&self, id: &ContactId) -> Result<Option<Contact>, StoreError>;

    /// A contact's messages, oldest first.
    async fn timeline(&self, id: &ContactId, page: &PageRequest) -> Result<Page<Message>, StoreError>;

    /// One message of a timeline, by its reference (an inbound message's is
    /// its contact, time and wamid, which its `message.received` event carries).
    async fn message_at(&self, reference: &MessageRef) -> Result<Option<Message>, StoreError>;

    /// The contact a merged-away contact was merged into (`None` for a
    /// contact that was not merged away, or is gone).
    async fn merged_into(&self, id: &ContactId) -> Result<Option<ContactId>, StoreError>;
}
