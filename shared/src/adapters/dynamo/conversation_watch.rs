//! The live view's read of an open conversation: one Query of the contact's
//! partition from the window's first message on. Sort keys put messages
//! (`M#`) before notes (`N#`) and the profile (`PROFILE`), so the range
//! holds all three; read newest first, the profile and notes come first.

use super::contacts::{contact_from, message_from};
use super::item::{get_s, s};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::live_cursor::fingerprint;
use crate::domain::{ContactId, Millis};
use crate::ports::{StoreError, WatchedConversation};

/// Room for the notes beside the messages in one page.
const NOTES_HEADROOM: u32 = 100;

#[async_trait::async_trait]
impl crate::ports::ConversationWatch for DynamoStore {
    async fn watch(
        &self,
        contact: &ContactId,
        from: Millis,
        limit: u32,
    ) -> Result<Option<WatchedConversation>, StoreError> {
        let page = i32::try_from(limit.saturating_add(NOTES_HEADROOM)).unwrap_or(i32::MAX);
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND sk >= :from")
            .expression_attribute_values(":pk", s(keys::contact_pk(contact)))
            .expression_attribute_values(":from", s(keys::message_sk(from, "")))
            .scan_index_forward(false)
            .limit(page)
            .send()
            .await
            .map_err(unavailable)?;
        let (mut profile, mut notes, mut messages) = (None, Vec::new(), Vec::new());
        for item in out.items() {
            let sk = get_s(item, keys::SK).unwrap_or_default();
            if sk == keys::PROFILE {
                if item.contains_key("merged_into") {
                    return Ok(None);
                }
                profile = Some(contact_from(item)?);
            } else if sk.starts_with(keys::MESSAGE_PREFIX) {
                if messages.len() < limit as usize {
                    messages.push(message_from(item, contact)?);
                }
            } else if sk.starts_with("N#") {
                notes.push((sk, get_s(item, "text")));
            }
        }
        Ok(profile.map(|contact| WatchedConversation { contact, messages, notes_digest: fingerprint(&notes) }))
    }
}
