//! Changes to existing tasks, and the task lists the open-task indexes do
//! not hold: the recently done, and everything about one contact.

use super::{Page, PageRequest, StoreError};
use crate::domain::task::Task;
use crate::domain::{AuditEntry, ContactId, Millis};
use async_trait::async_trait;

/// Task edits and the lists beyond the open ones.
#[async_trait]
pub trait TaskLedger: Send + Sync {
    /// Stores `after` with its audit line, only if the stored task is still
    /// exactly `before`; `false` when it changed (or vanished) meanwhile, so
    /// a stale edit never undoes a newer one (a snooze never reopens a task
    /// completed after it was read).
    async fn replace_task(&self, before: &Task, after: &Task, audit: &AuditEntry) -> Result<bool, StoreError>;
    /// Tasks completed from `since` until `until`, most recently done first,
    /// of one owner or of the whole team.
    async fn done_tasks(
        &self,
        owner: Option<&str>,
        since: Millis,
        until: Millis,
        page: &PageRequest,
    ) -> Result<Page<Task>, StoreError>;
    /// Every task about a contact, open or done, oldest first.
    async fn contact_tasks(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<Task>, StoreError>;
}
