//! Notifies staff of conversation changes: a customer message in a
//! conversation someone owns, and being assigned a conversation.

use super::reactions::{Reaction, ReactionError};
use crate::domain::notification::{Notification, NotificationKind};
use crate::domain::{Event, EventKind};
use crate::ports::{ConversationStore, Notifications};
use async_trait::async_trait;
use std::sync::Arc;

/// The reaction on `message.received` and `conversation.assigned`.
pub struct StaffNotifier {
    conversations: Arc<dyn ConversationStore>,
    notifications: Arc<dyn Notifications>,
}

impl StaffNotifier {
    /// Over the contacts (the owner is re-read) and the notification store.
    pub fn new(conversations: Arc<dyn ConversationStore>, notifications: Arc<dyn Notifications>) -> Self {
        StaffNotifier { conversations, notifications }
    }
}

#[async_trait]
impl Reaction for StaffNotifier {
    fn name(&self) -> &'static str {
        "staff_notifier"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        let kind = match event.kind {
            EventKind::MessageReceived => NotificationKind::NewMessage,
            EventKind::ConversationAssigned => NotificationKind::Assigned,
            _ => return Ok(()),
        };
        let Some(contact_id) = &event.contact_id else { return Ok(()) };
        let Some(contact) = self.conversations.contact(contact_id).await? else { return Ok(()) };
        let Some(owner) = contact.conversation.owner.clone() else { return Ok(()) };
        // Assigning oneself needs no notification.
        if kind == NotificationKind::Assigned && event.actor.as_deref() == Some(owner.as_str()) {
            return Ok(());
        }
        let notification = Notification {
            id: format!("{}-{}", event.id, owner),
            recipient: owner,
            kind,
            at: event.at,
            contact_id: Some(contact_id.clone()),
            task_id: None,
            deal_id: None,
            title: contact.shown_name().unwrap_or("A customer").to_owned(),
            read: false,
        };
        self.notifications.notify(&notification).await?;
        Ok(())
    }
}
