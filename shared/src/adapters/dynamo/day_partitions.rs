//! Items filed in one partition per UTC day (the audit log's lines, the
//! team's done tasks), read newest first between two instants and paged
//! across the days: a page queries the newest day it has not finished,
//! then the days before it, until it is full.
//!
//! Why a partition a day: a growing log under one key would be one hot
//! partition. Why the days are walked here rather than by the caller: a
//! page may end inside a day or exactly at its end, and a day may be empty;
//! the cursor (the last item given) says where the next page starts in
//! every case.

use super::item::{get_s, s, Item};
use super::keys;
use super::{cursor, unavailable, DynamoStore};
use crate::domain::Millis;
use crate::ports::StoreError;

const DAY_MS: i64 = 86_400_000;

/// Where the items are filed.
#[derive(Debug, Clone, Copy)]
pub(super) struct DayPartitioned<'a> {
    /// The index queried, `None` for the table.
    pub index: Option<&'a str>,
    /// Its partition key's and sort key's attributes.
    pub key: (&'a str, &'a str),
    /// The partition key of a UTC day (`YYYY-MM-DD`).
    pub partition: fn(&str) -> String,
}

/// The items of one read, and the span they lie in.
#[derive(Debug, Clone)]
pub(super) struct DaySpan {
    /// The first instant, whose UTC day is the oldest read.
    pub first: Millis,
    /// The last instant, whose UTC day is the newest read.
    pub last: Millis,
    /// The sort keys read within each day, both ends included.
    pub sort_keys: (String, String),
}

impl DayPartitioned<'_> {
    /// The attributes a cursor names: the table's key and the index's.
    fn cursor_names(&self) -> Vec<&str> {
        let mut names = vec![keys::PK, keys::SK];
        if self.index.is_some() {
            names.extend([self.key.0, self.key.1]);
        }
        names
    }

    /// The partitions of `span`'s UTC days, newest first.
    fn partitions(&self, span: &DaySpan) -> Vec<String> {
        let first = span.first.utc_date();
        let mut days = Vec::new();
        let mut at = span.last;
        loop {
            let day = at.utc_date();
            if day < first {
                return days;
            }
            days.push((self.partition)(&day));
            at = Millis(at.0 - DAY_MS);
        }
    }
}

impl DynamoStore {
    /// Up to `limit` items of `span` in `read`'s partitions, newest first,
    /// after the item `cursor` names; and the cursor of the next page when
    /// there are more. 1 query per day read, the newest day first.
    pub(super) async fn newest_first_by_day(
        &self,
        read: &DayPartitioned<'_>,
        span: &DaySpan,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<Item>, Option<String>), StoreError> {
        let names = read.cursor_names();
        let partitions = read.partitions(span);
        let mut after = cursor::decode(cursor, &names)?;
        let mut partitions = partitions.as_slice();
        if let Some(after) = &after {
            let partition = get_s(after, read.key.0).ok_or(StoreError::BadCursor)?;
            let at = partitions.iter().position(|p| *p == partition).ok_or(StoreError::BadCursor)?;
            partitions = &partitions[at..];
        }
        // One more than a page, to know whether another page follows.
        let wanted = limit + 1;
        let mut items: Vec<Item> = Vec::with_capacity(wanted);
        for partition in partitions {
            let mut start = after.take();
            loop {
                let out = self
                    .client
                    .query()
                    .table_name(&self.table)
                    .set_index_name(read.index.map(str::to_owned))
                    .key_condition_expression(format!("{} = :pk AND {} BETWEEN :low AND :high", read.key.0, read.key.1))
                    .expression_attribute_values(":pk", s(partition))
                    .expression_attribute_values(":low", s(&span.sort_keys.0))
                    .expression_attribute_values(":high", s(&span.sort_keys.1))
                    .scan_index_forward(false)
                    .limit(i32::try_from(wanted - items.len()).unwrap_or(i32::MAX))
                    .set_exclusive_start_key(start)
                    .send()
                    .await
                    .map_err(unavailable)?;
                items.extend(out.items().iter().cloned());
                start = out.last_evaluated_key().cloned();
                if items.len() >= wanted || start.is_none() {
                    break;
                }
            }
            if items.len() >= wanted {
                break;
            }
        }
        if items.len() <= limit {
            return Ok((items, None));
        }
        items.truncate(limit);
        let last = items.last().map(|item| {
            names.iter().filter_map(|name| Some(((*name).to_owned(), item.get(*name)?.clone()))).collect::<Item>()
        });
        Ok((items, cursor::encode(last.as_ref())))
    }
}
