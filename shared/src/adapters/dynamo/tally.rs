//! Exact counters that a burst cannot turn into 503s.
//!
//! DynamoDB cancels a transaction that touches an item another transaction
//! is writing, so a counter updated in the same transaction as each message
//! or priced status makes every concurrent write conflict on it. And an
//! `ADD` outside the transaction cannot be made exactly-once with a marker on
//! another item: after a crash between the two writes nobody can tell
//! whether the `ADD` happened.
//!
//! So the hot path never writes a shared item. Each counted event writes its
//! own *pending entry* (`TALLY#<shard>` / event digest), inside the write
//! that is already exactly-once for that event: the message transaction
//! (guarded by the wamid pointer), or, for Meta's pricing, a transaction of
//! the entry and a per-message marker that makes a repeated status a no-op.
//! No two events share an item, so nothing conflicts but two copies of the
//! same status, and the loser of those finds the marker.
//!
//! The sweep folds pending entries into the counters: one transaction
//! deletes a batch of entries (each on condition it still exists) and adds
//! their sum, so an entry is counted once even when two sweeps overlap.
//! Every fold also bumps a version; a reader takes the counters plus the
//! entries still pending, and trusts the sum only if no fold committed in
//! between (otherwise it reads again), so reports are exact at any moment.
//!
//! An event that adds to several counters of one report (a won deal: its
//! count and its value, on its source's line and its ad's) writes *one*
//! entry listing every addition. A reader queries the shards one after
//! another, and entries of one event spread over shards could commit
//! between two of those queries, showing a deal won for nothing.

use super::item::{get_n, get_s, key, n, s, Item};
use super::keys;
use super::write::{Attributes, PlainWrite};
use super::{unavailable, DynamoStore};
use crate::ports::StoreError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::time::Duration;

/// Partitions pending entries spread over. Each takes a burst of 1,000
/// writes a second; a report read and every sweep query each one, so they
/// are few (the sweep runs every minute, also when nothing happens).
const SHARDS: u64 = keys::TALLY_SHARDS;
/// Items one DynamoDB transaction may hold.
const TRANSACTION_ITEMS: usize = 100;
/// Entries read for one fold; fewer are folded when they name so many
/// counters that deletes, counter updates and the version would not fit
/// one transaction.
const FOLD_BATCH: i32 = 90;
/// A pricing marker is garbage once Meta has stopped redelivering the
/// status (it retries for up to 7 days).
const MARKER_TTL_SECONDS: i64 = 30 * 24 * 3600;
/// Tries for one priced status while a copy of it is being counted at the
/// same moment (the next try normally finds the copy's marker); the waits
/// between them add up to about 3 s, well inside the webhook's timeout.
const MARK_ATTEMPTS: u32 = 12;
/// The longest wait between two tries.
const MARK_BACKOFF_CAP_MS: u64 = 400;
/// Reads that may meet a fold in the middle before giving up (folds run
/// once a minute and take well under a second).
const READ_ATTEMPTS: u32 = 8;

/// One counter: an item and the number attribute an event adds one to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Counter {
    /// The counter item's partition key.
    pub pk: String,
    /// The counter item's sort key.
    pub sk: String,
    /// The attribute counted.
    pub field: String,
}

/// Counters and the entries not yet folded into them, read together.
#[derive(Debug, Default)]
pub(super) struct Tallies {
    /// `(sort key, field) → value` of the counter items read.
    pub counted: BTreeMap<(String, String), i64>,
}

impl Tallies {
    fn add(&mut self, sk: String, field: String, by: i64) {
        *self.counted.entry((sk, field)).or_default() += by;
    }
}

/// What an entry adds, when it is not one.
const AMOUNT: &str = "amount";
/// The additions of an entry that adds to several counters.
const ADDS: &str = "adds";

/// One addition a pending entry makes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Addition {
    counter: Counter,
    amount: i64,
}

/// What `entry` adds: its own counter's field, or each of its list.
fn additions_of(entry: &Item) -> Vec<Addition> {
    let one = |fields: &Item| -> Option<Addition> {
        let counter = Counter {
            pk: get_s(fields, "counter_pk")?,
            sk: get_s(fields, "counter_sk")?,
            field: get_s(fields, "field")?,
        };
        Some(Addition { counter, amount: get_n(fields, AMOUNT).unwrap_or(1) })
    };
    match entry.get(ADDS).and_then(|adds| adds.as_l().ok()) {
        Some(adds) => adds.iter().filter_map(|add| add.as_m().ok()).filter_map(one).collect(),
        None => one(entry).into_iter().collect(),
    }
}

/// The attributes naming one addition.
fn addition_fields(counter: &Counter, amount: i64) -> Item {
    let mut fields = Item::from([
        ("counter_pk".to_owned(), s(&counter.pk)),
        ("counter_sk".to_owned(), s(&counter.sk)),
        ("field".to_owned(), s(&counter.field)),
    ]);
    if amount != 1 {
        fields.insert(AMOUNT.to_owned(), n(amount));
    }
    fields
}

/// A stable, personal-data-free name for an event (its digest: a wamid
/// carries the customer's number, and entries outlive erasure).
fn event_digest(event: &str) -> String {
    hex::encode(&Sha256::digest(event.as_bytes())[..16])
}

fn shard_of(digest: &str) -> u64 {
    u64::from_str_radix(&digest[..8], 16).unwrap_or(0) % SHARDS
}

/// The pending entry that adds one to `counter` for `event`, whose name
/// must be unique to the event (it is what makes a repeat harmless).
pub(super) fn pending_entry(table: &str, counter: &Counter, event: &str) -> PlainWrite {
    pending_amounts(table, &[(counter.clone(), 1)], event)
}

/// The pending entry that adds each amount to its counter (an entry
/// without an amount adds one).
pub(super) fn pending_amounts(table: &str, amounts: &[(Counter, i64)], event: &str) -> PlainWrite {
    let digest = event_digest(event);
    let mut item = Attributes::key(keys::tally_pk(shard_of(&digest)), digest, 4);
    match amounts {
        [(counter, amount)] => {
            for (name, value) in addition_fields(counter, *amount) {
                item.set(name, value);
            }
        }
        _ => {
            let adds = amounts.iter().map(|(counter, amount)| AttributeValue::M(addition_fields(counter, *amount)));
            item.set(ADDS, AttributeValue::L(adds.collect()));
        }
    }
    PlainWrite::put(table, item)
}

fn cancellation_codes(
    err: &aws_sdk_dynamodb::error::SdkError<TransactWriteItemsError, impl std::fmt::Debug>,
) -> Vec<String> {
    match err.as_service_error() {
        Some(TransactWriteItemsError::TransactionCanceledException(e)) => {
            e.cancellation_reasons().iter().map(|r| r.code().unwrap_or("None").to_owned()).collect()
        }
        _ => Vec::new(),
    }
}

impl DynamoStore {
    /// Counts `event` once on `counter`, however often it is reported: a
    /// marker named after the event goes in the same transaction as its
    /// pending entry, and so does `also` (written exactly when the count
    /// is). Returns `false` when it had been counted before.
    pub(super) async fn tally_once(
        &self,
        counter: &Counter,
        event: &str,
        also: Option<TransactWriteItem>,
    ) -> Result<bool, StoreError> {
        self.tally_with(&[(counter.clone(), 1)], event, also).await
    }

    /// Adds each amount to its counter once for `event`, in one
    /// transaction with the event's marker (at most 99 counters).
    pub(super) async fn tally_amounts_once(&self, amounts: &[(Counter, i64)], event: &str) -> Result<bool, StoreError> {
        self.tally_with(amounts, event, None).await
    }

    async fn tally_with(
        &self,
        amounts: &[(Counter, i64)],
        event: &str,
        also: Option<TransactWriteItem>,
    ) -> Result<bool, StoreError> {
        if amounts.len() + usize::from(also.is_some()) >= TRANSACTION_ITEMS {
            return Err(StoreError::Rejected(format!("{} counters for one event", amounts.len())));
        }
        let Some(first) = amounts.first() else { return Ok(true) };
        let entry = pending_amounts(&self.table, amounts, event).into_sdk()?;
        let counter = &first.0;
        let mut marker = key(keys::tallied_pk(&event_digest(event)), keys::TALLIED);
        // The marker's expiry is garbage collection, so the machine's clock will do.
        let now_seconds = crate::ports::Clock::now(&crate::ports::SystemClock).0 / 1000;
        marker.insert(keys::TTL.to_owned(), n(now_seconds + MARKER_TTL_SECONDS));
        let marker = Put::builder()
            .table_name(&self.table)
            .set_item(Some(marker))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(unavailable)?;
        for attempt in 0..MARK_ATTEMPTS {
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(
                    std::iter::once(TransactWriteItem::builder().put(marker.clone()).build())
                        .chain(std::iter::once(entry.clone()))
                        .chain(also.iter().cloned())
                        .collect(),
                ))
                .send()
                .await;
            let Err(err) = result else { return Ok(true) };
            let codes = cancellation_codes(&err);
            if codes.first().is_some_and(|c| c == "ConditionalCheckFailed") {
                return Ok(false);
            }
            if !codes.iter().any(|c| c == "TransactionConflict") {
                return Err(unavailable(err));
            }
            // The same event is being counted right now (a duplicate
            // status): wait for it, then find its marker.
            let backoff = (10u64 << attempt.min(10)).min(MARK_BACKOFF_CAP_MS);
            let jitter = rand::random::<u64>() % (backoff / 2 + 1);
            tokio::time::sleep(Duration::from_millis(backoff + jitter)).await;
        }
        Err(StoreError::Unavailable(format!("counting {} kept conflicting", counter.pk)))
    }

    /// The counters of partition `pk` with sort keys in `[from, to]`, plus
    /// every entry still pending for them: exact at one moment.
    pub(super) async fn read_tallies(&self, pk: &str, from: &str, to: &str) -> Result<Tallies, StoreError> {
        for _ in 0..READ_ATTEMPTS {
            let before = self.fold_version().await?;
            let mut tallies = Tallies::default();
            for entry in self.pending_entries(None).await? {
                for Addition { counter, amount } in additions_of(&entry) {
                    if counter.pk == pk && counter.sk.as_str() >= from && counter.sk.as_str() <= to {
                        tallies.add(counter.sk, counter.field, amount);
                    }
                }
            }
            for item in self.counter_items(pk, from, to).await? {
                let Some(sk) = get_s(&item, keys::SK) else { continue };
                for (name, value) in &item {
                    if let (false, Ok(number)) = (name == keys::PK || name == keys::SK, value.as_n()) {
                        tallies.add(sk.clone(), name.clone(), number.parse().unwrap_or(0));
                    }
                }
            }
            if self.fold_version().await? == before {
                return Ok(tallies);
            }
            tokio::time::sleep(Duration::from_millis(20 + rand::random::<u64>() % 30)).await;
        }
        Err(StoreError::Unavailable("counters kept being folded during the read".into()))
    }

    async fn fold_version(&self) -> Result<i64, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::TALLY_VERSION, keys::TALLY_VERSION)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.item().and_then(|i| get_n(i, "version")).unwrap_or(0))
    }

    async fn counter_items(&self, pk: &str, from: &str, to: &str) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :to")
                .expression_attribute_values(":pk", s(pk))
                .expression_attribute_values(":from", s(from))
                .expression_attribute_values(":to", s(to))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            items.extend(out.items().iter().cloned());
            match out.last_evaluated_key() {
                Some(k) => start = Some(k.clone()),
                None => return Ok(items),
            }
        }
    }

    /// Pending entries of every shard (`None`) or up to a batch of one.
    async fn pending_entries(&self, batch_of: Option<u64>) -> Result<Vec<Item>, StoreError> {
        let mut entries = Vec::new();
        let shards: Vec<u64> = batch_of.map_or_else(|| (0..SHARDS).collect(), |shard| vec![shard]);
        for shard in shards {
            let mut start = None;
            loop {
                let mut query = self
                    .client
                    .query()
                    .table_name(&self.table)
                    .key_condition_expression("pk = :pk")
                    .expression_attribute_values(":pk", s(keys::tally_pk(shard)))
                    .consistent_read(true)
                    .set_exclusive_start_key(start);
                if batch_of.is_some() {
                    query = query.limit(FOLD_BATCH);
                }
                let out = query.send().await.map_err(unavailable)?;
                entries.extend(out.items().iter().cloned());
                match out.last_evaluated_key() {
                    Some(k) if batch_of.is_none() => start = Some(k.clone()),
                    _ => break,
                }
            }
        }
        Ok(entries)
    }

    /// Folds pending entries into their counters, a batch per shard per
    /// transaction, until none are left or `limit` have been folded.
    pub(super) async fn fold_tallies(&self, limit: usize) -> Result<usize, StoreError> {
        let mut folded = 0;
        for shard in 0..SHARDS {
            while folded < limit {
                let entries = self.pending_entries(Some(shard)).await?;
                if entries.is_empty() {
                    break;
                }
                let batch = &entries[..fitting(&entries)];
                match self.fold(batch).await? {
                    true => folded += batch.len(),
                    // Another sweep is folding this shard: leave it to it.
                    false => break,
                }
            }
        }
        if folded > 0 {
            tracing::info!(folded, "pending counter entries folded");
        }
        Ok(folded)
    }

    async fn fold(&self, entries: &[Item]) -> Result<bool, StoreError> {
        let mut sums: BTreeMap<(String, String), BTreeMap<String, i64>> = BTreeMap::new();
        let mut items = Vec::new();
        for entry in entries {
            let (Some(pk), Some(sk)) = (get_s(entry, keys::PK), get_s(entry, keys::SK)) else { continue };
            let delete = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(key(pk, sk)))
                .condition_expression("attribute_exists(pk)")
                .build()
                .map_err(unavailable)?;
            items.push(TransactWriteItem::builder().delete(delete).build());
            for Addition { counter, amount } in additions_of(entry) {
                *sums.entry((counter.pk, counter.sk)).or_default().entry(counter.field).or_default() += amount;
            }
        }
        for ((pk, sk), fields) in sums {
            let mut update = Update::builder().table_name(&self.table).set_key(Some(key(pk, sk)));
            let mut adds = Vec::new();
            for (i, (field, by)) in fields.into_iter().enumerate() {
                adds.push(format!("#f{i} :v{i}"));
                update = update
                    .expression_attribute_names(format!("#f{i}"), field)
                    .expression_attribute_values(format!(":v{i}"), n(by));
            }
            let update = update.update_expression(format!("ADD {}", adds.join(", "))).build().map_err(unavailable)?;
            items.push(TransactWriteItem::builder().update(update).build());
        }
        let version = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::TALLY_VERSION, keys::TALLY_VERSION)))
            .update_expression("ADD version :one")
            .expression_attribute_values(":one", n(1))
            .build()
            .map_err(unavailable)?;
        items.push(TransactWriteItem::builder().update(version).build());
        match self.client.transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(true),
            Err(err) => {
                let codes = cancellation_codes(&err);
                if codes.iter().any(|c| c == "ConditionalCheckFailed" || c == "TransactionConflict") {
                    Ok(false)
                } else {
                    Err(unavailable(err))
                }
            }
        }
    }
}

fn counters_of(entry: &Item) -> impl Iterator<Item = (String, String)> {
    additions_of(entry).into_iter().map(|add| (add.counter.pk, add.counter.sk))
}

/// How many of `entries` one transaction can fold: a delete each, an update
/// per counter they name, and the version.
fn fitting(entries: &[Item]) -> usize {
    let mut take = entries.len().min(TRANSACTION_ITEMS - 2);
    loop {
        let counters: std::collections::BTreeSet<_> = entries[..take].iter().flat_map(counters_of).collect();
        if take + counters.len() < TRANSACTION_ITEMS || take <= 1 {
            return take;
        }
        take -= 1;
    }
}

#[async_trait::async_trait]
impl crate::ports::CounterStore for DynamoStore {
    async fn fold_counters(&self, limit: usize) -> Result<usize, StoreError> {
        self.fold_tallies(limit).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fold_fits_one_transaction() {
        let entry = |counter: usize| {
            let mut item = key("TALLY#0", format!("{counter}"));
            item.insert("counter_pk".into(), s("SPEND#2026-03"));
            item.insert("counter_sk".into(), s(format!("c{counter}")));
            item.insert("field".into(), s("count"));
            item
        };
        let one_counter: Vec<Item> = (0..90).map(|_| entry(0)).collect();
        assert_eq!(fitting(&one_counter), 90);
        let all_different: Vec<Item> = (0..90).map(entry).collect();
        assert_eq!(fitting(&all_different), 49, "49 deletes, 49 counters and the version");
    }

    fn additions(amounts: &[(Counter, i64)]) -> Vec<Addition> {
        let put = pending_amounts("t", amounts, "source|deal.stage_changed:dl.1:9").into_sdk().unwrap();
        additions_of(put.put().unwrap().item())
    }

    #[test]
    fn one_event_is_one_entry_whatever_it_adds_to() {
        let counter =
            |sk: &str, field: &str| Counter { pk: "STATS#SRC#2026-12".into(), sk: sk.into(), field: field.into() };
        let won = [
            (counter("2026-12-03#source:ad", "won"), 1),
            (counter("2026-12-03#source:ad", "won_minor"), 450_000),
            (counter("2026-12-03#ad:120200", "won"), 1),
            (counter("2026-12-03#ad:120200", "won_minor"), 450_000),
        ];
        let expected: Vec<Addition> =
            won.iter().map(|(counter, amount)| Addition { counter: counter.clone(), amount: *amount }).collect();
        assert_eq!(additions(&won), expected);
        assert_eq!(additions(&won[1..2]), expected[1..2], "a single addition keeps the flat form");
        assert_eq!(additions(&won[..1]), expected[..1], "and one adds one without an amount");
        let put = pending_amounts("t", &won[..1], "e").into_sdk().unwrap();
        assert!(!put.put().unwrap().item().contains_key(AMOUNT));
    }

    #[test]
    fn events_spread_over_every_shard_and_keep_no_wamid() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..200 {
            let digest = event_digest(&format!("spend|wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI{i}"));
            assert!(!digest.contains("wamid"));
            seen.insert(shard_of(&digest));
        }
        assert_eq!(seen.len() as u64, SHARDS);
    }
}
