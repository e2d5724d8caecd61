//! A rule's "call an outbound webhook" action, which the outbound webhooks
//! feature carries out (signing, retries, dead letter).

use crate::domain::Event;
use async_trait::async_trait;

/// Hands an event to one registered webhook subscription.
#[async_trait]
pub trait WebhookCalls: Send + Sync {
    /// Queues a delivery of `event` to the subscription `webhook`; an error
    /// (in words staff can act on) when there is no such subscription.
    async fn call(&self, webhook: &str, event: &Event) -> Result<(), String>;
}
