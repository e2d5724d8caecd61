//! Per-day, per-agent first-response aggregates: a count, a sum and a
//! histogram, added to in the transaction that records a first response
//! and read by the report one month partition at a time.

use super::item::{get_n, get_s, key, n, s, Item};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::response_figures::{bucket_of, ResponseFigures, BUCKETS};
use crate::domain::Millis;
use crate::ports::{FirstResponse, StoreError};
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};

/// `ADD` the response at `answered_at` to its agent's figures of `day`
/// (the business date the customer first wrote on), as a transaction item. Additive, so concurrent answers never conflict.
pub(super) fn count_first_response(
    table: &str,
    first: &FirstResponse,
    day: &str,
    answered_at: Millis,
) -> Result<TransactWriteItem, StoreError> {
    let ms = (answered_at.0 - first.first_inbound_at.0).max(0);
    let update = Update::builder()
        .table_name(table)
        .set_key(Some(key(keys::first_response_pk(&day[..7]), keys::first_response_sk(day, &first.agent))))
        .update_expression("SET #day = :day, #agent = :agent ADD #answered :one, #sum :ms, #bucket :one")
        .expression_attribute_names("#day", "day")
        .expression_attribute_names("#agent", "agent")
        .expression_attribute_names("#answered", "answered")
        .expression_attribute_names("#sum", "sum_ms")
        .expression_attribute_names("#bucket", format!("b{}", bucket_of(ms)))
        .expression_attribute_values(":day", s(day))
        .expression_attribute_values(":agent", s(&first.agent))
        .expression_attribute_values(":one", n(1))
        .expression_attribute_values(":ms", n(ms))
        .build()
        .map_err(unavailable)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

fn figures_from(item: &Item) -> Option<(String, String, ResponseFigures)> {
    let count = |name: &str| get_n(item, name).and_then(|v| u64::try_from(v).ok()).unwrap_or(0);
    let mut figures =
        ResponseFigures { count: count("answered"), sum_ms: get_n(item, "sum_ms").unwrap_or(0), ..Default::default() };
    for (bucket, slot) in figures.buckets.iter_mut().enumerate().take(BUCKETS) {
        *slot = count(&format!("b{bucket}"));
    }
    Some((get_s(item, "day")?, get_s(item, "agent")?, figures))
}

/// The months `[from, to]` spans (`YYYY-MM`), in order.
fn months(from: &str, to: &str) -> Vec<String> {
    let parse = |day: &str| -> Option<(i32, u32)> { Some((day.get(..4)?.parse().ok()?, day.get(5..7)?.parse().ok()?)) };
    let (Some(mut at), Some(end)) = (parse(from), parse(to)) else { return Vec::new() };
    let mut out = Vec::new();
    while at <= end && (1..=12).contains(&at.1) {
        out.push(format!("{:04}-{:02}", at.0, at.1));
        at = if at.1 == 12 { (at.0 + 1, 1) } else { (at.0, at.1 + 1) };
    }
    out
}

impl DynamoStore {
    pub(super) async fn query_first_responses(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String, ResponseFigures)>, StoreError> {
        let mut daily = Vec::new();
        for month in months(from, to) {
            let query = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :to")
                .expression_attribute_values(":pk", s(keys::first_response_pk(&month)))
                .expression_attribute_values(":from", s(from))
                .expression_attribute_values(":to", s(format!("{to}#~")));
            daily.extend(self.query_all(query).await?.iter().filter_map(figures_from));
        }
        Ok(daily)
    }
}

#[cfg(test)]
mod tests {
    use super::months;

    #[test]
    fn a_range_reads_each_month_it_spans_once() {
        assert_eq!(months("2025-11-20", "2026-02-01"), ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(months("2026-03-01", "2026-03-31"), ["2026-03"]);
        assert!(months("2026-04-01", "2026-03-01").is_empty());
    }
}
