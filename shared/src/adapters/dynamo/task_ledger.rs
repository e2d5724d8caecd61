//! Task edits (a conditional put on the whole stored task) and the lists of
//! done tasks: per owner on `gsi3` (`DONE#<owner>`), for the team on `gsi5`
//! in one partition per UTC day of completion (`DONE#<day>`), walked newest
//! day first ([`super::day_partitions`]).

use super::day_partitions::{DayPartitioned, DaySpan};
use super::item::s;
use super::keys;
use super::paging::PageSize;
use super::tasks::{task_from, task_item};
use super::{cursor, unavailable, DynamoStore};
use crate::domain::task::Task;
use crate::domain::{AuditEntry, ContactId, Millis};
use crate::ports::{Page, PageRequest, StoreError, TaskLedger};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

impl DynamoStore {
    /// A page of `owner`'s done tasks (`gsi3`) whose sort keys lie within
    /// `sort_keys`, newest first.
    async fn owner_done(
        &self,
        owner: &str,
        sort_keys: &(String, String),
        page: &PageRequest,
        limit: i32,
    ) -> Result<Page<Task>, StoreError> {
        let start = cursor::decode(page.cursor.as_deref(), &[keys::PK, keys::SK, "gsi3pk", "gsi3sk"])?;
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI3)
            .key_condition_expression("gsi3pk = :pk AND gsi3sk BETWEEN :low AND :high")
            .expression_attribute_values(":pk", s(keys::owner_done_tasks(owner)))
            .expression_attribute_values(":low", s(&sort_keys.0))
            .expression_attribute_values(":high", s(&sort_keys.1))
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(unavailable)?;
        let items = out.items().iter().map(task_from).collect::<Result<_, _>>()?;
        Ok(Page { items, next_cursor: cursor::encode(out.last_evaluated_key()) })
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
        // Both lists sort by the instant a task was done.
        let sort_keys = (since.sortable(), format!("{}~", until.sortable()));
        if let Some(owner) = owner {
            return self.owner_done(owner, &sort_keys, page, limit).await;
        }
        let read =
            DayPartitioned { index: Some(keys::GSI5), key: ("gsi5pk", "gsi5sk"), partition: keys::team_done_tasks };
        let span = DaySpan { first: since, last: until, sort_keys };
        let limit = usize::try_from(limit).unwrap_or(50);
        let (found, next_cursor) = self.newest_first_by_day(&read, &span, page.cursor.as_deref(), limit).await?;
        let items = found.iter().map(task_from).collect::<Result<_, _>>()?;
        Ok(Page { items, next_cursor })
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
