//! A new conversation on a number with a default owner goes to them. This
//! runs on `message.received`, off the webhook's path, so storing a
//! message stays one round trip; under round robin the webhook routes
//! (default owners first) and this finds the conversation owned already.

use super::inbox::Inbox;
use super::reactions::{Reaction, ReactionError};
use crate::domain::{Event, EventKind};
use async_trait::async_trait;
use std::sync::Arc;

/// The reaction.
pub struct NumberOwnerRouting {
    inbox: Arc<Inbox>,
}

impl NumberOwnerRouting {
    /// Over an inbox that knows the numbers' default owners.
    pub fn new(inbox: Arc<Inbox>) -> Self {
        NumberOwnerRouting { inbox }
    }
}

#[async_trait]
impl Reaction for NumberOwnerRouting {
    fn name(&self) -> &'static str {
        "number_owner_routing"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        let (EventKind::MessageReceived, Some(contact_id)) = (event.kind, &event.contact_id) else { return Ok(()) };
        if let Some(owner) = self.inbox.route(contact_id).await? {
            tracing::info!(contact_id = %contact_id, owner = %owner, "conversation routed to its number's owner");
        }
        Ok(())
    }
}
