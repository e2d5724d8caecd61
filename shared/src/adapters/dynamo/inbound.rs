//! Storing an inbound message: one `TransactWriteItems` in the common case.
//!
//! The transaction puts the wamid pointer (the dedup guard), checks that the
//! message was not erased, puts the message and the identity pointer(s), and
//! updates the contact. A new contact's id is derived from its identity, so
//! even a stranger's first message needs no read first. The rare cases cost a
//! retry each, decided from the cancellation reasons:
//! - a duplicate or erased wamid: done, nothing written;
//! - an identity that points elsewhere: read the pointers, then write to the
//!   contact they name. When they name two contacts (the same person reached
//!   us by phone and by BSUID), the `wa_id`'s contact wins, the other identity
//!   moves to it with this message, and both records are flagged for staff
//!   to merge, so the delivery is stored instead of failing for ever;
//! - a contact merged away (`merged_into`, set first thing by a merge): write
//!   to the survivor, moving the identity pointers with the message, so that
//!   nothing lands on a record the merge has already emptied;
//! - a contact being erased: unavailable, so that Meta's retry starts a fresh
//!   record once the erasure is done;
//! - a message older than the contact's latest: written without moving the
//!   contact's activity backwards.
//!
//! The message that creates a contact also inserts its `contact.created`
//! event, at a key of the contact's own: later messages update that item
//! without changing it, which publishes nothing, so no read is needed to
//! tell a new contact from a known one.

use super::item::{get_s, key, n, s};
use super::keys::{self, Shard};
use super::write::{Attributes, Name, PlainWrite, Write};
use super::{unavailable, DynamoStore};
use crate::domain::consent::Consent;
use crate::domain::conversation::ConversationStatus;
use crate::domain::identity::IdentityKey;
use crate::domain::message::{Arrival, InboundMessage};
use crate::domain::message_content::MessageContent;
use crate::domain::ringing_call::RingingCall;
use crate::domain::unprocessable::UnprocessableItem;
use crate::domain::{AuditEntry, BusinessNumber, ContactId, ServiceWindow};
use crate::ports::{Recorded, StoreError};
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};

/// How many times the decide-and-retry loop may go round; each turn settles
/// one of the rare cases (identities, a merge, an older message, a twin that
/// went away), with room for a conflict.
const MAX_ATTEMPTS: usize = 6;

/// Positions in the transaction; the identity claims follow, then the
/// contact, the pending entry of the day's and the number's counters, the
/// `message.received` event, with a twin its
/// flag and audit line, and last the contact's `contact.created` event.
const POINTER: usize = 0;
const NOT_ERASED: usize = 1;
const FIRST_IDENTITY: usize = 3;

/// A contact that can take messages: not merged away, not being erased.
pub(super) const OPEN: &str = "attribute_not_exists(merged_into) AND attribute_not_exists(erasing)";

/// The contact update's condition: this message is at least as new as the
/// newest it has seen, and the contact is [`OPEN`] (spelt out, so that it is
/// one static string rather than one built for every message).
const NEWEST_AND_OPEN: &str = "(attribute_not_exists(last_inbound_at) OR last_inbound_at <= :at) \
    AND attribute_not_exists(merged_into) AND attribute_not_exists(erasing)";

#[derive(Clone, Copy, PartialEq, Eq)]
enum ContactUpdate {
    /// The message is the contact's newest: move activity, window and name.
    Newest,
    /// An older message arriving late: leave the contact as it is.
    Older,
}

/// Where the next attempt writes, as learnt from the previous ones.
struct Plan {
    contact: ContactId,
    mode: ContactUpdate,
    /// Contacts whose identity pointers this message moves to `contact`:
    /// merged-away records, and the other record of the same person.
    reclaim_from: Vec<ContactId>,
    /// The other record of the same person, flagged for staff to merge.
    twin: Option<ContactId>,
}

impl DynamoStore {
    fn inbound_transaction(
        &self,
        message: &InboundMessage,
        identities: &[IdentityKey],
        plan: &Plan,
        day: String,
    ) -> Result<Vec<Write>, StoreError> {
        let contact = &plan.contact;
        let contact_pk = keys::contact_pk(contact);
        let message_sk = keys::message_sk(message.at, &message.wamid);
        let mut items: Vec<Write> = Vec::with_capacity(FIRST_IDENTITY + identities.len() + 8);
        items.extend([
            put_if_absent(&self.table, wamid_pointer(message, contact, &message_sk)).into(),
            self.not_erased(&message.wamid).into(),
            PlainWrite::put(&self.table, message_item(message, contact, &contact_pk, &message_sk)).into(),
        ]);
        for identity in identities {
            let claim = IdentityClaim::new(&message.phone_number_id, identity, contact, &plan.reclaim_from);
            items.push(claim.in_transaction(&self.table).into());
        }
        items.push(match (plan.mode, message.arrival) {
            (ContactUpdate::Newest, Arrival::Live) => {
                contact_update(&self.table, message, contact, plan.twin.as_ref())?.into()
            }
            (ContactUpdate::Newest, _) => {
                super::coexistence::answered_from_phone(&self.table, message, contact, plan.twin.as_ref())?.into()
            }
            (ContactUpdate::Older, _) => contact_still_open(&self.table, contact, plan.twin.as_ref())?.into(),
        });
        let event = if let Some(ring) = RingingCall::rung_by(message) {
            // A ring is not a message the customer wrote: it counts nowhere,
            // and fires no rule; the call's end does both.
            crate::domain::change_event::call_ringing(message, contact, &ring.call_id)
        } else if message.arrival == Arrival::Live {
            // Counted in the same transaction, so a redelivery never counts
            // twice: on the day's report, and on the business number (which
            // lists it in Settings without a Scan). One entry adds to both,
            // a transaction item fewer than an entry each.
            let counters = [
                (super::stats::message_counter(day, "inbound"), 1),
                (super::business_numbers::inbound_counter(&message.phone_number_id), 1),
            ];
            let event = super::stats::message_event("inbound", &message.wamid);
            items.push(super::tally::pending_amounts(&self.table, &counters, &event).into());
            crate::domain::change_event::message_received(message, contact)
        } else {
            crate::domain::change_event::message_sent_from_phone_app(message, contact)
        };
        // Its event rides in the same write: published only if this commits.
        items.push(PlainWrite::put(&self.table, super::event_item::event_item(&event)).into());
        if let Some(twin) = &plan.twin {
            items.push(flag_twin(&self.table, twin, contact)?.into());
            items.push(Write::from(self.audit_put(&AuditEntry {
                at: message.at,
                actor: "system".into(),
                action: "merge_suggested".into(),
                contact: Some(contact.clone()),
                detail: serde_json::json!({"other": twin, "wamid": message.wamid}).to_string(),
            })?));
        }
        // Last, so the positions above stay put. Inserted only by the message
        // that creates the contact; a no-op for every later one.
        if message.arrival == Arrival::Live {
            let created = crate::domain::change_event::contact_wrote_first(message, contact);
            items.push(self.contact_created_once(&created, contact).into());
        }
        Ok(items)
    }

    /// Fails when the message was erased before (see [`DynamoStore::erase`]).
    pub(super) fn not_erased(&self, wamid: &str) -> PlainWrite {
        let key = Attributes::key(keys::erased_message_pk(&self.ids.pseudonym(wamid)), keys::ERASED, 0);
        PlainWrite::check(&self.table, key, "attribute_not_exists(pk)")
    }

    /// Reads the identity pointers and decides whose message this is: the
    /// contact the first identity (the `wa_id`) names. An identity naming
    /// another contact moves over, and that contact is the twin to merge.
    async fn replan_by_identities(
        &self,
        phone_number_id: &str,
        identities: &[IdentityKey],
        plan: Plan,
    ) -> Result<Plan, StoreError> {
        let mut owners = Vec::new();
        for identity in identities {
            if let Some(owner) = self.identity_owner(phone_number_id, identity).await? {
                if !owners.contains(&owner) {
                    owners.push(owner);
                }
            }
        }
        let mut owners = owners.into_iter();
        // No pointer left (an erasure took them): try again as planned.
        let Some(winner) = owners.next() else { return Ok(plan) };
        let others: Vec<ContactId> = owners.collect();
        let mut reclaim_from = plan.reclaim_from;
        reclaim_from.extend(others.iter().cloned());
        Ok(Plan { contact: winner, mode: ContactUpdate::Newest, reclaim_from, twin: others.into_iter().next() })
    }

    /// The contact an identity pointer names, if any.
    pub(super) async fn identity_owner(
        &self,
        phone_number_id: &str,
        identity: &IdentityKey,
    ) -> Result<Option<ContactId>, StoreError> {
        let found = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(identity_key(phone_number_id, identity).into_item()))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(found.item().and_then(|i| get_s(i, "contact_id")).and_then(|id| ContactId::parse(&id)))
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
            let claim = IdentityClaim::new(&message.phone_number_id, &identity, contact, &[]);
            let claimed = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(claim.key.into_item()))
                .update_expression(claim.update)
                .condition_expression(claim.condition)
                .set_expression_attribute_values(Some(claim.values.into_item()))
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

/// The wamid's pointer to the message: the dedup guard, put if absent.
pub(super) fn wamid_pointer(message: &InboundMessage, contact: &ContactId, message_sk: &str) -> Attributes {
    let mut pointer = Attributes::key(keys::wamid_pk(&message.wamid), keys::WAMID, 3);
    pointer.set("contact_id", s(contact.as_str()));
    pointer.set("message_sk", s(message_sk));
    pointer.set("direction", s(message.arrival.direction().as_str()));
    pointer
}

pub(super) fn put_if_absent(table: &str, item: Attributes) -> PlainWrite {
    PlainWrite::put(table, item).condition("attribute_not_exists(pk)")
}

fn identity_key(phone_number_id: &str, identity: &IdentityKey) -> Attributes {
    Attributes::key(keys::identity_pk(phone_number_id, &identity.as_key()), keys::IDENTITY, 0)
}

/// Creates an identity pointer, confirms it names the contact, or moves it
/// over from one of the contacts it is reclaimed from. The pointer is listed
/// under its contact so that erasure finds every number a person ever had.
pub(super) struct IdentityClaim {
    key: Attributes,
    update: &'static str,
    condition: String,
    values: Attributes,
}

impl IdentityClaim {
    pub(super) fn new(
        phone_number_id: &str,
        identity: &IdentityKey,
        contact: &ContactId,
        reclaim_from: &[ContactId],
    ) -> Self {
        let previous: Vec<&ContactId> = reclaim_from.iter().filter(|c| *c != contact).collect();
        let mut values = Attributes::with_capacity(3 + previous.len());
        values.set(":cid", s(contact.as_str()));
        values.set(":ci", s(keys::contact_identities(contact)));
        values.set(":ik", s([phone_number_id, "#", &identity.as_key()].concat()));
        let mut condition = "attribute_not_exists(contact_id) OR contact_id = :cid".to_owned();
        if !previous.is_empty() {
            let names: Vec<String> = (0..previous.len()).map(|i| format!(":was{i}")).collect();
            condition.push_str(&format!(" OR contact_id IN ({})", names.join(", ")));
            for (name, c) in names.into_iter().zip(previous) {
                values.set(name, s(c.as_str()));
            }
        }
        IdentityClaim {
            key: identity_key(phone_number_id, identity),
            update: "SET contact_id = :cid, gsi1pk = :ci, gsi1sk = :ik",
            condition,
            values,
        }
    }

    /// The claim as one write of a transaction.
    pub(super) fn in_transaction(self, table: &str) -> PlainWrite {
        PlainWrite::update(table, self.key, self.update).condition(self.condition).values(self.values)
    }
}

/// In place of the contact update for an older message: the contact must
/// still take messages (and, with a twin, learns of it).
pub(super) fn contact_still_open(
    table: &str,
    contact: &ContactId,
    twin: Option<&ContactId>,
) -> Result<TransactWriteItem, StoreError> {
    let profile = key(keys::contact_pk(contact), keys::PROFILE);
    let Some(twin) = twin else {
        let check = ConditionCheck::builder()
            .table_name(table)
            .set_key(Some(profile))
            .condition_expression(OPEN)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(unavailable)?;
        return Ok(TransactWriteItem::builder().condition_check(check).build());
    };
    let update = Update::builder()
        .table_name(table)
        .set_key(Some(profile))
        .update_expression("ADD merge_suggested :twin")
        .condition_expression(OPEN)
        .expression_attribute_values(":twin", AttributeValue::Ss(vec![twin.to_string()]))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .build()
        .map_err(unavailable)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

/// Tells the other record of the same person about the one that won.
fn flag_twin(table: &str, twin: &ContactId, winner: &ContactId) -> Result<TransactWriteItem, StoreError> {
    let update = Update::builder()
        .table_name(table)
        .set_key(Some(key(keys::contact_pk(twin), keys::PROFILE)))
        .update_expression("ADD merge_suggested :winner")
        .condition_expression(format!("attribute_exists(pk) AND {OPEN}"))
        .expression_attribute_values(":winner", AttributeValue::Ss(vec![winner.to_string()]))
        .build()
        .map_err(unavailable)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

pub(super) fn message_item(
    message: &InboundMessage,
    contact: &ContactId,
    contact_pk: &str,
    message_sk: &str,
) -> Attributes {
    let mut item = Attributes::key(contact_pk, message_sk, 14);
    item.set("id", s(&message.wamid));
    item.set("wamid", s(&message.wamid));
    item.set("contact_id", s(contact.as_str()));
    item.set("direction", s(message.arrival.direction().as_str()));
    item.set("type", s(&message.type_name));
    item.set("at", n(message.at.0));
    item.set("phone_number_id", s(&message.phone_number_id));
    item.set("raw", s(&message.raw));
    if let Ok(content) = serde_json::to_string(&message.content) {
        item.set("content", s(content));
    }
    let optional = [
        ("text", message.content.summary_text().map(str::to_owned)),
        ("context", message.context.clone()),
        ("referral", message.referral.clone()),
        ("origin", message.arrival.origin().map(str::to_owned)),
    ];
    for (name, value) in optional {
        if let Some(value) = value {
            item.set(name, s(value));
        }
    }
    // A file is copied to the bucket after this write (see `app::copy_media`).
    if crate::domain::media_copy::MediaFile::of(&message.content).is_some() {
        let pending = crate::domain::media_copy::MediaStatus::Pending.as_str();
        item.set(super::media::MEDIA_STATUS, s(pending));
    }
    item
}

/// Moves the contact's activity, window and profile forward, only if this
/// message is at least as new as the newest one it has seen and the contact
/// still takes messages (the profile comes back when it does not).
fn contact_update(
    table: &str,
    message: &InboundMessage,
    contact: &ContactId,
    twin: Option<&ContactId>,
) -> Result<PlainWrite, StoreError> {
    let window = ServiceWindow::opened_by(message.at, message.referral.is_some());
    let shard = Shard::of(contact);
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
        "first_wamid = if_not_exists(first_wamid, :wamid)",
        "awaiting_since = if_not_exists(awaiting_since, :at)",
        "gsi5pk = :await",
        "gsi5sk = if_not_exists(gsi5sk, :await_sk)",
    ];
    let mut values = Attributes::with_capacity(28);
    values.set(":cid", s(contact.as_str()));
    values.set(":pnid", s(&message.phone_number_id));
    values.set(":at", n(message.at.0));
    values.set(":wamid", s(&message.wamid));
    values.set(":su", n(window.service_until.map_or(0, |m| m.0)));
    values.set(":g1pk", s(keys::contacts_by_activity(shard)));
    values.set(":g1sk", s(keys::activity_sk(message.at, contact)));
    values.set(":wou", s(ConversationStatus::WaitingOnUs.as_str()));
    values.set(":q_wou", s(keys::status_queue(ConversationStatus::WaitingOnUs.as_str(), shard)));
    values.set(":unassigned", s(keys::owner_queue(None, shard)));
    values.set(":await", s(keys::awaiting(shard)));
    values.set(":await_sk", s(keys::activity_sk(message.at, contact)));
    let mut names: Vec<(Name, Name)> = vec![("#status".into(), "status".into())];
    let mut removes = vec!["erased", "erased_at"];
    if let Some(ring) = RingingCall::rung_by(message) {
        sets.extend(["ringing_call = :rcall", "ringing_since = :at", "ringing_offer = :roffer"]);
        values.set(":rcall", s(&ring.call_id));
        values.set(":roffer", s(&ring.offer_sdp));
        removes.push("ringing_by");
    } else if let MessageContent::Call { .. } = message.content {
        // Its end: nobody can answer it any more.
        removes.extend(["ringing_call", "ringing_since", "ringing_offer", "ringing_by"]);
    } else {
        // What a read receipt marks read (Meta marks the earlier ones too):
        // a call is no message Meta could mark.
        sets.push("last_inbound_wamid = :wamid");
    }
    // The first touch: kept from the first message (or from whoever added
    // the contact before it wrote), for the lead-source report.
    sets.push("lead_source = if_not_exists(lead_source, :lsrc)");
    values.set(":lsrc", s(message.first_touch_source()));
    if let Some(ad) = message.ad() {
        sets.push("first_ad = if_not_exists(first_ad, :ad)");
        values.set(":ad", s(serde_json::to_string(&ad).map_err(|e| StoreError::Corrupt(e.to_string()))?));
    }
    if let Some(wa) = message.from.wa_id() {
        sets.extend(["wa_id = :wa", "gsi7pk = :by_phone", "gsi7sk = :phone_sk"]);
        values.set(":wa", s(wa));
        values.set(":by_phone", s(keys::by_phone(shard)));
        values.set(":phone_sk", s([wa, "#", contact.as_str()].concat()));
    }
    if let Some(user) = message.from.user_id() {
        sets.push("user_id = :uid");
        values.set(":uid", s(user));
    }
    if let Some(username) = &message.username {
        sets.push("username = :uname");
        values.set(":uname", s(username));
    }
    if let Some(name) = &message.profile_name {
        // Staff may have renamed the contact: their name wins, and search
        // follows whichever name is shown.
        sets.extend(["#name = :name", "gsi6pk = :by_name", "gsi6sk = if_not_exists(display_name_sk, :name_sk)"]);
        values.set(":name", s(name));
        values.set(":by_name", s(keys::by_name(shard)));
        values.set(":name_sk", s(keys::name_sk(name, contact)));
        names.push(("#name".into(), "name".into()));
    }
    // Writing first is consent to hear back about it; an opt-in recorded
    // earlier (a form, an import) stays.
    sets.push("consent = if_not_exists(consent, :consent)");
    values.set(":consent", super::consent::consent_value(&Consent::by_writing_first(message.at)));
    if let Some(free) = window.free_entry_until {
        sets.push("free_entry_until = :fe");
        values.set(":fe", n(free.0));
    }
    let mut expression = ["SET ", &sets.join(", ")].concat();
    if let Some(twin) = twin {
        expression.push_str(" ADD merge_suggested :twin");
        values.set(":twin", AttributeValue::Ss(vec![twin.to_string()]));
    }
    // A customer who writes again after an erasure starts a fresh record.
    expression.push_str(" REMOVE ");
    expression.push_str(&removes.join(", "));
    let key = Attributes::key(keys::contact_pk(contact), keys::PROFILE, 0);
    Ok(PlainWrite::update(table, key, expression)
        .condition(NEWEST_AND_OPEN)
        .values(values)
        .names(names)
        .old_on_failure())
}

#[async_trait::async_trait]
impl crate::ports::InboundStore for DynamoStore {
    async fn record_inbound(&self, message: &InboundMessage) -> Result<Recorded, StoreError> {
        let number = BusinessNumber(message.phone_number_id.clone());
        let identities = message.from.keys();
        let mut plan = Plan {
            contact: ContactId::derive(&self.ids, &number, &message.from.primary_key()),
            mode: ContactUpdate::Newest,
            reclaim_from: Vec::new(),
            twin: None,
        };
        let contact_at = FIRST_IDENTITY + identities.len();
        // After the contact: a customer's message has the day's and the
        // number's counters, then the event; the business's has its event.
        let twin_at = contact_at + if message.arrival == Arrival::Live { 4 } else { 2 };
        for _ in 0..MAX_ATTEMPTS {
            let items = self.inbound_transaction(message, &identities, &plan, self.report_day_of(message.at).await)?;
            let Some(reasons) = self.transact(items).await? else {
                self.note_changed_identity(message, &plan.contact).await?;
                return Ok(Recorded::New(plan.contact));
            };
            if let Some(invalid) = reasons.iter().find(|r| r.code() == Some("ValidationError")) {
                // A key or an item over DynamoDB's limits: the same every time.
                return Err(StoreError::Rejected(invalid.message().unwrap_or("invalid item").to_owned()));
            }
            let failed = |i: usize| reasons.get(i).and_then(|r| r.code()) == Some("ConditionalCheckFailed");
            if failed(POINTER) || failed(NOT_ERASED) {
                return Ok(Recorded::Duplicate);
            }
            if (FIRST_IDENTITY..contact_at).any(failed) {
                plan = self.replan_by_identities(&message.phone_number_id, &identities, plan).await?;
                continue;
            }
            if failed(contact_at) {
                let profile = reasons.get(contact_at).and_then(|r| r.item());
                let survivor = profile.and_then(|p| get_s(p, "merged_into")).and_then(|id| ContactId::parse(&id));
                if let Some(survivor) = survivor {
                    plan.reclaim_from.push(std::mem::replace(&mut plan.contact, survivor));
                    plan.mode = ContactUpdate::Newest;
                    continue;
                }
                if profile.is_some_and(|p| p.contains_key("erasing")) {
                    return Err(StoreError::Unavailable("the contact is being erased; retry later".into()));
                }
                plan.mode = ContactUpdate::Older;
                continue;
            }
            if plan.twin.is_some() && failed(twin_at) {
                // The other record was merged or erased meanwhile: nothing to flag.
                plan.twin = None;
                continue;
            }
            // Only conflicts with a concurrent writer remain: go round again.
        }
        Err(StoreError::Unavailable(format!("message {} kept conflicting", message.wamid)))
    }

    async fn park_unprocessable(&self, item: &UnprocessableItem) -> Result<(), StoreError> {
        self.put_unprocessable(item).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contact_update_asks_for_an_open_contact() {
        assert!(NEWEST_AND_OPEN.ends_with(&[" AND ", OPEN].concat()));
    }
}
