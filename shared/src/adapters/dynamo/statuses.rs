//! Applying status webhooks: monotonic, idempotent, and never dropped.
//!
//! A status finds its message through `biz_opaque_callback_data` (our own
//! message key, no read needed) or the wamid pointer; when the message is no
//! longer where the callback key says (a merge moved it), the pointer, which
//! the merge moved along, finds it. The update carries its own monotonic
//! condition and writes its `message.status_changed` event in the same
//! transaction, so a late `sent` or a duplicate changes nothing and publishes
//! nothing; pricing and
//! failure reasons on a stale status are still noted. A status for a message
//! Parley has not linked yet is parked beside the wamid pointer in the same
//! transaction that checks the pointer is absent, so it can never slip
//! between the pointer's creation and the pending sweep; parked statuses
//! keep no recipient number and expire. A status of an erased message is
//! dropped.

use super::failure::refused_or_unavailable;
use super::item::{get_s, key, n, s, Item};
use super::keys;
use super::tally::Counter;
use super::write::Write;
use super::{unavailable, DynamoStore};
use crate::domain::spend::SpendKey;
use crate::domain::{ContactId, MessageRef, StatusUpdate};
use crate::ports::{StatusOutcome, StoreError};
use crate::whatsapp::status::parse_status;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, CancellationReason, ConditionCheck, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
    Update,
};
use std::collections::HashMap;

/// Parked statuses are garbage once Meta has stopped retrying and the
/// sweep has long settled their message.
const PENDING_STATUS_TTL_SECONDS: i64 = 30 * 24 * 3600;

/// How many merges a late wamid link follows before giving up.
const MAX_REDIRECTS: usize = 4;

/// How often a status is tried while other writes to its message cancel it.
const STATUS_ATTEMPTS: u32 = 8;

/// Where a message item lives.
#[derive(PartialEq, Eq)]
struct Location {
    contact: ContactId,
    sk: String,
}

impl Location {
    fn pk(&self) -> String {
        keys::contact_pk(&self.contact)
    }
}

/// What a status update found at a location.
enum Found {
    Outcome(StatusOutcome),
    /// No message there (moved by a merge, or erased).
    Nothing,
}

/// What parking a status did.
enum Parked {
    Kept,
    /// The pointer exists after all: apply it there.
    PointerExists,
    /// The message was erased.
    Erased,
}

impl DynamoStore {
    /// Applies a status where the wamid pointer says its message is. A
    /// pointer naming a missing message is a merge or erasure under way:
    /// unavailable, so Meta's retry finds the settled state.
    async fn apply_at_pointer(
        &self,
        location: &Location,
        tried: Option<&Location>,
        update: &StatusUpdate,
    ) -> Result<StatusOutcome, StoreError> {
        if tried != Some(location) {
            if let Found::Outcome(outcome) = self.update_message_status(location, update).await? {
                return Ok(outcome);
            }
        }
        Err(StoreError::Unavailable(format!("the message of wamid {} is moving", update.wamid)))
    }

    /// Puts the wamid pointer if the message is there and the pointer is new
    /// (or already names it); the cancellation reasons when not.
    async fn put_pointer(
        &self,
        contact: &ContactId,
        sk: &str,
        wamid: &str,
    ) -> Result<Option<Vec<CancellationReason>>, StoreError> {
        let message = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), sk)))
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(unavailable)?;
        let mut pointer = key(keys::wamid_pk(wamid), keys::WAMID);
        pointer.extend([
            ("contact_id".to_owned(), s(contact.as_str())),
            ("message_sk".to_owned(), s(sk)),
            ("direction".to_owned(), s("out")),
        ]);
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(pointer))
            .condition_expression("attribute_not_exists(pk) OR (contact_id = :cid AND message_sk = :sk)")
            .expression_attribute_values(":cid", s(contact.as_str()))
            .expression_attribute_values(":sk", s(sk))
            .build()
            .map_err(unavailable)?;
        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().condition_check(message).build())
            .transact_items(TransactWriteItem::builder().put(put).build())
            .send()
            .await;
        match result {
            Ok(_) => Ok(None),
            Err(err) => match err.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(e)) => {
                    Ok(Some(e.cancellation_reasons().to_vec()))
                }
                _ => Err(unavailable(err)),
            },
        }
    }

    async fn locate(&self, wamid: &str) -> Result<Option<Location>, StoreError> {
        let found = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::wamid_pk(wamid), keys::WAMID)))
            .consistent_read(true)
            .send()
            .await
            .map_err(refused_or_unavailable)?;
        Ok(found.item().and_then(|item| {
            let contact = ContactId::parse(&get_s(item, "contact_id")?)?;
            Some(Location { contact, sk: get_s(item, "message_sk")? })
        }))
    }

    /// Keeps a status for a message not yet known, without the recipient's
    /// number (applying it does not need it) and only for a while.
    async fn park(&self, update: &StatusUpdate) -> Result<Parked, StoreError> {
        let pk = keys::wamid_pk(&update.wamid);
        let no_pointer = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key(&pk, keys::WAMID)))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(unavailable)?;
        let not_erased = self.not_erased(&update.wamid).into_sdk()?;
        let mut pending = key(&pk, keys::pending_status_sk(update.status.rank(), update.at));
        pending.extend([
            ("raw".to_owned(), s(without_recipient(&update.raw)?)),
            ("phone_number_id".to_owned(), s(&update.phone_number_id)),
            ("at".to_owned(), n(update.at.0)),
            (keys::TTL.to_owned(), n(unix_seconds_now() + PENDING_STATUS_TTL_SECONDS)),
        ]);
        let put = Put::builder().table_name(&self.table).set_item(Some(pending)).build().map_err(unavailable)?;
        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().condition_check(no_pointer).build())
            .transact_items(not_erased)
            .transact_items(TransactWriteItem::builder().put(put).build())
            .send()
            .await;
        match result {
            Ok(_) => Ok(Parked::Kept),
            Err(err) => match err.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(e)) => {
                    let failed = |i: usize| {
                        e.cancellation_reasons().get(i).and_then(|r| r.code()) == Some("ConditionalCheckFailed")
                    };
                    if let Some(invalid) = e.cancellation_reasons().iter().find(|r| r.code() == Some("ValidationError"))
                    {
                        Err(StoreError::Rejected(invalid.message().unwrap_or("invalid item").to_owned()))
                    } else if failed(1) {
                        Ok(Parked::Erased)
                    } else if failed(0) {
                        Ok(Parked::PointerExists)
                    } else {
                        Err(unavailable(err))
                    }
                }
                _ => Err(refused_or_unavailable(err)),
            },
        }
    }

    async fn apply_pending(&self, wamid: &str, location: &Location) -> Result<(), StoreError> {
        let parked = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", s(keys::wamid_pk(wamid)))
            .expression_attribute_values(":prefix", s(keys::PENDING_STATUS_PREFIX))
            .consistent_read(true);
        for item in &self.query_all(parked).await? {
            let raw = get_s(item, "raw").unwrap_or_default();
            let phone_number_id = get_s(item, "phone_number_id").unwrap_or_default();
            let received = super::item::get_n(item, "at").map(crate::domain::Millis).unwrap_or_default();
            let value: serde_json::Value =
                serde_json::from_str(&raw).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let update =
                parse_status(&value, &phone_number_id, received).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            if let Found::Nothing = self.update_message_status(location, &update).await? {
                return Err(StoreError::Unavailable(format!("the message of wamid {wamid} is moving")));
            }
            let (pk, sk) = (get_s(item, keys::PK), get_s(item, keys::SK));
            if let (Some(pk), Some(sk)) = (pk, sk) {
                self.client
                    .delete_item()
                    .table_name(&self.table)
                    .set_key(Some(key(pk, sk)))
                    .send()
                    .await
                    .map_err(unavailable)?;
            }
        }
        Ok(())
    }

    /// Moves the message to the status and writes its `message.status_changed`
    /// event in the same transaction, so the event exists exactly when the
    /// status changed. A transaction another write to the same message
    /// cancelled is tried again.
    async fn update_message_status(&self, at: &Location, update: &StatusUpdate) -> Result<Found, StoreError> {
        let items = [
            TransactWriteItem::builder().update(self.status_advance(at, update)?).build(),
            self.event_put(&crate::domain::change_event::message_status_changed(
                update,
                &at.contact,
                keys::message_id_of_sk(&at.sk),
            ))?,
        ];
        let mut attempt = 0;
        let outcome = loop {
            let writes = items.iter().cloned().map(Write::from).collect();
            let Some(reasons) = self.transact(writes).await? else { break StatusOutcome::Applied };
            if let Some(failed) = reasons.first().filter(|r| r.code() == Some("ConditionalCheckFailed")) {
                // Tells "already further along" from "not here" without a read.
                if failed.item().is_none() {
                    return Ok(Found::Nothing);
                }
                self.note_stale(at, update).await?;
                break StatusOutcome::Stale;
            }
            let conflicted = reasons.iter().any(|r| r.code() == Some("TransactionConflict"));
            attempt += 1;
            if !conflicted || attempt >= STATUS_ATTEMPTS {
                let codes: Vec<&str> = reasons.iter().map(|r| r.code().unwrap_or("None")).collect();
                return Err(StoreError::Unavailable(format!(
                    "the status transaction was cancelled: [{}]",
                    codes.join(", ")
                )));
            }
            // Another status of the same message is being written: let it land.
            conflict_pause(attempt).await;
        };
        self.count_spend(at, update).await?;
        Ok(Found::Outcome(outcome))
    }

    /// The monotonic update of the message: only a status further along
    /// than the stored one applies.
    fn status_advance(&self, at: &Location, update: &StatusUpdate) -> Result<Update, StoreError> {
        let mut values: HashMap<String, AttributeValue> = HashMap::from([
            (":st".to_owned(), s(update.status.as_str())),
            (":r".to_owned(), n(i64::from(update.status.rank()))),
            (":at".to_owned(), n(update.at.0)),
            (":w".to_owned(), s(&update.wamid)),
        ]);
        let mut sets: Vec<String> =
            ["#st = :st", "status_rank = :r", "status_at = :at", "wamid = if_not_exists(wamid, :w)"]
                .map(String::from)
                .into();
        sets.extend(pricing_clauses(update, &mut values));
        if !update.errors.is_empty() {
            values.insert(":errors".to_owned(), s(errors_json(update)?));
            sets.push("errors = :errors".to_owned());
        }
        let names = HashMap::from([("#st".to_owned(), "status".to_owned())]);
        Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(at.pk(), &at.sk)))
            // Meta's word settles it: off the outbox, and no longer "unknown".
            .update_expression(format!("SET {} REMOVE gsi2pk, gsi2sk, outcome_unknown", sets.join(", ")))
            .condition_expression("attribute_exists(pk) AND (attribute_not_exists(status_rank) OR status_rank < :r)")
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(unavailable)
    }

    /// Adds a priced message to its business month's spend counters, once however
    /// often Meta reports its pricing, without touching any item another
    /// message's status writes (see [`super::tally`]). Its `message.priced`
    /// event is written with the count: a pricing that only a late status
    /// carried (one that moved nothing) still reaches the campaign's results.
    async fn count_spend(&self, at: &Location, update: &StatusUpdate) -> Result<(), StoreError> {
        let Some(pricing) = &update.pricing else { return Ok(()) };
        let counter = Counter {
            pk: keys::spend_pk(&self.report_month_of(update.at).await),
            sk: super::spend::spend_sk(&SpendKey::of(
                update,
                super::spend::spend_category(pricing.category.as_deref()),
            )),
            field: if pricing.billable { "billable" } else { "free" }.to_owned(),
        };
        let priced =
            crate::domain::change_event::message_priced(update, pricing, &keys::message_ref(&at.contact, &at.sk));
        self.tally_once(&counter, &format!("spend|{}", update.wamid), Some(self.event_put(&priced)?)).await?;
        Ok(())
    }

    /// A status that does not advance the message still carries facts worth
    /// keeping: Meta's pricing, and a failure reported after delivery.
    async fn note_stale(&self, at: &Location, update: &StatusUpdate) -> Result<(), StoreError> {
        let mut values = HashMap::new();
        let sets = pricing_clauses(update, &mut values);
        let mut adds = Vec::new();
        if !update.errors.is_empty() {
            // A string set: the same failure reported twice is noted once.
            let note = format!("{}:{}", update.status.as_str(), errors_json(update)?);
            values.insert(":note".to_owned(), AttributeValue::Ss(vec![note]));
            adds.push("error_notes :note");
        }
        if sets.is_empty() && adds.is_empty() {
            return Ok(());
        }
        let mut expression = String::new();
        if !sets.is_empty() {
            expression.push_str(&format!("SET {} ", sets.join(", ")));
        }
        if !adds.is_empty() {
            expression.push_str(&format!("ADD {}", adds.join(", ")));
        }
        let mut attempt = 0;
        loop {
            let noted = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key(at.pk(), &at.sk)))
                .update_expression(&expression)
                .condition_expression("attribute_exists(pk)")
                .set_expression_attribute_values(Some(values.clone()))
                .send()
                .await;
            let Err(e) = noted else { return Ok(()) };
            if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) {
                return Ok(());
            }
            // Another status of the message is being written in a transaction.
            let conflicted = e.as_service_error().is_some_and(|s| s.is_transaction_conflict_exception());
            attempt += 1;
            if !conflicted || attempt >= STATUS_ATTEMPTS {
                return Err(unavailable(e));
            }
            conflict_pause(attempt).await;
        }
    }
}

/// A short, growing, jittered wait before writing a message another
/// transaction holds again.
async fn conflict_pause(attempt: u32) {
    let backoff = 20u64 << attempt.min(4);
    tokio::time::sleep(std::time::Duration::from_millis(backoff + rand::random::<u64>() % backoff)).await;
}

/// `SET` clauses for Meta's pricing, with their values.
fn pricing_clauses(update: &StatusUpdate, values: &mut Item) -> Vec<String> {
    let Some(pricing) = &update.pricing else { return Vec::new() };
    let Ok(json) = serde_json::to_string(pricing) else { return Vec::new() };
    values.insert(":pricing".to_owned(), s(json));
    values.insert(":billable".to_owned(), AttributeValue::Bool(pricing.billable));
    vec!["pricing = :pricing".to_owned(), "billable = :billable".to_owned()]
}

/// TTL is wall-clock time; so is this.
fn unix_seconds_now() -> i64 {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX)
}

/// The status as Meta sent it, less the recipient's identity.
fn without_recipient(raw: &str) -> Result<String, StoreError> {
    let mut value: serde_json::Value = serde_json::from_str(raw).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    if let Some(object) = value.as_object_mut() {
        object.retain(|field, _| !field.starts_with("recipient"));
    }
    Ok(value.to_string())
}

fn errors_json(update: &StatusUpdate) -> Result<String, StoreError> {
    serde_json::to_string(&update.errors).map_err(|e| StoreError::Corrupt(e.to_string()))
}

#[async_trait::async_trait]
impl crate::ports::StatusStore for DynamoStore {
    async fn apply_status(&self, update: &StatusUpdate) -> Result<StatusOutcome, StoreError> {
        let mut tried = None;
        if let Some(message) = update.callback_data.as_deref().and_then(MessageRef::from_callback_data) {
            let location = Location { contact: message.contact.clone(), sk: keys::referenced_sk(&message) };
            if let Found::Outcome(outcome) = self.update_message_status(&location, update).await? {
                return Ok(outcome);
            }
            tried = Some(location);
        }
        if let Some(location) = self.locate(&update.wamid).await? {
            return self.apply_at_pointer(&location, tried.as_ref(), update).await;
        }
        match self.park(update).await? {
            Parked::Kept => Ok(StatusOutcome::Pending),
            Parked::Erased => Ok(StatusOutcome::Discarded),
            // The pointer appeared between our read and the park: apply directly.
            Parked::PointerExists => match self.locate(&update.wamid).await? {
                Some(location) => self.apply_at_pointer(&location, tried.as_ref(), update).await,
                None => Err(StoreError::Unavailable(format!("wamid {} pointer vanished", update.wamid))),
            },
        }
    }

    /// A pointer that already names the message elsewhere wins (a merge
    /// moved it there); a message that has moved is followed to the contact
    /// it was merged into.
    async fn link_wamid(&self, message: &MessageRef, wamid: &str) -> Result<(), StoreError> {
        let sk = &keys::referenced_sk(message);
        let mut contact = message.contact.clone();
        for _ in 0..MAX_REDIRECTS {
            let location = Location { contact: contact.clone(), sk: sk.to_owned() };
            let reasons = match self.put_pointer(&contact, sk, wamid).await? {
                None => return self.apply_pending(wamid, &location).await,
                Some(reasons) => reasons,
            };
            let failed = |i: usize| reasons.get(i).and_then(|r| r.code()) == Some("ConditionalCheckFailed");
            if failed(1) {
                // Linked before, possibly to where a merge moved the message.
                return match self.locate(wamid).await? {
                    Some(existing) => self.apply_pending(wamid, &existing).await,
                    None => Ok(()),
                };
            }
            if !failed(0) {
                return Err(StoreError::Unavailable(format!("linking wamid {wamid} kept conflicting")));
            }
            match self.merged_into(&contact).await? {
                Some(survivor) => contact = survivor,
                // Erased, or never there: nothing to link.
                None => return Ok(()),
            }
        }
        Err(StoreError::Unavailable(format!("wamid {wamid}: too many merges to follow")))
    }
}
