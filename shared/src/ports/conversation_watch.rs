//! One read of everything about an open conversation that can change while
//! someone looks at it.

use super::StoreError;
use crate::domain::{Contact, ContactId, Message, Millis};
use async_trait::async_trait;

/// An open conversation as it is now.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchedConversation {
    /// The contact.
    pub contact: Contact,
    /// Its messages stored at or after the asked instant, newest first.
    pub messages: Vec<Message>,
    /// A digest of its internal notes: it changes when a note is added.
    pub notes_digest: String,
}

/// The live view's read of an open conversation.
#[async_trait]
pub trait ConversationWatch: Send + Sync {
    /// The contact, its notes and its messages from `from` on (at most
    /// `limit`, newest first), in one read; `None` when the contact is gone
    /// or was merged into another.
    async fn watch(
        &self,
        contact: &ContactId,
        from: Millis,
        limit: u32,
    ) -> Result<Option<WatchedConversation>, StoreError>;
}
