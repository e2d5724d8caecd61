//! Task edits (a conditional put on the whole stored task) and the lists of
//! done tasks: per owner on `gsi3` (`DONE#<owner>`), for the team on `gsi5`
//! in one partition per UTC day of completion (`DONE#<day>`), walked newest
//! day first.

use super::item::{s, Item};
use super::keys;
use super::paging::PageSize;
use super::tasks::{task_from, task_item};
use super::{cursor, unavailable, DynamoStore};
use crate::domain::task::Task;
use crate::domain::{AuditEntry, ContactId, Millis};
use crate::ports::{Page, PageRequest, StoreError, TaskLedger};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

const DAY: i64 = 86_400_000;

fn day_of(at: Millis) -> String {
    at.to_rfc3339()[..10].to_owned()
}

/// A team cursor: the day being read, then (after a `.`) DynamoDB's key
/// within it, empty at the day's start.
fn team_cursor(day: &str, inner: Option<String>) -> String {
    format!("{day}.{}", inner.unwrap_or_default())
}

impl DynamoStore {
    async fn query_done(
        &self,
        index: (&str, &str, &str),
        pk: String,
        since: Millis,
        until: Millis,
        start: Option<Item>,
        limit: i32,
    ) -> Result<(Vec<Task>, Option<String>), StoreError> {
        let (index, pk_attr, sk_attr) = index;
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index)
            .key_condition_expression(format!("{pk_attr} = :pk AND {sk_attr} BETWEEN :low AND :high"))
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":low", s(since.sortable()))
            .expression_attribute_values(":high", s(format!("{}~", until.sortable())))
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(unavailable)?;
        let tasks = out.items().iter().map(task_from).collect::<Result<_, _>>()?;
        Ok((tasks, cursor::encode(out.last_evaluated_key())))
    }
}

#[async_trait::async_trait]
impl TaskLedger for DynamoStore {
    async fn replace_task(&self, before: &Task, after: &Task, audit: &AuditEntry) -> Result<bool, StoreError> {
        let stored = serde_json::to_string(before).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(task_item(after)?))
            .condition_expression("#task = :before")
            .expression_attribute_names("#task", "task")
            .expression_attribute_values(":before", s(stored))
            .build()
            .map_err(unavailable)?;
        let mut items = vec![TransactWriteItem::builder().put(put).build(), self.audit_put(audit)?];
        if let (false, true, Some(at)) = (before.done, after.done, after.done_at) {
            items.push(self.event_put(&crate::domain::change_event::task_done(after, at))?);
        }
        super::transact_checked(&self.client, items).await
    }

    async fn done_tasks(
        &self,
        owner: Option<&str>,
        since: Millis,
        until: Millis,
        page: &PageRequest,
    ) -> Result<Page<Task>, StoreError> {
        let limit = page.limit.map_or(50, |l| i32::try_from(l.clamp(1, 200)).unwrap_or(50));
        if let Some(owner) = owner {
            let start = cursor::decode(page.cursor.as_deref(), &[keys::PK, keys::SK, "gsi3pk", "gsi3sk"])?;
            let index = (keys::GSI3, "gsi3pk", "gsi3sk");
            let (items, next_cursor) =
                self.query_done(index, keys::owner_done_tasks(owner), since, until, start, limit).await?;
            return Ok(Page { items, next_cursor });
        }
        let first_day = day_of(since);
        let (mut day, mut start) = match page.cursor.as_deref().filter(|c| !c.is_empty()) {
            None => (day_of(until), None),
            Some(text) => {
                let (day, inner) = text.split_once('.').ok_or(StoreError::BadCursor)?;
                let known_day = Millis::parse_rfc3339(&format!("{day}T00:00:00Z")).is_some();
                if !known_day || day < first_day.as_str() || day > day_of(until).as_str() {
                    return Err(StoreError::BadCursor);
                }
                let names = [keys::PK, keys::SK, "gsi5pk", "gsi5sk"];
                (day.to_owned(), cursor::decode(Some(inner), &names)?)
            }
        };
        let mut items = Vec::new();
        loop {
            let want = limit - i32::try_from(items.len()).unwrap_or(limit);
            let index = (keys::GSI5, "gsi5pk", "gsi5sk");
            let (found, inner) =
                self.query_done(index, keys::team_done_tasks(&day), since, until, start.take(), want).await?;
            items.extend(found);
            let previous = Millis::parse_rfc3339(&format!("{day}T00:00:00Z")).map(|d| day_of(Millis(d.0 - DAY)));
            let next = match (inner, previous) {
                (Some(inner), _) => Some(team_cursor(&day, Some(inner))),
                (None, Some(previous)) if previous >= first_day => Some(team_cursor(&previous, None)),
                _ => None,
            };
            let full = i32::try_from(items.len()).unwrap_or(limit) >= limit;
            match next {
                Some(next) if full => return Ok(Page { items, next_cursor: Some(next) }),
                Some(next) => {
                    let (next_day, inner) = next.split_once('.').map_or((next.clone(), ""), |(d, i)| (d.to_owned(), i));
                    start = cursor::decode(Some(inner), &[keys::PK, keys::SK, "gsi5pk", "gsi5sk"])?;
                    day = next_day;
                }
                None => return Ok(Page { items, next_cursor: None }),
            }
        }
    }

    async fn contact_tasks(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<Task>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI1)
            .key_condition_expression(format!("{} = :pk", keys::GSI1_PK))
            .expression_attribute_values(":pk", s(keys::contact_tasks(contact)));
        let size = PageSize { default: 100, max: 200 };
        self.query_page(query, page, size, &[keys::PK, keys::SK, keys::GSI1_PK, keys::GSI1_SK], task_from).await
    }
}
