//! The queue between the API and the sender.

use crate::domain::MessageRef;
use async_trait::async_trait;

/// A queue failure.
#[derive(Debug, thiserror::Error)]
#[error("queue unavailable: {0}")]
pub struct QueueError(pub String);

/// The outbound queue.
#[async_trait]
pub trait OutboundQueue: Send + Sync {
    /// Asks the sender to send this message.
    async fn enqueue(&self, message: &MessageRef) -> Result<(), QueueError>;
}
