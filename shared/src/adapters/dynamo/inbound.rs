//! Storing an inbound message: one `TransactWriteItems` in the common case.
//!
//! The transaction puts the wamid pointer (the dedup guard), the message, the
//! identity pointer(s) and updates the contact. A new contact's id is derived
//! from its identity, so even a stranger's first message needs no read first.
//! The rare cases cost a retry each, decided from the cancellation reasons:
//! a duplicate wamid (done), an identity that points elsewhere (read it, then
//! write), or a message older than the contact's latest (write it without
//! moving the contact's activity backwards).

use super::item::{key, n, s, Item};
use super::keys::{self, CONTACTS_BY_ACTIVITY};
use super::{unavailable, DynamoStore};
use crate::domain::conversation::ConversationStatus;
use crate::domain::identity::IdentityKey;
use crate::domain::message::InboundMessage;
use crate::domain::message_content::MessageContent;
use crate::domain::{BusinessNumber, ContactId, ServiceWindow};
use crate::ports::{Recorded, StoreError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
use std::collections::HashMap;

/// How many times the decide-and-retry loop may go round; each turn settles
/// one of the rare cases, so three is enough with room for a conflict.
const MAX_ATTEMPTS: usize = 4;

#[derive(Clone, Copy, PartialEq, Eq)]
enum ContactUpdate {
    /// The message is the contact's newest: move activity, window and name.
    Newest,
    /// An older message arriving late: leave the contact as it is.
    Older,
}

impl DynamoStore {
    fn inbound_transaction(
        &self,
        message: &InboundMessage,
        identities: &[IdentityKey],
        contact: &ContactId,
        mode: ContactUpdate,
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        let contact_pk = keys::contact_pk(contact);
        let message_sk = keys::message_sk(message.at, &message.wamid);
        let mut pointer = key(keys::wamid_pk(&message.wamid), keys::WAMID);
        pointer.extend([
            ("contact_id".to_owned(), s(contact.as_str())),
            ("message_sk".to_owned(), s(&message_sk)),
            ("direction".to_owned(), s("in")),
        ]);
        let mut items = vec![
            put_if_absent(&self.table, pointer)?,
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(&self.table)
                        .set_item(Some(message_item(message, contact, &contact_pk, &message_sk)))
                        .build()
                        .map_err(unavailable)?,
                )
                .build(),
        ];
        for identity in identities {
            items.push(identity_claim(&self.table, &message.phone_number_id, identity, contact)?);
        }
        if mode == ContactUpdate::Newest {
            items.push(contact_update(&self.table, message, contact)?);
        }
        // Counted in the same transaction, so a redelivery never counts twice.
        items.push(super::stats::count_message(&self.table, message.at, "inbound", &message.wamid)?);
        Ok(items)
    }

    /// Finds the contact an existing identity pointer names (wa_id first).
    async fn resolve_contact(
        &self,
        phone_number_id: &str,
        identities: &[IdentityKey],
    ) -> Result<Option<ContactId>, StoreError> {
        for identity in identities {
            let found = self
                .client
                .get_item()
                .table_name(&self.table)
                .set_key(Some(identity_key(phone_number_id, identity)))
                .consistent_read(true)
                .send()
                .await
                .map_err(unavailable)?;
            if let Some(id) =
                found.item().and_then(|i| super::item::get_s(i, "contact_id")).and_then(|id| ContactId::parse(&id))
            {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// A "customer changed their number" notice teaches the contact its new
    /// identity, so the customer's next message lands on the same record.
    async fn note_changed_identity(&self, message: &InboundMessage, contact: &ContactId) -> Result<(), StoreError> {
        let MessageContent::System { new_wa_id, new_user_id, .. } = &message.content else {
            return Ok(());
        };
        let gained = new_wa_id
            .iter()
            .map(|w| IdentityKey::WaId(w.clone()))
            .chain(new_user_id.iter().map(|u| IdentityKey::UserId(u.clone())));
        for identity in gained {
            let claimed = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(identity_key(&message.phone_number_id, &identity)))
                .update_expression(CLAIM_UPDATE)
                .condition_expression(CLAIM_CONDITION)
                .expression_attribute_values(":cid", s(contact.as_str()))
                .send()
                .await;
            // A number that already belongs to another contact is a merge for
            // staff to decide, not something to overwrite here.
            if let Err(e) = claimed {
                if !e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) {
                    return Err(unavailable(e));
                }
            }
        }
        if let Some(wa) = new_wa_id {
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key(keys::contact_pk(contact), keys::PROFILE)))
                .update_expression("SET wa_id = :wa")
                .condition_expression("attribute_exists(pk)")
                .expression_attribute_values(":wa", s(wa))
                .send()
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }
}

fn put_if_absent(table: &str, item: Item) -> Result<TransactWriteItem, StoreError> {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(pk)")
        .build()
        .map_err(unavailable)?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// Creates an identity pointer, or confirms it names `:cid`.
const CLAIM_UPDATE: &str = "SET contact_id = :cid";
const CLAIM_CONDITION: &str = "attribute_not_exists(contact_id) OR contact_id = :cid";

fn identity_key(phone_number_id: &str, identity: &IdentityKey) -> Item {
    key(keys::identity_pk(phone_number_id, &identity.as_key()), keys::IDENTITY)
}

fn identity_claim(
    table: &str,
    phone_number_id: &str,
    identity: &IdentityKey,
    contact: &ContactId,
) -> Result<TransactWriteItem, StoreError> {
    let update = Update::builder()
        .table_name(table)
        .set_key(Some(identity_key(phone_number_id, identity)))
        .update_expression(CLAIM_UPDATE)
        .condition_expression(CLAIM_CONDITION)
        .expression_attribute_values(":cid", s(contact.as_str()))
        .build()
        .map_err(unavailable)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

fn message_item(message: &InboundMessage, contact: &ContactId, contact_pk: &str, message_sk: &str) -> Item {
    let mut item = key(contact_pk, message_sk);
    item.extend([
        ("id".to_owned(), s(&message.wamid)),
        ("wamid".to_owned(), s(&message.wamid)),
        ("contact_id".to_owned(), s(contact.as_str())),
        ("direction".to_owned(), s("in")),
        ("type".to_owned(), s(&message.type_name)),
        ("at".to_owned(), n(message.at.0)),
        ("phone_number_id".to_owned(), s(&message.phone_number_id)),
        ("raw".to_owned(), s(&message.raw)),
    ]);
    if let Ok(content) = serde_json::to_string(&message.content) {
        item.insert("content".to_owned(), s(content));
    }
    let optional = [
        ("text", message.content.summary_text().map(str::to_owned)),
        ("context", message.context.clone()),
        ("referral", message.referral.clone()),
    ];
    item.extend(optional.into_iter().filter_map(|(k, v)| v.map(|v| (k.to_owned(), s(v)))));
    item
}

/// Moves the contact's activity, window and profile forward, only if this
/// message is at least as new as the newest one it has seen.
fn contact_update(table: &str, message: &InboundMessage, contact: &ContactId) -> Result<TransactWriteItem, StoreError> {
    let window = ServiceWindow::opened_by(message.at, message.referral.is_some());
    let mut sets = vec![
        "contact_id = :cid",
        "phone_number_id = :pnid",
        "created_at = if_not_exists(created_at, :at)",
        "last_inbound_at = :at",
        "last_activity_at = :at",
        "service_until = :su",
        "gsi1pk = :g1pk",
        "gsi1sk = :g1sk",
        // The customer wrote last: the team owes an answer (this reopens a
        // closed conversation, back in its owner's queue or the unassigned one).
        "#status = :wou",
        "gsi3pk = :q_wou",
        "gsi3sk = :g1sk",
        "owner_key = if_not_exists(owner_key, :unassigned)",
        "gsi4pk = if_not_exists(owner_key, :unassigned)",
        "gsi4sk = :g1sk",
        "first_inbound_at = if_not_exists(first_inbound_at, :at)",
        "awaiting_since = if_not_exists(awaiting_since, :at)",
        "gsi5pk = :await",
        "gsi5sk = if_not_exists(gsi5sk, :await_sk)",
    ];
    let mut values: HashMap<String, _> = HashMap::from([
        (":cid".to_owned(), s(contact.as_str())),
        (":pnid".to_owned(), s(&message.phone_number_id)),
        (":at".to_owned(), n(message.at.0)),
        (":su".to_owned(), n(window.service_until.map_or(0, |m| m.0))),
        (":g1pk".to_owned(), s(CONTACTS_BY_ACTIVITY)),
        (":g1sk".to_owned(), s(keys::activity_sk(message.at, contact))),
        (":wou".to_owned(), s(ConversationStatus::WaitingOnUs.as_str())),
        (":q_wou".to_owned(), s(keys::status_queue(ConversationStatus::WaitingOnUs.as_str()))),
        (":unassigned".to_owned(), s(keys::owner_queue(None))),
        (":await".to_owned(), s(keys::AWAITING)),
        (":await_sk".to_owned(), s(keys::activity_sk(message.at, contact))),
    ]);
    let mut names = HashMap::from([("#status".to_owned(), "status".to_owned())]);
    if let Some(wa) = message.from.wa_id() {
        sets.extend(["wa_id = :wa", "gsi7pk = :by_phone", "gsi7sk = :phone_sk"]);
        values.insert(":wa".to_owned(), s(wa));
        values.insert(":by_phone".to_owned(), s(keys::BY_PHONE));
        values.insert(":phone_sk".to_owned(), s(format!("{wa}#{contact}")));
    }
    if let Some(user) = message.from.user_id() {
        sets.push("user_id = :uid");
        values.insert(":uid".to_owned(), s(user));
    }
    if let Some(name) = &message.profile_name {
        // Staff may have renamed the contact: their name wins, and search
        // follows whichever name is shown.
        sets.extend(["#name = :name", "gsi6pk = :by_name", "gsi6sk = if_not_exists(display_name_sk, :name_sk)"]);
        values.insert(":name".to_owned(), s(name));
        values.insert(":by_name".to_owned(), s(keys::BY_NAME));
        values.insert(":name_sk".to_owned(), s(keys::name_sk(name, contact)));
        names.insert("#name".to_owned(), "name".to_owned());
    }
    if let MessageContent::Text { body } = &message.content {
        if crate::domain::outbound::is_opt_out(body) {
            sets.push("opted_out = :opted_out");
            values.insert(":opted_out".to_owned(), aws_sdk_dynamodb::types::AttributeValue::Bool(true));
        }
    }
    if let Some(free) = window.free_entry_until {
        sets.push("free_entry_until = :fe");
        values.insert(":fe".to_owned(), n(free.0));
    }
    let update = Update::builder()
        .table_name(table)
        .set_key(Some(key(keys::contact_pk(contact), keys::PROFILE)))
        // A customer who writes again after an erasure starts a fresh record.
        .update_expression(format!("SET {} REMOVE erased", sets.join(", ")))
        .condition_expression("attribute_not_exists(last_inbound_at) OR last_inbound_at <= :at")
        .set_expression_attribute_values(Some(values))
        .set_expression_attribute_names(Some(names))
        .build()
        .map_err(unavailable)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

#[async_trait::async_trait]
impl crate::ports::InboundStore for DynamoStore {
    async fn record_inbound(&self, message: &InboundMessage) -> Result<Recorded, StoreError> {
        let number = BusinessNumber(message.phone_number_id.clone());
        let identities = message.from.keys();
        let mut contact = ContactId::derive(&number, &message.from.primary_key());
        let mut mode = ContactUpdate::Newest;
        for _ in 0..MAX_ATTEMPTS {
            let items = self.inbound_transaction(message, &identities, &contact, mode)?;
            let outcome = self.client.transact_write_items().set_transact_items(Some(items)).send().await;
            let reasons = match outcome {
                Ok(_) => {
                    self.note_changed_identity(message, &contact).await?;
                    return Ok(Recorded::New(contact));
                }
                Err(err) => match err.as_service_error() {
                    Some(TransactWriteItemsError::TransactionCanceledException(e)) => e
                        .cancellation_reasons()
                        .iter()
                        .map(|r| r.code().unwrap_or("None").to_owned())
                        .collect::<Vec<_>>(),
                    _ => return Err(unavailable(err)),
                },
            };
            let failed = |i: usize| reasons.get(i).is_some_and(|c| c == "ConditionalCheckFailed");
            // Item order: 0 wamid pointer, 1 message, 2.. identities, last contact.
            if failed(0) {
                return Ok(Recorded::Duplicate);
            }
            if (2..2 + identities.len()).any(failed) {
                contact = self.resolve_contact(&message.phone_number_id, &identities).await?.unwrap_or(contact);
                continue;
            }
            if failed(2 + identities.len()) {
                mode = ContactUpdate::Older;
                continue;
            }
            // Only conflicts with a concurrent writer remain: go round again.
        }
        Err(StoreError::Unavailable(format!("message {} kept conflicting", message.wamid)))
    }
}
