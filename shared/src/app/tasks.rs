//! Follow-ups: create, complete, edit (snooze, reassign, retitle), and the
//! overdue, today, upcoming and done lists per owner and for the team.

use super::business_calendar::BusinessCalendar;
use crate::domain::follow_up_template::FollowUpTemplate;
use crate::domain::scheduled_job::ScheduledJob;
use crate::domain::snooze::Snooze;
use crate::domain::task::{Due, Task, DONE_WINDOW_DAYS};
use crate::domain::{AuditEntry, Session};
use crate::domain::{ContactId, Millis, Role};
use crate::ports::{
    Clock, Page, PageRequest, Scheduler, StoreError, TaskLedger, TaskStore, TemplateCatalog, UserStore,
};
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
    /// The task is done, or changed since it was read.
    #[error("{0}")]
    Conflict(&'static str),
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
    /// Cancelled by the customer's next message.
    pub cancel_on_reply: bool,
    /// An approved template to send the customer when it falls due.
    pub template: Option<FollowUpTemplate>,
}

/// What an edit changes; `None` keeps the field.
#[derive(Debug, Clone, Default)]
pub struct TaskChange {
    /// A new title.
    pub title: Option<String>,
    /// A new due time (a snooze to a chosen moment).
    pub due_at: Option<Millis>,
    /// A snooze to a preset moment in business time.
    pub snooze: Option<Snooze>,
    /// A new owner (a reassignment).
    pub owner: Option<String>,
}

/// The tasks use case.
pub struct Tasks {
    store: Arc<dyn TaskStore>,
    ledger: Arc<dyn TaskLedger>,
    users: Arc<dyn UserStore>,
    clock: Arc<dyn Clock>,
    calendar: BusinessCalendar,
    scheduler: Arc<dyn Scheduler>,
    templates: Arc<dyn TemplateCatalog>,
}

/// The wake-up a task's due time sets.
pub fn due_job(task: &Task) -> ScheduledJob {
    ScheduledJob::TaskDue { task_id: task.id.clone(), due_at: task.due_at }
}

impl Tasks {
    /// Wires the use case; `calendar` places the business day; `scheduler`
    /// wakes the reminders function when a task falls due; `templates`
    /// checks a follow-up's template at creation.
    pub fn new(
        store: Arc<dyn TaskStore>,
        ledger: Arc<dyn TaskLedger>,
        users: Arc<dyn UserStore>,
        clock: Arc<dyn Clock>,
        calendar: BusinessCalendar,
        scheduler: Arc<dyn Scheduler>,
        templates: Arc<dyn TemplateCatalog>,
    ) -> Self {
        Tasks { store, ledger, users, clock, calendar, scheduler, templates }
    }

    /// The template must exist, be approved in that language, take as many
    /// parameters as given, and name only fields that can be filled.
    async fn valid_template(&self, template: &FollowUpTemplate, new: &NewTask) -> Result<(), TaskError> {
        if new.contact_id.is_none() {
            return Err(TaskError::Invalid("a template follow-up needs a contact to send to".into()));
        }
        template.check(new.deal_id.is_some()).map_err(|e| TaskError::Invalid(e.to_string()))?;
        let translations = self.templates.template_translations(&template.name).await?;
        let translation =
            translations.iter().find(|t| t.language == template.language && t.is_approved()).ok_or_else(|| {
                TaskError::Invalid(format!("no approved template {} in {}", template.name, template.language))
            })?;
        if translation.body_params != template.params.len() {
            return Err(TaskError::Invalid(format!(
                "template {} takes {} parameters, {} given",
                template.name,
                translation.body_params,
                template.params.len()
            )));
        }
        Ok(())
    }

    fn valid_title(title: &str) -> Result<&str, TaskError> {
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 500 {
            return Err(TaskError::Invalid("a task needs a title of 1 to 500 characters".into()));
        }
        Ok(title)
    }

    async fn active_teammate(&self, email: &str) -> Result<(), TaskError> {
        self.users
            .user(email)
            .await?
            .filter(|u| u.active)
            .map(|_| ())
            .ok_or_else(|| TaskError::Invalid(format!("{email} is not an active teammate")))
    }

    /// When a snooze preset falls, from now, in business time.
    pub async fn snoozed(&self, snooze: Snooze) -> Result<Millis, TaskError> {
        Ok(snooze.until(self.clock.now(), &self.calendar.current().await?))
    }

    /// Edits an open task: its owner or a supervisor may retitle or snooze
    /// it; supervisors reassign it to any active teammate, agents only to
    /// themselves. The write holds only if nobody changed the task since it
    /// was read, so a stale snooze cannot reopen a task completed meanwhile.
    pub async fn update(&self, actor: &Session, id: &str, change: TaskChange) -> Result<Task, TaskError> {
        let before = self.store.task(id).await?.ok_or(TaskError::NotFound)?;
        if before.owner != actor.email && !actor.role.supervises() {
            return Err(TaskError::Forbidden("only the task's owner or a manager can change it"));
        }
        if before.done {
            return Err(TaskError::Conflict("the task is done; done tasks are not changed"));
        }
        let mut after = before.clone();
        if let Some(title) = &change.title {
            after.title = Self::valid_title(title)?.to_owned();
        }
        match (change.due_at, change.snooze) {
            (Some(_), Some(_)) => return Err(TaskError::Invalid("give due_at or snooze, not both".into())),
            (Some(due_at), None) => after.due_at = due_at,
            (None, Some(snooze)) => after.due_at = self.snoozed(snooze).await?,
            (None, None) => {}
        }
        if let Some(owner) = &change.owner {
            let owner = crate::domain::user::normalize_email(owner);
            if owner != actor.email && !actor.role.supervises() {
                return Err(TaskError::Forbidden("agents reassign tasks only to themselves"));
            }
            self.active_teammate(&owner).await?;
            after.owner = owner;
        }
        if after == before {
            return Ok(before);
        }
        let changed: Vec<&str> = [
            ("title", after.title != before.title),
            ("due_at", after.due_at != before.due_at),
            ("owner", after.owner != before.owner),
        ]
        .into_iter()
        .filter_map(|(field, differs)| differs.then_some(field))
        .collect();
        let audit = AuditEntry {
            at: self.clock.now(),
            actor: actor.email.clone(),
            action: "task_update".into(),
            contact: before.contact_id.clone(),
            detail: serde_json::json!({"task": before.id, "changed": changed}).to_string(),
        };
        if after.due_at != before.due_at {
            // A new due time is a new wake-up, which may fire again.
            after.fired_at = None;
        }
        if !self.ledger.replace_task(&before, &after, &audit).await? {
            return Err(TaskError::Conflict("the task changed meanwhile; reload and try again"));
        }
        if after.due_at != before.due_at {
            self.scheduler.schedule(after.due_at, &due_job(&after)).await?;
        }
        Ok(after)
    }

    /// Creates a task; agents create their own, supervisors for anyone.
    pub async fn create(&self, actor: &Session, new: NewTask) -> Result<Task, TaskError> {
        let title = Self::valid_title(&new.title)?;
        let owner =
            new.owner.as_deref().map(crate::domain::user::normalize_email).unwrap_or_else(|| actor.email.clone());
        if owner != actor.email && actor.role == Role::Agent {
            return Err(TaskError::Forbidden("agents create tasks for themselves"));
        }
        self.active_teammate(&owner).await?;
        if let Some(template) = &new.template {
            self.valid_template(template, &new).await?;
        }
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
            cancel_on_reply: new.cancel_on_reply,
            fired_at: None,
            cancelled_at: None,
            template: new.template,
        };
        // The wake-up first: one for a task that failed to store finds no
        // task and does nothing, whereas a stored task without one never fires.
        self.scheduler.schedule(task.due_at, &due_job(&task)).await?;
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
        // A wake-up left behind finds the task done and does nothing, so a
        // failed cancel costs one idle invocation, not a wrong reminder.
        if let Err(error) = self.scheduler.cancel(&due_job(&task).name()).await {
            tracing::warn!(task = %task.id, error = %error, "could not cancel a done task's wake-up");
        }
        self.store.task(id).await?.ok_or(TaskError::NotFound)
    }

    /// A page of a contact's open tasks (pages in the order the tasks were
    /// made, each soonest due first; the caller has checked that the actor
    /// may see the contact): everyone's, since whoever answers the customer
    /// should see who promised what.
    pub async fn of_contact(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<Task>, TaskError> {
        let mut tasks = self.ledger.contact_tasks(contact, page).await?;
        tasks.items.retain(|t| !t.done && t.cancelled_at.is_none());
        tasks.items.sort_by_key(|t| t.due_at);
        Ok(tasks)
    }

    /// Open tasks by due time, or the recently done: the actor's own, or
    /// (`team`, supervisors only) everyone's.
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
        let owner = (!team).then_some(actor.email.as_str());
        let (from, before) = match due {
            Due::Overdue => (None, Some(now)),
            Due::Today => (Some(now), Some(self.calendar.current().await?.end_of_day(now))),
            Due::Upcoming => (Some(self.calendar.current().await?.end_of_day(now)), None),
            Due::Open => (None, None),
            Due::Done => {
                let since = Millis(now.0 - DONE_WINDOW_DAYS * 86_400_000);
                return Ok(self.ledger.done_tasks(owner, since, now, page).await?);
            }
        };
        Ok(self.store.due_tasks(owner, from, before, page).await?)
    }
}
