//! Coexistence with the WhatsApp Business app: what the business types on
//! its phone, the backfilled chat history, and the app's address book.
//!
//! The history is written thread by thread. One transaction settles the
//! thread's contact (its identity pointer, and its activity moved to the
//! newest message when that is newer), then each message is one small
//! transaction of its own (the wamid pointer, the erasure check, the
//! message), sixteen at once. The messages never touch the contact item, so
//! they do not conflict with each other, and a chunk of hundreds fits
//! Meta's webhook timeout.

use super::failure::{applied, cancellation};
use super::inbound::{contact_still_open, message_item, put_if_absent, wamid_pointer, IdentityClaim, OPEN};
use super::item::{get_s, key, n, s, Item};
use super::keys::{self, Shard};
use super::write::PlainWrite;
use super::{unavailable, DynamoStore};
use crate::domain::address_book::AddressBookEntry;
use crate::domain::chat_history::HistoryThread;
use crate::domain::conversation::ConversationStatus;
use crate::domain::message::InboundMessage;
use crate::domain::{BusinessNumber, ContactId, Direction, Millis};
use crate::ports::{HistoryRecorded, StoreError};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update};
use futures_util::StreamExt;
use std::collections::HashMap;

/// Messages of one thread written at once.
const MESSAGES_AT_ONCE: usize = 16;

/// Turns of the thread's contact transaction: each settles a pointer that
/// names another contact, a merge, or an older thread, with room for a
/// conflict.
const MAX_ATTEMPTS: usize = 5;

/// The contact update for a message the business typed on its phone: the
/// team answered, as when staff send from Parley (the customer owes the
/// next word, the SLA clock stops), except that the service window stays
/// as the customer's own messages left it. A number the business writes to
/// first becomes a contact here.
pub(super) fn answered_from_phone(
    table: &str,
    message: &InboundMessage,
    contact: &ContactId,
    twin: Option<&ContactId>,
) -> Result<TransactWriteItem, StoreError> {
    let shard = Shard::of(contact);
    let waiting = ConversationStatus::WaitingOnCustomer.as_str();
    let (mut sets, mut values) = listed_at(message, contact);
    sets.extend(["#status = :st", "gsi3pk = :q", "gsi4sk = :g1sk"]);
    values.insert(":st".to_owned(), s(waiting));
    values.insert(":q".to_owned(), s(keys::status_queue(waiting, shard)));
    let mut expression = format!("SET {}", sets.join(", "));
    if let Some(twin) = twin {
        expression.push_str(" ADD merge_suggested :twin");
        values.insert(":twin".to_owned(), AttributeValue::Ss(vec![twin.to_string()]));
    }
    expression.push_str(" REMOVE awaiting_since, gsi5pk, gsi5sk");
    newest_only(table, contact, expression, values)
}

/// The contact update for a thread of the backfill, at its newest message:
/// the contact exists, is listed by that activity, and keeps whatever
/// conversation status it has (a new one is closed: nobody owes anybody).
/// A contact new from the history came by WhatsApp, and last wrote when
/// its newest message in the thread was sent (never the window's start).
fn history_settled(
    table: &str,
    newest: &InboundMessage,
    customer_wrote: Option<Millis>,
    contact: &ContactId,
) -> Result<TransactWriteItem, StoreError> {
    let closed = ConversationStatus::Closed.as_str();
    let (mut sets, mut values) = listed_at(newest, contact);
    sets.extend([
        "#status = if_not_exists(#status, :st)",
        "gsi3pk = if_not_exists(gsi3pk, :q)",
        "lead_source = if_not_exists(lead_source, :whatsapp)",
    ]);
    values.insert(":st".to_owned(), s(closed));
    values.insert(":q".to_owned(), s(keys::status_queue(closed, Shard::of(contact))));
    values.insert(":whatsapp".to_owned(), s("whatsapp"));
    if let Some(wrote) = customer_wrote {
        sets.push("last_inbound_at = if_not_exists(last_inbound_at, :wrote)");
        values.insert(":wrote".to_owned(), n(wrote.0));
    }
    newest_only(table, contact, format!("SET {}", sets.join(", ")), values)
}

/// What both updates set: the contact exists (created here when new, with
/// no owner), is listed by the message's time as its latest activity, and
/// keeps the customer's number, in the phone index too.
fn listed_at(message: &InboundMessage, contact: &ContactId) -> (Vec<&'static str>, Item) {
    let shard = Shard::of(contact);
    let mut sets = vec![
        "contact_id = :cid",
        "phone_number_id = if_not_exists(phone_number_id, :pnid)",
        "created_at = if_not_exists(created_at, :at)",
        "last_activity_at = :at",
        "gsi1pk = :g1pk",
        "gsi1sk = :g1sk",
        "gsi3sk = :g1sk",
        "owner_key = if_not_exists(owner_key, :unassigned)",
    ];
    let mut values = HashMap::from([
        (":cid".to_owned(), s(contact.as_str())),
        (":pnid".to_owned(), s(&message.phone_number_id)),
        (":at".to_owned(), n(message.at.0)),
        (":g1pk".to_owned(), s(keys::contacts_by_activity(shard))),
        (":g1sk".to_owned(), s(keys::activity_sk(message.at, contact))),
        (":unassigned".to_owned(), s(keys::owner_queue(None, shard))),
    ]);
    if let Some(wa) = message.from.wa_id() {
        sets.extend(["wa_id = :wa", "gsi7pk = :by_phone", "gsi7sk = :phone_sk"]);
        values.insert(":wa".to_owned(), s(wa));
        values.insert(":by_phone".to_owned(), s(keys::by_phone(shard)));
        values.insert(":phone_sk".to_owned(), s(format!("{wa}#{contact}")));
    }
    (sets, values)
}

/// The update, applied only when its message is at least as new as the
/// contact's activity, and only to a contact that still takes messages
/// (the profile comes back when it does not, to tell why).
fn newest_only(
    table: &str,
    contact: &ContactId,
    expression: String,
    values: Item,
) -> Result<TransactWriteItem, StoreError> {
    let update = Update::builder()
        .table_name(table)
        .set_key(Some(key(keys::contact_pk(contact), keys::PROFILE)))
        .update_expression(expression)
        .condition_expression(format!("(attribute_not_exists(last_activity_at) OR last_activity_at <= :at) AND {OPEN}"))
        .set_expression_attribute_values(Some(values))
        .expression_attribute_names("#status", "status")
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .build()
        .map_err(unavailable)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

/// How one message of a thread went.
enum Written {
    New,
    Duplicate,
    Refused(StoreError),
}

impl DynamoStore {
    /// Settles the thread's contact: claims the customer's identity for it
    /// and moves its activity to the thread's newest message. Follows a
    /// pointer that names another contact, and a merge.
    async fn settle_history_contact(
        &self,
        thread: &HistoryThread,
        newest: &InboundMessage,
    ) -> Result<ContactId, StoreError> {
        let identity = thread.customer.primary_key();
        let number = BusinessNumber(thread.phone_number_id.clone());
        let mut contact = match self.identity_owner(&thread.phone_number_id, &identity).await? {
            Some(owner) => owner,
            None => ContactId::derive(&self.ids, &number, &identity),
        };
        let customer_wrote =
            thread.messages.iter().filter(|m| m.arrival.direction() == Direction::In).map(|m| m.at).max();
        let mut newer = true;
        for _ in 0..MAX_ATTEMPTS {
            let claim = IdentityClaim::new(&thread.phone_number_id, &identity, &contact, &[]);
            let settle = match newer {
                true => history_settled(&self.table, newest, customer_wrote, &contact)?,
                false => contact_still_open(&self.table, &contact, None)?,
            };
            let items = vec![claim.in_transaction(&self.table).into_sdk()?, settle];
            let outcome = self.client.transact_write_items().set_transact_items(Some(items)).send().await;
            let Some(reasons) = cancellation(outcome)? else { return Ok(contact) };
            let failed = |i: usize| reasons.get(i).and_then(|r| r.code()) == Some("ConditionalCheckFailed");
            if failed(0) {
                // The number belongs to another contact now: write there.
                if let Some(owner) = self.identity_owner(&thread.phone_number_id, &identity).await? {
                    contact = owner;
                }
                continue;
            }
            if failed(1) {
                let profile = reasons.get(1).and_then(|r| r.item());
                if let Some(survivor) =
                    profile.and_then(|p| get_s(p, "merged_into")).and_then(|id| ContactId::parse(&id))
                {
                    contact = survivor;
                    continue;
                }
                if profile.is_some_and(|p| p.contains_key("erasing")) {
                    return Err(StoreError::Unavailable("the contact is being erased; retry later".into()));
                }
                // The contact has seen newer messages than this thread.
                newer = false;
            }
        }
        Err(StoreError::Unavailable("the history's contact kept conflicting".into()))
    }

    /// Writes one message of the backfill, once.
    async fn write_history_message(
        &self,
        message: &InboundMessage,
        contact: &ContactId,
    ) -> Result<Written, StoreError> {
        let contact_pk = keys::contact_pk(contact);
        let message_sk = keys::message_sk(message.at, &message.wamid);
        let pointer = wamid_pointer(message, contact, &message_sk);
        let mut item = message_item(message, contact, &contact_pk, &message_sk);
        // Its file was Meta's to keep: history media is not copied.
        item.remove(super::media::MEDIA_STATUS);
        let items = vec![
            put_if_absent(&self.table, pointer).into(),
            self.not_erased(&message.wamid).into(),
            PlainWrite::put(&self.table, item).into(),
        ];
        let reasons = match self.transact(items).await {
            Ok(None) => return Ok(Written::New),
            Ok(Some(reasons)) => reasons,
            Err(refused @ StoreError::Rejected(_)) => return Ok(Written::Refused(refused)),
            Err(other) => return Err(other),
        };
        if let Some(invalid) = reasons.iter().find(|r| r.code() == Some("ValidationError")) {
            return Ok(Written::Refused(StoreError::Rejected(invalid.message().unwrap_or("invalid item").to_owned())));
        }
        let failed = |i: usize| reasons.get(i).and_then(|r| r.code()) == Some("ConditionalCheckFailed");
        if failed(0) || failed(1) {
            return Ok(Written::Duplicate);
        }
        Err(StoreError::Unavailable(format!("history message {} conflicted", message.wamid)))
    }
}

#[async_trait::async_trait]
impl crate::ports::ChatHistory for DynamoStore {
    async fn record_history(&self, thread: &HistoryThread) -> Result<HistoryRecorded, StoreError> {
        let Some(newest) = thread.messages.iter().max_by_key(|m| m.at) else {
            let identity = thread.customer.primary_key();
            let number = BusinessNumber(thread.phone_number_id.clone());
            let contact = ContactId::derive(&self.ids, &number, &identity);
            return Ok(HistoryRecorded { contact, stored: 0, duplicates: 0, refused: Vec::new() });
        };
        let contact = self.settle_history_contact(thread, newest).await?;
        // Collected first: a stream holding the closure would not be `Send`
        // for every lifetime, as the trait's boxed future must be.
        let mut writes = Vec::with_capacity(thread.messages.len());
        for (index, message) in thread.messages.iter().enumerate() {
            let contact = &contact;
            writes.push(async move { (index, self.write_history_message(message, contact).await) });
        }
        let mut outcomes = futures_util::stream::iter(writes).buffer_unordered(MESSAGES_AT_ONCE);
        let mut recorded = HistoryRecorded { contact: contact.clone(), stored: 0, duplicates: 0, refused: Vec::new() };
        while let Some((index, outcome)) = outcomes.next().await {
            match outcome? {
                Written::New => recorded.stored += 1,
                Written::Duplicate => recorded.duplicates += 1,
                Written::Refused(error) => recorded.refused.push((index, error)),
            }
        }
        Ok(recorded)
    }
}

#[async_trait::async_trait]
impl crate::ports::AddressBook for DynamoStore {
    async fn note_address_book(&self, entry: &AddressBookEntry) -> Result<bool, StoreError> {
        let Some(contact) = self.identity_owner(&entry.phone_number_id, &entry.customer.primary_key()).await? else {
            return Ok(false);
        };
        let update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(&contact), keys::PROFILE)))
            .condition_expression(format!(
                "attribute_exists(pk) AND (attribute_not_exists(address_book_at) OR address_book_at <= :at) AND {OPEN}"
            ))
            .expression_attribute_values(":at", n(entry.at.0));
        let update = match &entry.name {
            Some(name) => update
                .update_expression("SET address_book_name = :name, address_book_at = :at")
                .expression_attribute_values(":name", s(name)),
            None => update.update_expression("SET address_book_at = :at REMOVE address_book_name"),
        };
        applied(update.send().await)
    }
}
