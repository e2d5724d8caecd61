//! Plays what Lambda's DynamoDB stream event source does for the events
//! function: reads DynamoDB Local's stream shard by shard (following shard
//! rollover), keeps only the records the template's FilterCriteria lets
//! through (inserts of event items), hands them over in batches, and
//! redelivers from the first record a batch reports as failed.

use anyhow::{Context, Result};
use aws_sdk_dynamodbstreams::types::{AttributeValue, OperationType, Record, ShardIteratorType};
use events::stream::{StreamBatch, StreamChange, StreamRecord};
use events::EventsHandler;
use parley::adapters::dynamo::keys;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Records per GetRecords, as the template's BatchSize.
const BATCH_SIZE: i32 = 100;
/// Deliveries of a failing record before it is given up (the template's
/// MaximumRetryAttempts; on AWS it then goes to the dead-letter queue).
const MAX_RETRIES: u32 = 10;
/// Polls between looks for new shards.
const DISCOVER_EVERY: u32 = 10;
/// How often the stream is read.
pub const POLL_EVERY: Duration = Duration::from_millis(300);
/// The longest a new shard's records can wait to be found: what a caller
/// waiting for the stream to go quiet must wait longer than.
pub const DISCOVERY_PERIOD: Duration = POLL_EVERY.saturating_mul(DISCOVER_EVERY);

#[derive(Debug, Default)]
struct ShardState {
    iterator: Option<String>,
    /// The last record handed over and done.
    last: Option<String>,
    retries: u32,
    done: bool,
}

/// Invocations of the events function: begun, and finished (every reaction
/// of the batch has run), so a test can wait for what the rules did.
#[derive(Debug, Default)]
pub struct Invocations {
    /// Batches handed to the function.
    pub started: AtomicU64,
    /// Batches it has returned from.
    pub finished: AtomicU64,
}

/// The stream reader of one table.
pub struct StreamPlayer {
    client: aws_sdk_dynamodbstreams::Client,
    arn: String,
    handler: Arc<EventsHandler>,
    invocations: Arc<Invocations>,
    shards: BTreeMap<String, ShardState>,
}

impl StreamPlayer {
    /// Finds the table's stream and starts every open shard at its latest
    /// record, so what is written from now on is delivered (and a restart
    /// of `make dev` does not publish yesterday's events again).
    pub async fn start(
        dynamo: &aws_sdk_dynamodb::Client,
        client: aws_sdk_dynamodbstreams::Client,
        table: &str,
        handler: Arc<EventsHandler>,
        invocations: Arc<Invocations>,
    ) -> Result<Self> {
        let described = dynamo.describe_table().table_name(table).send().await.context("describing the table")?;
        let arn = described
            .table()
            .and_then(|t| t.latest_stream_arn())
            .context("the table has no stream (template.yaml's StreamSpecification)")?
            .to_owned();
        let mut player = StreamPlayer { client, arn, handler, invocations, shards: BTreeMap::new() };
        // From the oldest record the stream keeps, as Lambda's TRIM_HORIZON
        // event source does: DynamoDB Local resolves LATEST only when an
        // iterator is first used, so a write landing before that was missed
        // under load. A restarted `make dev` hands the kept records over
        // again, which the reactions, idempotent on the event id, ignore.
        player.discover(ShardIteratorType::TrimHorizon).await?;
        player.poll_once().await;
        Ok(player)
    }

    /// Polls for ever, every [`POLL_EVERY`].
    pub async fn run(mut self) {
        let mut tick = 0u32;
        loop {
            tick = tick.wrapping_add(1);
            if tick % DISCOVER_EVERY == 0 {
                if let Err(e) = self.discover(ShardIteratorType::TrimHorizon).await {
                    tracing::warn!(error = %e, "describing the stream failed");
                }
            }
            self.poll_once().await;
            tokio::time::sleep(POLL_EVERY).await;
        }
    }

    /// Learns of shards not seen yet; open ones start at `start`, closed
    /// ones seen for the first time are read from their beginning.
    async fn discover(&mut self, start: ShardIteratorType) -> Result<()> {
        let mut from: Option<String> = None;
        loop {
            let out = self
                .client
                .describe_stream()
                .stream_arn(&self.arn)
                .set_exclusive_start_shard_id(from.clone())
                .send()
                .await
                .context("describing the stream")?;
            let Some(description) = out.stream_description() else { return Ok(()) };
            for shard in description.shards() {
                let Some(id) = shard.shard_id() else { continue };
                if self.shards.contains_key(id) {
                    continue;
                }
                let closed = shard.sequence_number_range().and_then(|r| r.ending_sequence_number()).is_some();
                let kind = if closed { ShardIteratorType::TrimHorizon } else { start.clone() };
                let iterator = self.iterator(id, kind, None).await?;
                self.shards.insert(id.to_owned(), ShardState { iterator, ..ShardState::default() });
            }
            match description.last_evaluated_shard_id() {
                Some(last) => from = Some(last.to_owned()),
                None => return Ok(()),
            }
        }
    }

    async fn iterator(&self, shard: &str, kind: ShardIteratorType, sequence: Option<&str>) -> Result<Option<String>> {
        let out = self
            .client
            .get_shard_iterator()
            .stream_arn(&self.arn)
            .shard_id(shard)
            .shard_iterator_type(kind)
            .set_sequence_number(sequence.map(str::to_owned))
            .send()
            .await
            .context("getting a shard iterator")?;
        Ok(out.shard_iterator().map(str::to_owned))
    }

    /// One GetRecords per open shard; at most one batch handed over each.
    async fn poll_once(&mut self) {
        let ids: Vec<String> =
            self.shards.iter().filter(|(_, s)| !s.done && s.iterator.is_some()).map(|(id, _)| id.clone()).collect();
        for id in ids {
            if let Err(e) = self.poll_shard(&id).await {
                tracing::warn!(shard = %id, error = %format_args!("{e:#}"), "reading the stream failed; trying again");
                // An expired or refused iterator: pick up after the last record
                // done, or at the oldest one kept when that one was trimmed
                // away (DynamoDB Local keeps a day; reactions are idempotent).
                let trimmed = format!("{e:?}").contains("TrimmedDataAccess");
                let state = self.shards.get(&id).and_then(|s| s.last.clone()).filter(|_| !trimmed);
                let fresh = match &state {
                    Some(last) => self.iterator(&id, ShardIteratorType::AfterSequenceNumber, Some(last)).await,
                    None => self.iterator(&id, ShardIteratorType::TrimHorizon, None).await,
                };
                if let (Ok(iterator), Some(shard)) = (fresh, self.shards.get_mut(&id)) {
                    shard.iterator = iterator;
                }
            }
        }
    }

    async fn poll_shard(&mut self, id: &str) -> Result<()> {
        let Some(iterator) = self.shards.get(id).and_then(|s| s.iterator.clone()) else { return Ok(()) };
        let out = self.client.get_records().shard_iterator(iterator).limit(BATCH_SIZE).send().await?;
        let next = out.next_shard_iterator().map(str::to_owned);
        let records: Vec<StreamRecord> = out.records().iter().filter_map(passes_filter).collect();
        let last_read = out.records().last().and_then(|r| r.dynamodb()).and_then(|d| d.sequence_number());
        let last_read = last_read.map(str::to_owned);
        let failed = if records.is_empty() {
            None
        } else {
            self.invocations.started.fetch_add(1, Ordering::SeqCst);
            let handled = self.handler.handle(StreamBatch { records }).await;
            self.invocations.finished.fetch_add(1, Ordering::SeqCst);
            handled.response.batch_item_failures.first().map(|f| f.item_identifier.clone())
        };
        match failed {
            Some(sequence) if self.shards.get(id).is_some_and(|s| s.retries < MAX_RETRIES) => {
                let iterator = self.iterator(id, ShardIteratorType::AtSequenceNumber, Some(&sequence)).await?;
                if let Some(shard) = self.shards.get_mut(id) {
                    shard.retries += 1;
                    shard.iterator = iterator;
                }
            }
            failed => {
                if let Some(sequence) = failed {
                    tracing::error!(shard = %id, sequence_number = %sequence, "stream batch kept failing; skipped (on AWS: the events dead-letter queue)");
                }
                if let Some(shard) = self.shards.get_mut(id) {
                    shard.retries = 0;
                    shard.last = last_read.or(shard.last.take());
                    shard.done = next.is_none();
                    shard.iterator = next;
                }
            }
        }
        Ok(())
    }
}

/// The record as Lambda would pass it, if the template's FilterCriteria
/// (`INSERT` of an item whose `pk` starts with `E#`) lets it through.
fn passes_filter(record: &Record) -> Option<StreamRecord> {
    if record.event_name() != Some(&OperationType::Insert) {
        return None;
    }
    let change = record.dynamodb()?;
    let pk = change.keys()?.get(keys::PK)?.as_s().ok()?;
    if !pk.starts_with(keys::EVENTS_PREFIX) {
        return None;
    }
    let image = change.new_image()?.iter().filter_map(|(name, value)| Some((name.clone(), json_of(value)?)));
    Some(StreamRecord {
        event_name: "INSERT".to_owned(),
        dynamodb: StreamChange {
            new_image: serde_json::Value::Object(image.collect()),
            sequence_number: change.sequence_number()?.to_owned(),
        },
    })
}

/// A stream attribute value in the JSON shape Lambda delivers (event items
/// hold only strings and numbers).
fn json_of(value: &AttributeValue) -> Option<serde_json::Value> {
    match value {
        AttributeValue::S(text) => Some(serde_json::json!({ "S": text })),
        AttributeValue::N(number) => Some(serde_json::json!({ "N": number })),
        _ => None,
    }
}
