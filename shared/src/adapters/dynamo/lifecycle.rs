//! Erasing and merging contacts.
//!
//! Both first close the contact to new messages (`erasing` or `merged_into`
//! on its profile, which the inbound transaction checks), then walk its
//! partition (one Query per page) and everything that points at it, and end
//! with the profile, so a crash half-way is finished by a re-run.
//!
//! Erasure leaves no personal data: messages, notes, the identity pointers of
//! every number the person had (merged contacts' too), wamid pointers and
//! parked statuses, deals, tasks, and the details of the audit lines about
//! them all go. What stays: aggregate counters, the audit facts (who did
//! what, when, the erasure itself), a profile tombstone holding nothing but
//! the id, and for each erased message a record keyed by a keyed pseudonym of
//! its wamid (Meta's wamids embed the sender's number), so that Meta's
//! redelivery of an old message is a no-op while a new message from the same
//! person starts a fresh record on the same id.
//!
//! A merge closes `from` first (`merged_into`): a message that finds `from`
//! afterwards goes to `into` instead, so nothing lands on a record the merge
//! has already emptied. Then the identity pointers move, the items are copied
//! and the wamid pointers follow them (status lookups fall back to these when
//! the callback key names the old home), and `from` ends as a bare redirect.

use super::item::{get_bool, get_n, get_s, key, n, s, Item};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::identity::IdentityKey;
use crate::domain::ContactId;
use crate::ports::{PageRequest, StoreError};
use aws_sdk_dynamodb::types::{
    AttributeValue, DeleteRequest, Put, PutRequest, ReturnValue, TransactWriteItem, WriteRequest,
};
use std::collections::BTreeSet;

/// Erased-message records outlive Meta's retries (up to a week) by far;
/// after that they are garbage.
const ERASED_MESSAGE_TTL_SECONDS: i64 = 90 * 24 * 3600;

/// How often a deal changed under a merge is re-read before giving up.
const DEAL_ATTEMPTS: usize = 4;

/// Audit detail that replaces what an erased contact's audit lines said.
const REDACTED: &str = r#"{"redacted":true}"#;

/// Where [`DynamoStore::query_partition`] looks.
#[derive(Clone, Copy)]
pub(super) enum Under {
    /// A table partition, read consistently.
    Table,
    /// A `gsi1` partition.
    Gsi1,
}

impl DynamoStore {
    async fn partition(&self, contact: &ContactId) -> Result<Vec<Item>, StoreError> {
        self.query_partition(keys::contact_pk(contact), Under::Table).await
    }

    /// Every item under one key.
    pub(super) async fn query_partition(&self, pk: String, under: Under) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let mut query = self
                .client
                .query()
                .table_name(&self.table)
                .expression_attribute_values(":pk", s(&pk))
                .set_exclusive_start_key(start);
            query = match under {
                Under::Gsi1 => query.index_name(keys::GSI1).key_condition_expression("gsi1pk = :pk"),
                Under::Table => query.key_condition_expression("pk = :pk").consistent_read(true),
            };
            let out = query.send().await.map_err(unavailable)?;
            items.extend(out.items().iter().cloned());
            match out.last_evaluated_key() {
                Some(k) => start = Some(k.clone()),
                None => return Ok(items),
            }
        }
    }

    /// BatchWriteItem in chunks of 25, retrying what DynamoDB hands back.
    async fn batch_write(&self, requests: Vec<WriteRequest>) -> Result<(), StoreError> {
        for chunk in requests.chunks(25) {
            let mut pending = chunk.to_vec();
            for _ in 0..8 {
                if pending.is_empty() {
                    break;
                }
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, pending.clone())
                    .send()
                    .await
                    .map_err(unavailable)?;
                pending = out.unprocessed_items().and_then(|u| u.get(&self.table)).cloned().unwrap_or_default();
            }
            if !pending.is_empty() {
                return Err(StoreError::Unavailable("batch write kept being throttled".into()));
            }
        }
        Ok(())
    }

    async fn delete_all(&self, keys: Vec<Item>) -> Result<usize, StoreError> {
        let count = keys.len();
        self.batch_write(keys.into_iter().map(delete_request).collect::<Result<_, _>>()?).await?;
        Ok(count)
    }

    /// The contact a merged-away contact's messages now live on.
    pub(super) async fn merged_into(&self, contact: &ContactId) -> Result<Option<ContactId>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), keys::PROFILE)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.item().and_then(|p| get_s(p, "merged_into")).and_then(|id| ContactId::parse(&id)))
    }

    /// Every identity pointer naming one of `owners`: those listed under
    /// them, and the profile's own (pointers written before the listing).
    async fn identity_pointers(&self, owners: &[ContactId], profile: Option<&Item>) -> Result<Vec<Item>, StoreError> {
        let mut found = BTreeSet::new();
        for owner in owners {
            for item in self.query_partition(keys::contact_identities(owner), Under::Gsi1).await? {
                if let (Some(pk), Some(sk)) = (get_s(&item, keys::PK), get_s(&item, keys::SK)) {
                    found.insert((pk, sk));
                }
            }
        }
        if let Some(profile) = profile {
            let number = get_s(profile, "phone_number_id").unwrap_or_default();
            let identities =
                [get_s(profile, "wa_id").map(IdentityKey::WaId), get_s(profile, "user_id").map(IdentityKey::UserId)];
            for identity in identities.into_iter().flatten() {
                found.insert((keys::identity_pk(&number, &identity.as_key()), keys::IDENTITY.to_owned()));
            }
        }
        Ok(found.into_iter().map(|(pk, sk)| key(pk, sk)).collect())
    }

    /// Replaces a message id's pointer and parked statuses (which name the
    /// recipient) with the record that it was erased.
    async fn erase_message_pointers(&self, id: &str) -> Result<usize, StoreError> {
        let mut erased = key(keys::erased_message_pk(&self.ids.pseudonym(id)), keys::ERASED);
        erased.insert(keys::TTL.to_owned(), n(unix_seconds_now() + ERASED_MESSAGE_TTL_SECONDS));
        self.client.put_item().table_name(&self.table).set_item(Some(erased)).send().await.map_err(unavailable)?;
        let items = self.query_partition(keys::wamid_pk(id), Under::Table).await?;
        self.delete_all(items.iter().filter_map(key_of).collect()).await
    }

    /// Deletes an identity pointer unless it names someone else by now.
    async fn delete_identity(&self, pointer: Item, owners: &[ContactId]) -> Result<bool, StoreError> {
        let names: Vec<String> = (0..owners.len()).map(|i| format!(":o{i}")).collect();
        let mut request = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(pointer))
            .condition_expression(format!("contact_id IN ({})", names.join(", ")));
        for (name, owner) in names.into_iter().zip(owners) {
            request = request.expression_attribute_values(name, s(owner.as_str()));
        }
        match request.send().await {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// The other record of the same person no longer suggests merging with
    /// one that is gone.
    async fn forget_twin(&self, twin: &ContactId, erased: &ContactId) -> Result<(), StoreError> {
        let forgot = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(twin), keys::PROFILE)))
            .update_expression("DELETE merge_suggested :erased")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":erased", AttributeValue::Ss(vec![erased.to_string()]))
            .send()
            .await;
        match forgot {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// The contact's deals and the quotes and invoices made out to them.
    async fn erase_deals(&self, contact: &ContactId) -> Result<usize, StoreError> {
        let mut items = self.query_partition(keys::contact_deals(contact), Under::Gsi1).await?;
        items.extend(self.query_partition(keys::contact_quotes(contact), Under::Gsi1).await?);
        self.delete_all(items.iter().filter_map(key_of).collect()).await
    }

    /// Keeps each audit fact about the contact (who, what, when) and drops
    /// what it said; the record of the erasure itself is kept whole.
    async fn redact_audit(&self, contact: &ContactId) -> Result<(), StoreError> {
        for line in self.query_partition(keys::contact_audit(contact), Under::Gsi1).await? {
            let Some(line_key) = key_of(&line) else { continue };
            if get_s(&line, "action").as_deref() == Some("erase") || get_s(&line, "detail").as_deref() == Some(REDACTED)
            {
                continue;
            }
            let redacted = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(line_key))
                .update_expression("SET detail = :r")
                .condition_expression("attribute_exists(pk)")
                .expression_attribute_values(":r", s(REDACTED))
                .send()
                .await;
            if let Err(e) = redacted {
                if !e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) {
                    return Err(unavailable(e));
                }
            }
        }
        Ok(())
    }

    /// Marks `from` as merged into `into` (idempotent for a re-run); its
    /// profile as it was.
    async fn close_for_merge(&self, into: &ContactId, from: &ContactId) -> Result<Item, StoreError> {
        let closed = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(from), keys::PROFILE)))
            .update_expression("SET merged_into = :into")
            .condition_expression("attribute_exists(pk) AND (attribute_not_exists(merged_into) OR merged_into = :into)")
            .expression_attribute_values(":into", s(into.as_str()))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match closed {
            Ok(out) => Ok(out.attributes().cloned().unwrap_or_default()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => {
                Err(StoreError::Corrupt(format!("contact {from} is gone or merged into another")))
            }
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn move_identity(&self, pointer: Item, into: &ContactId, from: &ContactId) -> Result<(), StoreError> {
        let moved = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(pointer))
            .update_expression("SET contact_id = :into, gsi1pk = :ci")
            .condition_expression("contact_id = :from")
            .expression_attribute_values(":into", s(into.as_str()))
            .expression_attribute_values(":from", s(from.as_str()))
            .expression_attribute_values(":ci", s(keys::contact_identities(into)))
            .send()
            .await;
        match moved {
            Ok(_) => Ok(()),
            // Someone else's by now (or gone): not ours to move.
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Every deal of `from`, all pages read before any moves.
    async fn move_deals(&self, into: &ContactId, from: &ContactId) -> Result<(), StoreError> {
        let mut ids = Vec::new();
        let mut page = PageRequest { cursor: None, limit: Some(200) };
        loop {
            let found = crate::ports::DealStore::contact_deals(self, from, &page).await?;
            ids.extend(found.items.into_iter().map(|d| d.id));
            match found.next_cursor {
                Some(next) => page.cursor = Some(next),
                None => break,
            }
        }
        for id in ids {
            self.move_deal(&id, into, from).await?;
        }
        Ok(())
    }

    async fn move_deal(&self, id: &str, into: &ContactId, from: &ContactId) -> Result<(), StoreError> {
        for _ in 0..DEAL_ATTEMPTS {
            let Some(mut deal) = crate::ports::DealStore::deal(self, id).await? else { return Ok(()) };
            if deal.contact_id != *from {
                return Ok(());
            }
            deal.contact_id = into.clone();
            let expected = deal.updated_at;
            let audit = crate::domain::AuditEntry {
                at: deal.updated_at,
                actor: "merge".into(),
                action: "deal_moved".into(),
                contact: Some(into.clone()),
                detail: serde_json::json!({"deal": deal.id, "from_contact": from}).to_string(),
            };
            if crate::ports::DealStore::save_deal(self, &deal, expected, &audit, None).await? {
                return Ok(());
            }
        }
        Err(StoreError::Unavailable(format!("deal {id} kept changing during the merge")))
    }

    /// Each of `from`'s quotes becomes `into`'s, by a save conditional on
    /// its version (a concurrent staff edit makes it read and try again).
    async fn move_quotes(&self, into: &ContactId, from: &ContactId) -> Result<(), StoreError> {
        use crate::ports::QuoteStore;
        let mut ids = Vec::new();
        let mut page = PageRequest { cursor: None, limit: Some(200) };
        loop {
            let found = self.contact_quotes(from, &page).await?;
            ids.extend(found.items.into_iter().map(|q| q.id));
            match found.next_cursor {
                Some(next) => page.cursor = Some(next),
                None => break,
            }
        }
        for id in ids {
            self.move_quote(&id, into, from).await?;
        }
        Ok(())
    }

    async fn move_quote(&self, id: &str, into: &ContactId, from: &ContactId) -> Result<(), StoreError> {
        use crate::ports::QuoteStore;
        for _ in 0..DEAL_ATTEMPTS {
            let Some(mut quote) = self.quote(id).await? else { return Ok(()) };
            if quote.contact_id != *from {
                return Ok(());
            }
            quote.contact_id = into.clone();
            let audit = crate::domain::AuditEntry {
                at: quote.updated_at,
                actor: "merge".into(),
                action: "quote_moved".into(),
                contact: Some(into.clone()),
                detail: serde_json::json!({"quote": quote.id, "from_contact": from}).to_string(),
            };
            if self.save_quote(&quote, quote.updated_at, &audit, None).await? {
                return Ok(());
            }
        }
        Err(StoreError::Unavailable(format!("quote {id} kept changing during the merge")))
    }

    async fn move_tasks(&self, into: &ContactId, from: &ContactId) -> Result<(), StoreError> {
        for item in self.query_partition(keys::contact_tasks(from), Under::Gsi1).await? {
            let mut task = super::tasks::task_from(&item)?;
            task.contact_id = Some(into.clone());
            crate::ports::TaskStore::create_task(self, &task).await?;
        }
        Ok(())
    }

    /// Tags join; an opt-out holds for both; the surviving contact keeps its own fields and name, learns
    /// the other's identities it lacks, and remembers whom it absorbed (so
    /// erasing it reaches them too); the pair no longer needs merging.
    async fn absorb_profile(&self, into: &ContactId, from: &ContactId, other: &Item) -> Result<(), StoreError> {
        let mut request =
            self.client.update_item().table_name(&self.table).set_key(Some(key(keys::contact_pk(into), keys::PROFILE)));
        let mut sets = vec!["merged_count = if_not_exists(merged_count, :zero) + :one".to_owned()];
        request = request
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":from", AttributeValue::Ss(vec![from.to_string()]));
        for attribute in ["wa_id", "user_id"] {
            if let Some(value) = get_s(other, attribute) {
                sets.push(format!("{attribute} = if_not_exists({attribute}, :{attribute})"));
                request = request.expression_attribute_values(format!(":{attribute}"), s(value));
            }
        }
        // The same person said stop on either record: the survivor says it
        // too. An opt-in it lacks comes across; its own stays.
        if get_bool(other, "opted_out") == Some(true) {
            sets.push("opted_out = :opted_out".to_owned());
            request = request.expression_attribute_values(":opted_out", AttributeValue::Bool(true));
        }
        if let Some(consent) = other.get("consent") {
            sets.push("consent = if_not_exists(consent, :consent)".to_owned());
            request = request.expression_attribute_values(":consent", consent.clone());
        }
        let mut adds = vec!["merged_from :from"];
        if let Some(tags) = other.get("tags").and_then(|t| t.as_ss().ok()) {
            adds.push("tags :tags");
            request = request.expression_attribute_values(":tags", AttributeValue::Ss(tags.clone()));
        }
        let expression = format!("SET {} ADD {} DELETE merge_suggested :from", sets.join(", "), adds.join(", "));
        request
            .update_expression(expression)
            .condition_expression("attribute_exists(pk)")
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

fn is_read_marker(item: &Item) -> bool {
    get_s(item, keys::SK).is_some_and(|sk| sk.starts_with(keys::READ_MARKER_PREFIX))
}

fn is_message(item: &Item) -> bool {
    get_s(item, keys::SK).is_some_and(|sk| sk.starts_with(keys::MESSAGE_PREFIX))
}

/// A message's ids: Parley's and Meta's, each with a pointer.
fn ids_of(message: &Item) -> BTreeSet<String> {
    [get_s(message, "wamid"), get_s(message, "id")].into_iter().flatten().collect()
}

fn message_ids(items: &[Item]) -> BTreeSet<String> {
    items.iter().filter(|i| is_message(i)).flat_map(ids_of).collect()
}

/// The contact ids in a profile's string-set attribute.
fn ids_in(profile: Option<&Item>, attribute: &str) -> Vec<ContactId> {
    profile
        .and_then(|p| p.get(attribute))
        .and_then(|v| v.as_ss().ok())
        .map(|ids| ids.iter().filter_map(|id| ContactId::parse(id)).collect())
        .unwrap_or_default()
}

fn key_of(item: &Item) -> Option<Item> {
    Some(key(get_s(item, keys::PK)?, get_s(item, keys::SK)?))
}

/// TTL is wall-clock time; so is this.
fn unix_seconds_now() -> i64 {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX)
}

fn delete_request(key: Item) -> Result<WriteRequest, StoreError> {
    Ok(WriteRequest::builder()
        .delete_request(DeleteRequest::builder().set_key(Some(key)).build().map_err(unavailable)?)
        .build())
}

fn put_request(item: Item) -> Result<WriteRequest, StoreError> {
    Ok(WriteRequest::builder()
        .put_request(PutRequest::builder().set_item(Some(item)).build().map_err(unavailable)?)
        .build())
}

#[async_trait::async_trait]
impl crate::ports::ContactLifecycleStore for DynamoStore {
    async fn erase_contact(&self, contact: &ContactId) -> Result<usize, StoreError> {
        // Closed first: a message arriving meanwhile is refused as
        // unavailable, and Meta's retry starts a fresh record afterwards.
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), keys::PROFILE)))
            .update_expression("SET erasing = :t, contact_id = :cid")
            .expression_attribute_values(":t", AttributeValue::Bool(true))
            .expression_attribute_values(":cid", s(contact.as_str()))
            .send()
            .await
            .map_err(unavailable)?;
        let items = self.partition(contact).await?;
        let profile = items.iter().find(|i| get_s(i, keys::SK).as_deref() == Some(keys::PROFILE));
        let merged_from = ids_in(profile, "merged_from");
        let owners: Vec<ContactId> = std::iter::once(contact.clone()).chain(merged_from.iter().cloned()).collect();
        let mut everything = items.clone();
        for merged in &merged_from {
            everything.extend(self.partition(merged).await?);
        }

        let mut removed = 0;
        for id in message_ids(&everything) {
            removed += self.erase_message_pointers(&id).await?;
        }
        for pointer in self.identity_pointers(&owners, profile).await? {
            removed += usize::from(self.delete_identity(pointer, &owners).await?);
        }
        removed += self.erase_deals(contact).await?;
        // The campaigns' records of this person, found through the markers.
        let recipients = everything
            .iter()
            .filter_map(super::campaigns::marker_target)
            .map(|(campaign, recipient)| super::campaigns::recipient_key(&campaign, &recipient))
            .collect();
        removed += self.forget_recipients(recipients).await?;
        for twin in ids_in(profile, "merge_suggested") {
            self.forget_twin(&twin, contact).await?;
        }
        for owner in &owners {
            let tasks = self.query_partition(keys::contact_tasks(owner), Under::Gsi1).await?;
            removed += self.delete_all(tasks.iter().filter_map(key_of).collect()).await?;
            self.redact_audit(owner).await?;
        }
        let own_profile = key(keys::contact_pk(contact), keys::PROFILE);
        let mut leftovers: Vec<Item> = everything.iter().filter_map(key_of).filter(|k| *k != own_profile).collect();
        // A fresh record after the erasure is a new contact, announced again.
        leftovers.extend(owners.iter().map(|o| key(keys::contact_created_pk(o), keys::CONTACT_CREATED)));
        removed += self.delete_all(leftovers).await?;

        // The tombstone: no name, no phone, out of every list and queue.
        let mut tombstone = own_profile;
        tombstone.extend([
            ("contact_id".to_owned(), s(contact.as_str())),
            ("erased".to_owned(), AttributeValue::Bool(true)),
        ]);
        self.client.put_item().table_name(&self.table).set_item(Some(tombstone)).send().await.map_err(unavailable)?;
        Ok(removed)
    }

    async fn merge_contacts(&self, into: &ContactId, from: &ContactId) -> Result<usize, StoreError> {
        let from_profile = self.close_for_merge(into, from).await?;
        // New messages of `from`'s identities find `into` from now on.
        for pointer in self.identity_pointers(std::slice::from_ref(from), Some(&from_profile)).await? {
            self.move_identity(pointer, into, from).await?;
        }
        let items = self.partition(from).await?;
        let moving: Vec<&Item> =
            items.iter().filter(|i| get_s(i, keys::SK).as_deref() != Some(keys::PROFILE)).collect();
        // Read markers are per person: the survivor may hold a newer one for
        // the same person, so each moves by the monotonic conditional write
        // (only forward), never by an overwriting copy.
        let (markers, moving_copies): (Vec<&Item>, Vec<&Item>) =
            moving.iter().copied().partition(|i| is_read_marker(i));
        for marker in markers {
            let user =
                get_s(marker, keys::SK).and_then(|sk| sk.strip_prefix(keys::READ_MARKER_PREFIX).map(str::to_owned));
            if let (Some(user), Some(through)) = (user, get_n(marker, "read_through")) {
                crate::ports::ReadMarkers::mark_read(self, into, &user, crate::domain::Millis(through)).await?;
            }
        }
        let copies = moving_copies.iter().map(|item| {
            let mut moved = (*item).clone();
            moved.insert(keys::PK.to_owned(), s(keys::contact_pk(into)));
            moved.insert("contact_id".to_owned(), s(into.as_str()));
            // An unfinished send joins the survivor's shard of the outbox.
            if moved.contains_key(keys::GSI2_PK) {
                moved.insert(keys::GSI2_PK.to_owned(), s(keys::outbox(keys::Shard::of(into))));
            }
            // A tag membership becomes the survivor's (whose profile takes
            // the tags in `absorb_profile`).
            if super::tag_index::is_membership(item) {
                if let Some(tag) = get_s(item, "tag") {
                    moved = super::tag_index::membership(into, &tag);
                }
            }
            moved
        });
        let count = moving.len();
        self.batch_write(copies.map(put_request).collect::<Result<_, _>>()?).await?;
        // The wamid pointers follow their messages before the old copies go,
        // so a status always finds one of the two.
        let pointers = moving.iter().filter(|i| is_message(i)).flat_map(|message| {
            let sk = get_s(message, keys::SK).unwrap_or_default();
            let direction = get_s(message, "direction").unwrap_or_else(|| "in".to_owned());
            ids_of(message).into_iter().map(move |id| {
                let mut pointer = key(keys::wamid_pk(&id), keys::WAMID);
                pointer.extend([
                    ("contact_id".to_owned(), s(into.as_str())),
                    ("message_sk".to_owned(), s(&sk)),
                    ("direction".to_owned(), s(&direction)),
                ]);
                pointer
            })
        });
        self.batch_write(pointers.map(put_request).collect::<Result<_, _>>()?).await?;
        self.delete_all(moving.iter().filter_map(|i| key_of(i)).collect()).await?;
        self.move_deals(into, from).await?;
        self.move_tasks(into, from).await?;
        self.move_quotes(into, from).await?;
        self.absorb_profile(into, from, &from_profile).await?;
        // `from` ends as a bare redirect: no personal data, in no list, and
        // still telling late writers where its messages went.
        let mut redirect = key(keys::contact_pk(from), keys::PROFILE);
        redirect.extend([("contact_id".to_owned(), s(from.as_str())), ("merged_into".to_owned(), s(into.as_str()))]);
        // The merge is done when the redirect lands, so its event rides with it.
        let at = crate::domain::Millis(unix_seconds_now() * 1000);
        let event = crate::domain::change_event::contact_merged(into, from, at);
        let redirect = Put::builder().table_name(&self.table).set_item(Some(redirect)).build().map_err(unavailable)?;
        let items = vec![TransactWriteItem::builder().put(redirect).build(), self.event_put(&event)?];
        self.client.transact_write_items().set_transact_items(Some(items)).send().await.map_err(unavailable)?;
        Ok(count)
    }
}
