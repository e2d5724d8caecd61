//! The queue the webhook delivery function consumes.

use super::QueueError;

/// Hands a recorded delivery to the delivery function.
#[async_trait::async_trait]
pub trait WebhookQueue: Send + Sync {
    /// Queues one delivery for its first attempt (or again, after a redeliver).
    async fn enqueue_delivery(&self, subscription_id: &str, delivery_id: &str) -> Result<(), QueueError>;
}
