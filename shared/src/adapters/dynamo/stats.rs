//! Daily message counters (aggregates that survive a contact's erasure) and
//! the report queries.

use super::fan_out::{ShardedRead, AWAITING, BY_OWNER};
use super::item::s;
use super::keys;
use super::tally::{pending_entry, Counter};
use super::write::PlainWrite;
use super::{unavailable, DynamoStore};
use crate::domain::Millis;
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::Select;

/// The pending entry counting one message of `direction` on its business
/// `day` (`YYYY-MM-DD` in the business time zone), as a
/// transaction item of the message's own (exactly-once) write; `event` is
/// the message's id. Touches no shared item, so concurrent messages never
/// conflict over it (see [`super::tally`]).
pub(super) fn count_message(table: &str, day: String, direction: &str, event: &str) -> PlainWrite {
    pending_entry(table, &message_counter(day, direction), &message_event(direction, event))
}

/// The counter of messages of `direction` on the business `day`.
pub(super) fn message_counter(day: String, direction: &str) -> Counter {
    Counter { pk: keys::MESSAGE_STATS.to_owned(), sk: day, field: direction.to_owned() }
}

/// The name message `event`'s pending entry is made unique by.
pub(super) fn message_event(direction: &str, event: &str) -> String {
    format!("message|{direction}|{event}")
}

impl DynamoStore {
    /// How many items an index partition holds (optionally below a sort key).
    pub(super) async fn count_index(
        &self,
        index: &str,
        pk_attr: &str,
        pk: &str,
        sk_range: Option<(&str, String, String)>,
    ) -> Result<u64, StoreError> {
        let mut total = 0u64;
        let mut start = None;
        loop {
            let mut request = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(index)
                .select(Select::Count)
                .expression_attribute_values(":pk", s(pk))
                .set_exclusive_start_key(start);
            request = match &sk_range {
                Some((sk_attr, low, high)) => request
                    .key_condition_expression(format!("{pk_attr} = :pk AND {sk_attr} BETWEEN :low AND :high"))
                    .expression_attribute_values(":low", s(low))
                    .expression_attribute_values(":high", s(high)),
                None => request.key_condition_expression(format!("{pk_attr} = :pk")),
            };
            let out = request.send().await.map_err(unavailable)?;
            total += u64::try_from(out.count()).unwrap_or(0);
            match out.last_evaluated_key() {
                Some(k) => start = Some(k.clone()),
                None => return Ok(total),
            }
        }
    }
}

#[async_trait::async_trait]
impl crate::ports::ReportStore for DynamoStore {
    /// `(day, inbound, outbound)` for days in `[from, to]` (`YYYY-MM-DD`).
    async fn message_counts(&self, from: &str, to: &str) -> Result<Vec<(String, u64, u64)>, StoreError> {
        let tallies = self.read_tallies(keys::MESSAGE_STATS, from, &format!("{to}#~")).await?;
        let count = |v: i64| u64::try_from(v).unwrap_or(0);
        let mut days: std::collections::BTreeMap<String, (u64, u64)> = std::collections::BTreeMap::new();
        // Counters written before the fold kept one item per `<day>#<shard>`.
        for ((sk, field), value) in tallies.counted {
            let day = sk.split('#').next().unwrap_or_default().to_owned();
            let entry = days.entry(day).or_default();
            match field.as_str() {
                "inbound" => entry.0 += count(value),
                "outbound" => entry.1 += count(value),
                _ => {}
            }
        }
        Ok(days.into_iter().map(|(day, (i, o))| (day, i, o)).collect())
    }

    async fn first_responses(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String, crate::domain::response_figures::ResponseFigures)>, StoreError> {
        self.query_first_responses(from, to).await
    }

    async fn count_unassigned(&self) -> Result<u64, StoreError> {
        let read = ShardedRead {
            index: &BY_OWNER,
            partition: &|shard| keys::owner_queue(None, shard),
            sort_condition: "",
            refine: &|query| query,
        };
        self.count_sharded(&read).await
    }

    async fn count_waiting_since(&self, before: Millis) -> Result<u64, StoreError> {
        let refine = |query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder| {
            query.expression_attribute_values(":low", s("0")).expression_attribute_values(":high", s(before.sortable()))
        };
        let read = ShardedRead {
            index: &AWAITING,
            partition: &keys::awaiting,
            sort_condition: " AND gsi5sk BETWEEN :low AND :high",
            refine: &refine,
        };
        self.count_sharded(&read).await
    }

    async fn count_team_tasks(&self, from: Option<Millis>, before: Millis) -> Result<u64, StoreError> {
        let low = from.map_or_else(|| "0".to_owned(), Millis::sortable);
        self.count_index(keys::GSI4, "gsi4pk", keys::TEAM_TASKS, Some(("gsi4sk", low, before.sortable()))).await
    }
}
