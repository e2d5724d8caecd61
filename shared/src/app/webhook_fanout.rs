//! The reaction that turns each published event into one delivery per
//! subscription that wants it.

use super::reactions::{Reaction, ReactionError};
use super::webhooks::delivery_for;
use crate::domain::Event;
use crate::ports::{DeliveryRecorded, StoreError, WebhookCalls, WebhookQueue, WebhookStore};
use std::sync::Arc;

/// Records and queues a delivery for every active subscription wanting the
/// event's kind. Idempotent on (subscription, event id): a republished
/// event finds its deliveries recorded and queues only those never tried.
/// Costs one Query per event, plus a conditional put and an SQS send per
/// matching subscription.
pub struct WebhookFanout {
    store: Arc<dyn WebhookStore>,
    queue: Arc<dyn WebhookQueue>,
}

impl WebhookFanout {
    /// Over the subscriptions and the delivery queue.
    pub fn new(store: Arc<dyn WebhookStore>, queue: Arc<dyn WebhookQueue>) -> Self {
        WebhookFanout { store, queue }
    }
}

#[async_trait::async_trait]
impl Reaction for WebhookFanout {
    fn name(&self) -> &'static str {
        "webhooks"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        for subscription in self.store.webhooks().await?.iter().filter(|s| s.wants(event.kind)) {
            let delivery = delivery_for(subscription, event);
            if self.store.record_delivery(&delivery).await? == DeliveryRecorded::Known {
                continue;
            }
            self.queue.enqueue_delivery(&subscription.id, &delivery.id).await.map_err(|e| {
                // The delivery is recorded untried: the event's retry queues it.
                ReactionError::Store(StoreError::Unavailable(e.to_string()))
            })?;
            tracing::info!(webhook_id = %subscription.id, delivery_id = %delivery.id, kind = event.kind.as_str(), "webhook delivery queued");
        }
        Ok(())
    }
}

/// A rule's "call a webhook" action: one delivery of the triggering event to
/// the named subscription, whatever kinds it subscribed to. The delivery id
/// is the fan-out's, so a subscription that also wants the kind still gets
/// the event once.
#[async_trait::async_trait]
impl WebhookCalls for WebhookFanout {
    async fn call(&self, webhook: &str, event: &Event) -> Result<(), String> {
        let found = self.store.webhook(webhook).await.map_err(|_| "the webhooks could not be read".to_owned())?;
        let Some((subscription, _)) = found else { return Err("that webhook no longer exists".into()) };
        if !subscription.active {
            return Err("that webhook is paused".into());
        }
        let delivery = delivery_for(&subscription, event);
        let recorded =
            self.store.record_delivery(&delivery).await.map_err(|_| "the delivery could not be recorded".to_owned())?;
        if recorded == DeliveryRecorded::Known {
            return Ok(());
        }
        self.queue
            .enqueue_delivery(&subscription.id, &delivery.id)
            .await
            .map_err(|_| "the delivery could not be queued".to_owned())?;
        tracing::info!(webhook_id = %subscription.id, delivery_id = %delivery.id, "webhook delivery queued by a rule");
        Ok(())
    }
}
