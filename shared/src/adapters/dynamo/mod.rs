//! The single-table DynamoDB store.
//!
//! | item | pk | sk |
//! |---|---|---|
//! | contact | `C#<contactId>` | `PROFILE` |
//! | message | `C#<contactId>` | `M#<millis>#<id>` |
//! | read marker (per person) | `C#<contactId>` | `READ#<email>` |
//! | business profile | `BUSINESS` | `BUSINESS` |
//! | identity pointer | `I#<phoneNumberId>#<wa:…\|bsuid:…>` | `I` |
//! | wamid pointer | `W#<wamid>` | `W` |
//! | pending status | `W#<wamid>` | `PS#<rank>#<millis>` |
//! | user | `U#<email>` | `USER` |
//! | session | `S#<token hash>` | `SESSION` (TTL) |
//! | invitation or reset link | `INV#<token hash>` | `INV` (TTL) |
//! | live-push connection | `L#<connectionId>` | `L` (TTL; gsi4 `LU#<email>`, gsi3 `LR#<role>`) |
//! | webhook subscription | `WEBHOOKS` | `WH#<id>` |
//! | webhook delivery | `WD#<subscriptionId>` | `<event millis>-<hash>` (TTL) |
//! | login counter | `LT#se#<source>#<email>`, `LT#s#<source>`, `LT#e#<email>` | `W#<window start>` (TTL) |
//!
//! `gsi1` (`gsi1pk`, `gsi1sk`) lists contacts by last activity. The lists
//! every contact can be in (activity, outbox, queues, name and phone search)
//! spread their partition key over `keys::INDEX_SHARDS` values by contact,
//! so no list is one hot partition; `fan_out.rs` reads them back as one.

mod ai_settings;
mod audit;
mod batch_read;
mod business_hours;
mod business_numbers;
mod business_profile;
mod call_claims;
mod campaigns;
mod coexistence;
mod consent;
mod contacts;
mod conversation_watch;
mod cursor;
mod day_partitions;
mod deals;
mod direct;
pub use direct::DirectTransactions;
mod enrolment;
mod event_item;
mod event_log;
mod number_profiles;
mod number_standings;
mod rate_overrides;
mod read_receipts;
pub use event_item::event_from_image;
mod exports;
mod failure;
mod fan_out;
mod first_responses;
mod imports;
mod inbound;
mod inbox;
mod invites;
mod item;
pub mod keys;
mod lead_feeds;
mod lead_sources;
mod lifecycle;
mod listed_jobs;
mod live_connections;
mod login_throttle;
mod media;
mod notifications;
mod outbox;
mod paging;
mod quotes;
mod read_markers;
mod record;
mod report_calendar;
mod rules;
mod sessions;
mod shard_backfill;
mod source_figures;
mod spend;
mod stats;
mod statuses;
mod tag_backfill;
mod tag_index;
mod tally;
mod task_ledger;
mod tasks;
mod templates;
mod transact;
mod unprocessable;
mod users;
mod webhooks;
mod write;

use aws_sdk_dynamodb::Client;

/// The DynamoDB implementation of the store ports.
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
    ids: crate::domain::ContactIdKey,
    read_page_size: Option<i32>,
    // Shared by clones: one copy per container.
    calendar: std::sync::Arc<report_calendar::ReportCalendar>,
    direct: Option<std::sync::Arc<dyn direct::TransactionWriter>>,
}

impl DynamoStore {
    /// A store over `table`, using a client built once at cold start; new
    /// contacts' ids (and erasure tombstones) are keyed with `ids`.
    pub fn new(client: Client, table: impl Into<String>, ids: crate::domain::ContactIdKey) -> Self {
        DynamoStore {
            client,
            table: table.into(),
            ids,
            read_page_size: None,
            calendar: Default::default(),
            direct: None,
        }
    }

    /// Sends each inbound message's transaction with `writer` rather than
    /// the SDK: a third of the CPU per message (see [`DirectTransactions`]).
    pub fn with_direct_transactions(mut self, writer: DirectTransactions) -> Self {
        self.direct = Some(std::sync::Arc::new(writer));
        self
    }

    /// Caps the pages of reads that need every item (pipelines, the team,
    /// templates, report counters), which otherwise end only at DynamoDB's
    /// 1 MB: lets a test prove that each of them follows every page.
    pub fn with_read_page_size(mut self, items: i32) -> Self {
        self.read_page_size = Some(items);
        self
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table
    }
}

/// Narrows a query to what an agent may see: unassigned and their own.
fn visible_to(
    query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    me: Option<&str>,
) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
    match me {
        Some(me) => query
            .filter_expression("attribute_not_exists(#owner) OR #owner = :me")
            .expression_attribute_names("#owner", "owner")
            .expression_attribute_values(":me", item::s(me)),
        None => query,
    }
}

/// Narrows a query to what an agent may see and what `filter` keeps, in one
/// FilterExpression (the items are still read: a filter costs reads, not
/// round trips, and the fan-out pages past what it drops).
fn narrowed(
    query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    me: Option<&str>,
    filter: &crate::ports::ListFilter,
) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
    use crate::ports::OwnerFilter;
    let mut terms = Vec::new();
    let mut query = query;
    if let Some(me) = me {
        terms.push("(attribute_not_exists(#owner) OR #owner = :me)");
        query = query.expression_attribute_values(":me", item::s(me));
    }
    match &filter.owner {
        Some(OwnerFilter::Unassigned) => terms.push("attribute_not_exists(#owner)"),
        Some(OwnerFilter::Owner(owner)) => {
            terms.push("#owner = :filter_owner");
            query = query.expression_attribute_values(":filter_owner", item::s(owner));
        }
        None => {}
    }
    if let Some(tag) = &filter.tag {
        terms.push("contains(tags, :filter_tag)");
        query = query.expression_attribute_values(":filter_tag", item::s(tag));
    }
    if let Some(number) = &filter.number {
        terms.push("phone_number_id = :filter_number");
        query = query.expression_attribute_values(":filter_number", item::s(number));
    }
    if terms.is_empty() {
        return query;
    }
    if me.is_some() || filter.owner.is_some() {
        query = query.expression_attribute_names("#owner", "owner");
    }
    query.filter_expression(terms.join(" AND "))
}

/// Which of a transaction's conditions are the caller's own checks (a
/// failure of those is an answer, not an error).
#[derive(Debug, Clone, Copy)]
enum Checked {
    /// Only the first item's (an optimistic check on the item being changed).
    FirstItem,
    /// Every item's.
    AnyItem,
}

/// Runs a transaction; `false` when its first item's condition failed (the
/// caller's optimistic check), an error for anything else.
async fn transact_checked(
    client: &aws_sdk_dynamodb::Client,
    items: Vec<aws_sdk_dynamodb::types::TransactWriteItem>,
) -> Result<bool, crate::ports::StoreError> {
    transact_checking(client, items, Checked::FirstItem).await
}

/// Runs a transaction; `false` when any of its items' conditions failed
/// (each is one of the caller's checks), an error for anything else.
async fn transact_checked_all(
    client: &aws_sdk_dynamodb::Client,
    items: Vec<aws_sdk_dynamodb::types::TransactWriteItem>,
) -> Result<bool, crate::ports::StoreError> {
    transact_checking(client, items, Checked::AnyItem).await
}

async fn transact_checking(
    client: &aws_sdk_dynamodb::Client,
    items: Vec<aws_sdk_dynamodb::types::TransactWriteItem>,
    checked: Checked,
) -> Result<bool, crate::ports::StoreError> {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
    let is_check = |r: &aws_sdk_dynamodb::types::CancellationReason| r.code() == Some("ConditionalCheckFailed");
    match client.transact_write_items().set_transact_items(Some(items)).send().await {
        Ok(_) => Ok(true),
        Err(err) => match err.as_service_error() {
            Some(TransactWriteItemsError::TransactionCanceledException(e))
                if match checked {
                    Checked::FirstItem => e.cancellation_reasons().first().is_some_and(is_check),
                    Checked::AnyItem => e.cancellation_reasons().iter().any(is_check),
                } =>
            {
                Ok(false)
            }
            _ => Err(unavailable(err)),
        },
    }
}

/// Whether a write failed on its condition (the caller's optimistic check).
pub(super) fn is_condition_failure<E: aws_sdk_dynamodb::error::ProvideErrorMetadata>(e: &E) -> bool {
    e.code() == Some("ConditionalCheckFailedException")
}

/// Maps any SDK failure to an unavailable store, in the words of
/// [`error_chain`](crate::adapters::error_chain) (never the items a raw
/// response returned). A starting key DynamoDB refused is a bad cursor (the
/// caller's mistake).
fn unavailable<E: std::error::Error>(e: E) -> crate::ports::StoreError {
    let text = crate::adapters::error_chain::text(&e);
    if cursor::refused_start_key(&text) {
        return crate::ports::StoreError::BadCursor;
    }
    crate::ports::StoreError::Unavailable(text)
}
