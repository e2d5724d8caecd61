//! The live view's read of an open conversation, as the DynamoDB store
//! answers it: the profile, a digest of the notes, and the messages from
//! the asked instant on, newest first.

use super::MemoryStore;
use crate::domain::live_cursor::fingerprint;
use crate::domain::{ContactId, Millis};
use crate::ports::{ConversationWatch, StoreError, WatchedConversation};

#[async_trait::async_trait]
impl ConversationWatch for MemoryStore {
    async fn watch(
        &self,
        contact: &ContactId,
        from: Millis,
        limit: u32,
    ) -> Result<Option<WatchedConversation>, StoreError> {
        let state = self.state();
        let Some(row) = state.contacts.get(contact) else { return Ok(None) };
        let mut messages: Vec<_> = state
            .messages
            .get(contact)
            .map(|m| m.values().map(|r| r.message.clone()).filter(|m| m.at >= from).collect())
            .unwrap_or_default();
        messages.sort_by(|a, b| (b.at, &b.id).cmp(&(a.at, &a.id)));
        messages.truncate(limit as usize);
        let notes: Vec<_> = state
            .notes
            .get(contact)
            .map(|notes| notes.iter().map(|n| (n.id.clone(), Some(n.text.clone()))).collect())
            .unwrap_or_default();
        Ok(Some(WatchedConversation { contact: row.contact.clone(), messages, notes_digest: fingerprint(&notes) }))
    }
}
