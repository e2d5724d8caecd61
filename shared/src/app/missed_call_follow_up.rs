//! A missed WhatsApp call becomes a "call back" follow-up for whoever owns
//! the conversation (a manager or admin when nobody does yet), due within
//! the hour, so the call is returned rather than forgotten.

use super::reactions::{Reaction, ReactionError};
use crate::domain::scheduled_job::ScheduledJob;
use crate::domain::task::Task;
use crate::domain::{Event, MessageContent, Millis, Role};
use crate::ports::{ConversationStore, Scheduler, TaskStore, UserStore};
use async_trait::async_trait;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// How soon a missed call should be returned.
const CALL_BACK_WITHIN_MINUTES: i64 = 60;

/// The reaction on `message.received` for a call.
pub struct MissedCallFollowUp {
    conversations: Arc<dyn ConversationStore>,
    tasks: Arc<dyn TaskStore>,
    users: Arc<dyn UserStore>,
    scheduler: Arc<dyn Scheduler>,
}

impl MissedCallFollowUp {
    /// Over the contacts (the call and the owner are re-read), the tasks,
    /// the team (for a supervisor when nobody owns the conversation) and
    /// the scheduler (the task's due wake-up).
    pub fn new(
        conversations: Arc<dyn ConversationStore>,
        tasks: Arc<dyn TaskStore>,
        users: Arc<dyn UserStore>,
        scheduler: Arc<dyn Scheduler>,
    ) -> Self {
        MissedCallFollowUp { conversations, tasks, users, scheduler }
    }

    /// The task's id, derived from the call, so a redelivered event finds
    /// the task it made.
    fn task_id(call_id: &str) -> String {
        format!("call-{}", hex::encode(&Sha256::digest(call_id.as_bytes())[..12]))
    }

    /// Who calls back: the owner, else the first active manager or admin.
    async fn caller_back(&self, owner: Option<String>) -> Result<Option<String>, ReactionError> {
        if owner.is_some() {
            return Ok(owner);
        }
        let mut users = self.users.list_users().await?;
        users.sort_by_key(|u| (u.role != Role::Manager, u.email.clone()));
        Ok(users.into_iter().find(|u| u.active && u.role.supervises()).map(|u| u.email))
    }
}

#[async_trait]
impl Reaction for MissedCallFollowUp {
    fn name(&self) -> &'static str {
        "missed_call_follow_up"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        let (Some("call"), Some(reference)) = (event.received_type(), event.received_message()) else { return Ok(()) };
        let Some(message) = self.conversations.message_at(&reference).await? else { return Ok(()) };
        let contact_id = &reference.contact;
        let Some(MessageContent::Call { call_id, missed: true, .. }) = message.content else { return Ok(()) };
        let id = Self::task_id(&call_id);
        if self.tasks.task(&id).await?.is_some() {
            return Ok(());
        }
        let Some(contact) = self.conversations.contact(contact_id).await? else { return Ok(()) };
        let Some(owner) = self.caller_back(contact.conversation.owner.clone()).await? else {
            tracing::warn!(contact_id = %contact_id, "a missed call with nobody to call back: no owner, manager or admin");
            return Ok(());
        };
        let name = contact.shown_name().unwrap_or("the customer").to_owned();
        let due_at = Millis(event.at.0 + CALL_BACK_WITHIN_MINUTES * 60_000);
        let task = Task {
            id,
            title: format!("Call back {name} (missed WhatsApp call)"),
            due_at,
            owner,
            contact_id: Some(contact_id.clone()),
            deal_id: None,
            done: false,
            done_at: None,
            created_by: "system".to_owned(),
            created_at: event.at,
            cancel_on_reply: false,
            fired_at: None,
            cancelled_at: None,
            template: None,
        };
        self.scheduler.schedule(task.due_at, &ScheduledJob::TaskDue { task_id: task.id.clone(), due_at }).await?;
        self.tasks.create_task(&task).await?;
        tracing::info!(contact_id = %contact_id, task = %task.id, "missed call: follow-up created");
        Ok(())
    }
}
