//! The queue of media copies waiting for the media function.

use super::QueueError;
use crate::domain::MessageRef;
use async_trait::async_trait;

/// The media copy queue.
#[async_trait]
pub trait MediaQueue: Send + Sync {
    /// Asks the media function to copy the file of `message`.
    async fn enqueue_media(&self, message: &MessageRef) -> Result<(), QueueError>;
}
