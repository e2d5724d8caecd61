//! The coexistence backfill and address book, in memory.

use super::contacts::new_contact;
use super::{storable, MemoryStore};
use crate::domain::address_book::AddressBookEntry;
use crate::domain::chat_history::HistoryThread;
use crate::domain::conversation::ConversationStatus;
use crate::domain::{BusinessNumber, ContactId, Direction};
use crate::ports::{AddressBook, ChatHistory, HistoryRecorded, StoreError};

#[async_trait::async_trait]
impl ChatHistory for MemoryStore {
    async fn record_history(&self, thread: &HistoryThread) -> Result<HistoryRecorded, StoreError> {
        let mut state = self.state();
        let key = (thread.phone_number_id.clone(), thread.customer.primary_key().as_key());
        let mut contact = match state.identities.get(&key) {
            Some(owner) => owner.clone(),
            None => ContactId::derive(
                &self.ids,
                &BusinessNumber(thread.phone_number_id.clone()),
                &thread.customer.primary_key(),
            ),
        };
        while let Some(survivor) = state.merged_into.get(&contact) {
            contact = survivor.clone();
        }
        state.identities.insert(key, contact.clone());
        let mut recorded = HistoryRecorded { contact: contact.clone(), stored: 0, duplicates: 0, refused: Vec::new() };
        for (index, message) in thread.messages.iter().enumerate() {
            state.reachable(&message.wamid)?;
            if state.pointers.contains_key(&message.wamid) || state.erased_ids.contains(&message.wamid) {
                recorded.duplicates += 1;
                continue;
            }
            if let Err(refused) = storable(&message.wamid, message.raw.len()) {
                recorded.refused.push((index, refused));
                continue;
            }
            state.keep_message(message, &contact);
            recorded.stored += 1;
        }
        if let Some(newest) = thread.messages.iter().map(|m| m.at).max() {
            let row = state.contacts.entry(contact.clone()).or_insert_with(|| {
                let mut row = new_contact(&contact, &thread.phone_number_id, newest);
                row.contact.conversation.status = Some(ConversationStatus::Closed);
                row.in_owner_queue = false;
                row
            });
            let c = &mut row.contact;
            if c.last_activity_at.is_none_or(|last| last <= newest) {
                c.last_activity_at = Some(newest);
            }
            if let Some(wa) = thread.customer.wa_id() {
                c.wa_id.get_or_insert_with(|| wa.to_owned());
            }
            c.source.get_or_insert_with(|| "whatsapp".to_owned());
            let wrote = thread.messages.iter().filter(|m| m.arrival.direction() == Direction::In).map(|m| m.at).max();
            if let (None, Some(wrote)) = (c.last_inbound_at, wrote) {
                c.last_inbound_at = Some(wrote);
            }
        }
        Ok(recorded)
    }
}

#[async_trait::async_trait]
impl AddressBook for MemoryStore {
    async fn note_address_book(&self, entry: &AddressBookEntry) -> Result<bool, StoreError> {
        let mut state = self.state();
        let key = (entry.phone_number_id.clone(), entry.customer.primary_key().as_key());
        let Some(contact) = state.identities.get(&key).cloned() else { return Ok(false) };
        // A change older than the one kept comes late: it must not undo it.
        if state.address_book_at.get(&contact).is_some_and(|kept| *kept > entry.at) {
            return Ok(false);
        }
        let Some(row) = state.contacts.get_mut(&contact) else { return Ok(false) };
        row.contact.address_book_name = entry.name.clone();
        state.address_book_at.insert(contact, entry.at);
        Ok(true)
    }
}
