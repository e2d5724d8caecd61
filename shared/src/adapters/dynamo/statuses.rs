//! Applying status webhooks: monotonic, idempotent, and never dropped.
//!
//! A status finds its message through `biz_opaque_callback_data` (our own
//! message key, no read needed) or the wamid pointer. The update carries its
//! own monotonic condition, so a late `sent` or a duplicate changes nothing;
//! pricing and failure reasons on a stale status are still noted. A status
//! for a message Parley has not linked yet is parked beside the wamid pointer
//! in the same transaction that checks the pointer is absent, so it can never
//! slip between the pointer's creation and the pending sweep.

use super::item::{get_s, key, n, s, Item};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::{ContactId, StatusUpdate};
use crate::ports::{StatusOutcome, StoreError};
use crate::whatsapp::status::parse_status;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, Put, TransactWriteItem, Update};
use std::collections::HashMap;

/// Where a message item lives.
struct Location {
    pk: String,
    sk: String,
}

impl DynamoStore {
    pub(super) async fn apply_status_update(&self, update: &StatusUpdate) -> Result<StatusOutcome, StoreError> {
        if let Some((contact, sk)) = update.callback_data.as_deref().and_then(keys::parse_message_ref) {
            return self.update_message_status(&Location { pk: keys::contact_pk(&contact), sk }, update).await;
        }
        if let Some(location) = self.locate(&update.wamid).await? {
            return self.update_message_status(&location, update).await;
        }
        if self.park(update).await? {
            return Ok(StatusOutcome::Pending);
        }
        // The pointer appeared between our read and the park: apply directly.
        match self.locate(&update.wamid).await? {
            Some(location) => self.update_message_status(&location, update).await,
            None => Err(StoreError::Unavailable(format!("wamid {} pointer vanished", update.wamid))),
        }
    }

    /// Records that the message at `(contact, sk)` has Meta's id `wamid`, then
    /// applies every status that arrived before we knew it.
    pub(super) async fn link_wamid(&self, contact: &ContactId, sk: &str, wamid: &str) -> Result<(), StoreError> {
        let mut pointer = key(keys::wamid_pk(wamid), keys::WAMID);
        pointer.extend([
            ("contact_id".to_owned(), s(contact.as_str())),
            ("message_sk".to_owned(), s(sk)),
            ("direction".to_owned(), s("out")),
        ]);
        self.client.put_item().table_name(&self.table).set_item(Some(pointer)).send().await.map_err(unavailable)?;
        let location = Location { pk: keys::contact_pk(contact), sk: sk.to_owned() };
        self.apply_pending(wamid, &location).await
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
            .map_err(unavailable)?;
        Ok(found.item().and_then(|item| {
            let contact = ContactId::parse(&get_s(item, "contact_id")?)?;
            Some(Location { pk: keys::contact_pk(&contact), sk: get_s(item, "message_sk")? })
        }))
    }

    /// Keeps a status for a message not yet known; `false` when the pointer
    /// exists after all.
    async fn park(&self, update: &StatusUpdate) -> Result<bool, StoreError> {
        let pk = keys::wamid_pk(&update.wamid);
        let check = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key(&pk, keys::WAMID)))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(unavailable)?;
        let mut pending = key(&pk, keys::pending_status_sk(update.status.rank(), update.at));
        pending.extend([
            ("raw".to_owned(), s(&update.raw)),
            ("phone_number_id".to_owned(), s(&update.phone_number_id)),
            ("at".to_owned(), n(update.at.0)),
        ]);
        let put = Put::builder().table_name(&self.table).set_item(Some(pending)).build().map_err(unavailable)?;
        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().condition_check(check).build())
            .transact_items(TransactWriteItem::builder().put(put).build())
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) => match err.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(e))
                    if e.cancellation_reasons().first().and_then(|r| r.code()) == Some("ConditionalCheckFailed") =>
                {
                    Ok(false)
                }
                _ => Err(unavailable(err)),
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
            self.update_message_status(location, &update).await?;
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

    async fn update_message_status(&self, at: &Location, update: &StatusUpdate) -> Result<StatusOutcome, StoreError> {
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
        let advanced = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(&at.pk, &at.sk)))
            // Meta's word settles it: off the outbox, and no longer "unknown".
            .update_expression(format!("SET {} REMOVE gsi2pk, gsi2sk, outcome_unknown", sets.join(", ")))
            .condition_expression("attribute_exists(pk) AND (attribute_not_exists(status_rank) OR status_rank < :r)")
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        let outcome = match advanced {
            Ok(_) => StatusOutcome::Applied,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => {
                self.note_stale(at, update).await?;
                StatusOutcome::Stale
            }
            Err(e) => return Err(unavailable(e)),
        };
        self.count_spend(at, update).await?;
        Ok(outcome)
    }

    /// Adds a priced message to its month's spend counters, once: the
    /// message is marked counted in the same transaction.
    async fn count_spend(&self, at: &Location, update: &StatusUpdate) -> Result<(), StoreError> {
        let Some(pricing) = &update.pricing else { return Ok(()) };
        let mark = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(&at.pk, &at.sk)))
            .update_expression("SET spend_counted = :t")
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(spend_counted)")
            .expression_attribute_values(":t", AttributeValue::Bool(true))
            .build()
            .map_err(unavailable)?;
        let counter = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(
                keys::spend_pk(&update.at.month()),
                super::outbox::spend_category(pricing.category.as_deref()),
            )))
            .update_expression("ADD #count :one")
            .expression_attribute_names("#count", if pricing.billable { "billable" } else { "free" })
            .expression_attribute_values(":one", n(1))
            .build()
            .map_err(unavailable)?;
        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(mark).build())
            .transact_items(TransactWriteItem::builder().update(counter).build())
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) => match err.as_service_error() {
                // Counted already (a duplicate status): nothing to do.
                Some(TransactWriteItemsError::TransactionCanceledException(e))
                    if e.cancellation_reasons().first().and_then(|r| r.code()) == Some("ConditionalCheckFailed") =>
                {
                    Ok(())
                }
                // A conflict or an outage: fail, so Meta's retry counts it.
                _ => Err(unavailable(err)),
            },
        }
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
        let noted = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(&at.pk, &at.sk)))
            .update_expression(expression)
            .condition_expression("attribute_exists(pk)")
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        match noted {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}

/// `SET` clauses for Meta's pricing, with their values.
fn pricing_clauses(update: &StatusUpdate, values: &mut Item) -> Vec<String> {
    let Some(pricing) = &update.pricing else { return Vec::new() };
    let Ok(json) = serde_json::to_string(pricing) else { return Vec::new() };
    values.insert(":pricing".to_owned(), s(json));
    values.insert(":billable".to_owned(), AttributeValue::Bool(pricing.billable));
    vec!["pricing = :pricing".to_owned(), "billable = :billable".to_owned()]
}

fn errors_json(update: &StatusUpdate) -> Result<String, StoreError> {
    serde_json::to_string(&update.errors).map_err(|e| StoreError::Corrupt(e.to_string()))
}
