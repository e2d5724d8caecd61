//! "Unless the customer replies": a customer message cancels that
//! contact's open follow-ups set before it, and removes their wake-ups.

use super::due_work::cancel_follow_up;
use super::reactions::{Reaction, ReactionError};
use crate::domain::{Event, EventKind};
use crate::ports::{PageRequest, Scheduler, TaskLedger};
use async_trait::async_trait;
use std::sync::Arc;

/// The reaction on `message.received`.
pub struct FollowUpCancellation {
    ledger: Arc<dyn TaskLedger>,
    scheduler: Arc<dyn Scheduler>,
}

impl FollowUpCancellation {
    /// Over the task ledger (the contact's tasks and the conditional edit)
    /// and the scheduler (the wake-up to remove).
    pub fn new(ledger: Arc<dyn TaskLedger>, scheduler: Arc<dyn Scheduler>) -> Self {
        FollowUpCancellation { ledger, scheduler }
    }
}

#[async_trait]
impl Reaction for FollowUpCancellation {
    fn name(&self) -> &'static str {
        "follow_up_cancellation"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        let (EventKind::MessageReceived, Some(contact)) = (event.kind, &event.contact_id) else { return Ok(()) };
        let mut page = PageRequest { limit: Some(100), cursor: None };
        loop {
            let tasks = self.ledger.contact_tasks(contact, &page).await?;
            for task in &tasks.items {
                // A reply before the follow-up was set is what it follows up on.
                if task.cancel_on_reply && !task.done && task.fired_at.is_none() && task.created_at < event.at {
                    cancel_follow_up(&*self.ledger, &*self.scheduler, task, event.at).await?;
                }
            }
            match tasks.next_cursor {
                Some(cursor) => page.cursor = Some(cursor),
                None => return Ok(()),
            }
        }
    }
}
