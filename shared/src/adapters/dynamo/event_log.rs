//! Reading the outbox back by time: one Query per (day, shard) partition,
//! each on the sort key's time range. A page walks the partitions day by
//! day, and within a day shard by shard, so a page is in time order within
//! each partition; the cursor says which partition and where in it.

use super::event_item::event_from;
use super::item::{get_s, s};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::{Event, Millis};
use crate::ports::{EventLog, Page, PageRequest, StoreError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

const DAY_MILLIS: i64 = 86_400_000;
const PAGE: u32 = 100;
const MAX_PAGE: u32 = 1_000;
/// Partitions one page may visit: bounds a page's round trips however wide
/// (or empty) the window, at the price of a short page with a cursor.
const MAX_PARTITIONS: usize = 64;

/// Where a read of the log stands: the partition (day index from the
/// window's first day, shard) and the last sort key read in it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Position {
    day: i64,
    shard: u8,
    after: Option<String>,
}

impl Position {
    fn encode(&self) -> Option<String> {
        serde_json::to_vec(self).ok().map(|json| URL_SAFE_NO_PAD.encode(json))
    }

    fn decode(cursor: Option<&str>) -> Result<Self, StoreError> {
        let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
            return Ok(Position { day: 0, shard: 0, after: None });
        };
        let json = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| StoreError::BadCursor)?;
        let position: Position = serde_json::from_slice(&json).map_err(|_| StoreError::BadCursor)?;
        if position.day < 0 || position.shard >= keys::EVENT_SHARDS {
            return Err(StoreError::BadCursor);
        }
        Ok(position)
    }

    /// The first position of the next partition.
    fn next_partition(&self) -> Position {
        if self.shard + 1 < keys::EVENT_SHARDS {
            Position { day: self.day, shard: self.shard + 1, after: None }
        } else {
            Position { day: self.day + 1, shard: 0, after: None }
        }
    }
}

#[async_trait::async_trait]
impl EventLog for DynamoStore {
    async fn events_between(&self, from: Millis, until: Millis, page: &PageRequest) -> Result<Page<Event>, StoreError> {
        let limit = page.limit.unwrap_or(PAGE).clamp(1, MAX_PAGE) as usize;
        let first_day = from.0.div_euclid(DAY_MILLIS);
        let days = (until.0 - 1).div_euclid(DAY_MILLIS) - first_day + 1;
        let mut position = Position::decode(page.cursor.as_deref())?;
        let mut items = Vec::new();
        let mut visited = 0;
        while position.day < days && until.0 > from.0 && visited < MAX_PARTITIONS {
            visited += 1;
            let day = Millis((first_day + position.day) * DAY_MILLIS).to_rfc3339();
            let want = i32::try_from(limit - items.len()).unwrap_or(i32::MAX);
            let mut query = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :until")
                .expression_attribute_values(":pk", s(keys::events_pk(&day[..10], position.shard)))
                .expression_attribute_values(":from", s(from.sortable()))
                // Every sort key is `<sortable at>#<id>`: `#` sorts before digits.
                .expression_attribute_values(":until", s(Millis(until.0 - 1).sortable() + "~"))
                .limit(want);
            if let Some(after) = &position.after {
                let mut start = super::item::key(keys::events_pk(&day[..10], position.shard), after);
                start.retain(|_, v| v.as_s().is_ok());
                query = query.set_exclusive_start_key(Some(start));
            }
            let out = query.send().await.map_err(unavailable)?;
            for item in out.items() {
                items.push(event_from(item)?);
            }
            position = match out.last_evaluated_key().and_then(|k| get_s(k, keys::SK)) {
                Some(after) => Position { after: Some(after), ..position },
                None => position.next_partition(),
            };
            if items.len() >= limit {
                break;
            }
        }
        let more = position.day < days && until.0 > from.0;
        Ok(Page { items, next_cursor: if more { position.encode() } else { None } })
    }
}
