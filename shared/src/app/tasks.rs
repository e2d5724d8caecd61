//! Follow-ups: create, complete, and the due-today and overdue lists per
//! owner and for the team.

use super::business_calendar::BusinessCalendar;
use crate::domain::task::{Due, Task};
use crate::domain::Session;
use crate::domain::{ContactId, Millis, Role};
use crate::ports::{Clock, Page, PageRequest, StoreError, TaskStore, UserStore};
use rand::RngCore;
use std::sync::Arc;

/// Why a task action was refused.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    /// No such task.
    #[error("task not found")]
    NotFound,
    /// Not allowed for this role.
    #[error("{0}")]
    Forbidden(&'static str),
    /// A bad field.
    #[error("{0}")]
    Invalid(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A task as staff enter it.
#[derive(Debug, Clone)]
pub struct NewTask {
    /// What to do.
    pub title: String,
    /// By when.
    pub due_at: Millis,
    /// Who (default: the creator).
    pub owner: Option<String>,
    /// About which contact.
    pub contact_id: Option<ContactId>,
    /// About which deal.
    pub deal_id: Option<String>,
}

/// The tasks use case.
pub struct Tasks {
    store: Arc<dyn TaskStore>,
    users: Arc<dyn UserStore>,
    clock: Arc<dyn Clock>,
    calendar: BusinessCalendar,
}

impl Tasks {
    /// Wires the use case; `calendar` places the business day.
    pub fn new(
        store: Arc<dyn TaskStore>,
        users: Arc<dyn UserStore>,
        clock: Arc<dyn Clock>,
        calendar: BusinessCalendar,
    ) -> Self {
        Tasks { store, users, clock, calendar }
    }

    /// Creates a task; agents create their own, supervisors for anyone.
    pub async fn create(&self, actor: &Session, new: NewTask) -> Result<Task, TaskError> {
        let title = new.title.trim();
        if title.is_empty() || title.chars().count() > 500 {
            return Err(TaskError::Invalid("a task needs a title of 1 to 500 characters".into()));
        }
        let owner = new.owner.map(|o| crate::domain::user::normalize_email(&o)).unwrap_or_else(|| actor.email.clone());
        if owner != actor.email && actor.role == Role::Agent {
            return Err(TaskError::Forbidden("agents create tasks for themselves"));
        }
        self.users
            .user(&owner)
            .await?
            .filter(|u| u.active)
            .ok_or_else(|| TaskError::Invalid(format!("{owner} is not an active teammate")))?;
        let mut bytes = [0u8; 10];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let task = Task {
            id: format!("tk.{}", hex::encode(bytes)),
            title: title.to_owned(),
            due_at: new.due_at,
            owner,
            contact_id: new.contact_id,
            deal_id: new.deal_id,
            done: false,
            done_at: None,
            created_by: actor.email.clone(),
            created_at: self.clock.now(),
        };
        self.store.create_task(&task).await?;
        Ok(task)
    }

    /// Marks a task done (its owner or a supervisor).
    pub async fn complete(&self, actor: &Session, id: &str) -> Result<Task, TaskError> {
        let task = self.store.task(id).await?.ok_or(TaskError::NotFound)?;
        if task.owner != actor.email && !actor.role.supervises() {
            return Err(TaskError::Forbidden("only the task's owner or a manager can complete it"));
        }
        self.store.complete_task(id, self.clock.now()).await?;
        self.store.task(id).await?.ok_or(TaskError::NotFound)
    }

    /// Open tasks by due time: the actor's own, or (`team`, supervisors
    /// only) everyone's.
    pub async fn list(
        &self,
        actor: &Session,
        team: bool,
        due: Due,
        page: &PageRequest,
    ) -> Result<Page<Task>, TaskError> {
        if team && !actor.role.supervises() {
            return Err(TaskError::Forbidden("only managers and administrators see the team's tasks"));
        }
        let now = self.clock.now();
        let (from, before) = match due {
            Due::Overdue => (None, Some(now)),
            Due::Today => (Some(now), Some(self.calendar.current().await?.end_of_day(now))),
            Due::Open => (None, None),
        };
        let owner = (!team).then_some(actor.email.as_str());
        Ok(self.store.due_tasks(owner, from, before, page).await?)
    }
}
