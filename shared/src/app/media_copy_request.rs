//! The reaction that queues a copy of each customer file as soon as its
//! message is stored: the webhook's write stays one round trip, and the
//! copy starts from the `message.received` event written with it.

use super::reactions::{Reaction, ReactionError};
use crate::domain::media_copy::MEDIA_TYPES;
use crate::domain::{Event, EventKind, MessageRef};
use crate::ports::{MediaQueue, StoreError};
use std::sync::Arc;

/// Queues one copy per media message. A redelivered event queues it again;
/// the copy itself does nothing for a message already settled.
pub struct MediaCopyRequest {
    queue: Arc<dyn MediaQueue>,
}

impl MediaCopyRequest {
    /// Over the media queue.
    pub fn new(queue: Arc<dyn MediaQueue>) -> Self {
        MediaCopyRequest { queue }
    }
}

#[async_trait::async_trait]
impl Reaction for MediaCopyRequest {
    fn name(&self) -> &'static str {
        "media_copy"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        if event.kind != EventKind::MessageReceived {
            return Ok(());
        }
        let is_media = event.data["message_type"].as_str().is_some_and(|t| MEDIA_TYPES.contains(&t));
        let (Some(contact), Some(wamid)) = (&event.contact_id, event.data["wamid"].as_str()) else {
            return Ok(());
        };
        if !is_media {
            return Ok(());
        }
        // The event carries the message's own time, so this is its reference.
        let message = MessageRef::new(contact.clone(), event.at, wamid);
        self.queue
            .enqueue_media(&message)
            .await
            .map_err(|e| ReactionError::Store(StoreError::Unavailable(e.to_string())))?;
        tracing::info!(event_id = %event.id, "media copy queued");
        Ok(())
    }
}
