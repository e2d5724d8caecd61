//! Tasks: one item each; while open, indexed by owner and for the team,
//! by due time (so today's and overdue lists are one Query each); once
//! done, by owner and by day of completion (see `task_ledger`).

use super::item::{key, req_s, s, Item};
use super::keys;
use super::paging::PageSize;
use super::{unavailable, DynamoStore};
use crate::domain::change_event;
use crate::domain::task::Task;
use crate::domain::Millis;
use crate::ports::{Page, PageRequest, StoreError};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

pub(super) fn task_item(task: &Task) -> Result<Item, StoreError> {
    let mut item = key(keys::task_pk(&task.id), "TASK");
    item.insert("task".to_owned(), s(serde_json::to_string(task).map_err(|e| StoreError::Corrupt(e.to_string()))?));
    if let Some(contact) = &task.contact_id {
        // Listed under its contact, so a merge moves it and an erasure finds it.
        item.extend([
            (keys::GSI1_PK.to_owned(), s(keys::contact_tasks(contact))),
            (keys::GSI1_SK.to_owned(), s(format!("{}#{}", task.created_at.sortable(), task.id))),
        ]);
    }
    if !task.done {
        let due = format!("{}#{}", task.due_at.sortable(), task.id);
        item.extend([
            ("gsi3pk".to_owned(), s(keys::owner_tasks(&task.owner))),
            ("gsi3sk".to_owned(), s(&due)),
            ("gsi4pk".to_owned(), s(keys::TEAM_TASKS)),
            ("gsi4sk".to_owned(), s(due)),
        ]);
    } else if let Some(done_at) = task.done_at {
        let done = format!("{}#{}", done_at.sortable(), task.id);
        item.extend([
            ("gsi3pk".to_owned(), s(keys::owner_done_tasks(&task.owner))),
            ("gsi3sk".to_owned(), s(&done)),
            ("gsi5pk".to_owned(), s(keys::team_done_tasks(&done_at.utc_date()))),
            ("gsi5sk".to_owned(), s(done)),
        ]);
    }
    Ok(item)
}

pub(super) fn task_from(item: &Item) -> Result<Task, StoreError> {
    serde_json::from_str(&req_s(item, "task")?).map_err(|e| StoreError::Corrupt(format!("task: {e}")))
}

/// How often completing a task re-reads it after a concurrent change.
const COMPLETE_ATTEMPTS: usize = 3;

#[async_trait::async_trait]
impl crate::ports::TaskStore for DynamoStore {
    async fn create_task(&self, task: &Task) -> Result<(), StoreError> {
        let put =
            Put::builder().table_name(&self.table).set_item(Some(task_item(task)?)).build().map_err(unavailable)?;
        let items =
            vec![TransactWriteItem::builder().put(put).build(), self.event_put(&change_event::task_created(task))?];
        self.client.transact_write_items().set_transact_items(Some(items)).send().await.map_err(unavailable)?;
        Ok(())
    }

    async fn task(&self, id: &str) -> Result<Option<Task>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::task_pk(id), "TASK")))
            .send()
            .await
            .map_err(unavailable)?;
        out.item().map(task_from).transpose()
    }

    async fn complete_task(&self, id: &str, at: Millis) -> Result<bool, StoreError> {
        // Conditional on the task as read, so two completions at once write
        // one `task.done`: the loser re-reads and finds it done.
        for _ in 0..COMPLETE_ATTEMPTS {
            let Some(before) = crate::ports::TaskStore::task(self, id).await? else { return Ok(false) };
            if before.done {
                return Ok(true);
            }
            let mut after = before.clone();
            after.done = true;
            after.done_at = Some(at);
            let stored = serde_json::to_string(&before).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(task_item(&after)?))
                .condition_expression("#task = :before")
                .expression_attribute_names("#task", "task")
                .expression_attribute_values(":before", s(stored))
                .build()
                .map_err(unavailable)?;
            let items = vec![
                TransactWriteItem::builder().put(put).build(),
                self.event_put(&change_event::task_done(&after, at))?,
            ];
            if super::transact_checked(&self.client, items).await? {
                return Ok(true);
            }
        }
        Err(StoreError::Unavailable(format!("task {id} kept changing")))
    }

    async fn due_tasks(
        &self,
        owner: Option<&str>,
        from: Option<Millis>,
        before: Option<Millis>,
        page: &PageRequest,
    ) -> Result<Page<Task>, StoreError> {
        let (index, pk_attr, sk_attr, pk) = match owner {
            Some(owner) => (keys::GSI3, "gsi3pk", "gsi3sk", keys::owner_tasks(owner)),
            None => (keys::GSI4, "gsi4pk", "gsi4sk", keys::TEAM_TASKS.to_owned()),
        };
        let low = from.map_or_else(|| "0".to_owned(), Millis::sortable);
        let high = before.map_or_else(|| "~".to_owned(), Millis::sortable);
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index)
            .key_condition_expression(format!("{pk_attr} = :pk AND {sk_attr} BETWEEN :low AND :high"))
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":low", s(low))
            .expression_attribute_values(":high", s(high));
        let size = PageSize { default: 50, max: 200 };
        self.query_page(query, page, size, &[keys::PK, keys::SK, pk_attr, sk_attr], task_from).await
    }
}
