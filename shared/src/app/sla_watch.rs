//! Arms the SLA check: when a customer message leaves the conversation
//! waiting on us, a wake-up is set for when the SLA runs out. An answer
//! meanwhile makes the wake-up stale (the check re-reads the conversation).

use super::due_work::SlaPolicy;
use super::reactions::{Reaction, ReactionError};
use crate::domain::conversation::ConversationStatus;
use crate::domain::scheduled_job::ScheduledJob;
use crate::domain::{Event, EventKind, Millis};
use crate::ports::{ConversationStore, Scheduler};
use async_trait::async_trait;
use std::sync::Arc;

/// The reaction on `message.received`.
pub struct SlaWatch {
    conversations: Arc<dyn ConversationStore>,
    scheduler: Arc<dyn Scheduler>,
    sla: SlaPolicy,
}

impl SlaWatch {
    /// Over the contacts (re-read) and the scheduler.
    pub fn new(conversations: Arc<dyn ConversationStore>, scheduler: Arc<dyn Scheduler>, sla: SlaPolicy) -> Self {
        SlaWatch { conversations, scheduler, sla }
    }
}

#[async_trait]
impl Reaction for SlaWatch {
    fn name(&self) -> &'static str {
        "sla_watch"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        let (EventKind::MessageReceived, Some(contact_id)) = (event.kind, &event.contact_id) else { return Ok(()) };
        let Some(contact) = self.conversations.contact(contact_id).await? else { return Ok(()) };
        let conversation = &contact.conversation;
        let (Some(ConversationStatus::WaitingOnUs), Some(since)) = (conversation.status, conversation.awaiting_since)
        else {
            return Ok(());
        };
        let job = ScheduledJob::SlaCheck { contact_id: contact_id.clone(), waiting_since: since };
        self.scheduler.schedule(Millis(since.0 + self.sla.minutes * 60_000), &job).await?;
        Ok(())
    }
}
