//! Follow-up tasks.

use super::{Page, PageRequest, StoreError};
use crate::domain::task::Task;
use crate::domain::Millis;
use async_trait::async_trait;

/// Tasks and follow-ups.
#[async_trait]
pub trait TaskStore: Send + Sync {
    /// Stores a new task.
    async fn create_task(&self, task: &Task) -> Result<(), StoreError>;
    /// One task.
    async fn task(&self, id: &str) -> Result<Option<Task>, StoreError>;
    /// Marks it done (idempotent); `false` when there is no such task.
    async fn complete_task(&self, id: &str, at: Millis) -> Result<bool, StoreError>;
    /// Open tasks due before `before` (and not before `from`), soonest first,
    /// of one owner or of the whole team.
    async fn due_tasks(
        &self,
        owner: Option<&str>,
        from: Option<Millis>,
        before: Option<Millis>,
        page: &PageRequest,
    ) -> Result<Page<Task>, StoreError>;
}
