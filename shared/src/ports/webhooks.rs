//! Webhook subscriptions and their delivery log.

use super::{Page, PageRequest, StoreError};
use crate::domain::{Attempt, AuditEntry, DeliveryState, Millis, WebhookDelivery, WebhookSecret, WebhookSubscription};

/// What recording a delivery found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryRecorded {
    /// A new delivery: queue it.
    New,
    /// Recorded before and still untried: queue it again (the earlier
    /// enqueue may have been lost); the delivery function drops repeats.
    Untried,
    /// Recorded before and already under way or settled: nothing to do.
    Known,
}

/// What claiming a delivery for an attempt found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryClaim {
    /// Ours for this attempt (its `tries` already counts it).
    Claimed(WebhookDelivery),
    /// Another attempt holds it right now: look again later.
    Busy,
    /// Settled or gone: the queue message is spent.
    Settled,
}

/// Subscriptions (few, read whole) and deliveries (per subscription, newest first).
#[async_trait::async_trait]
pub trait WebhookStore: Send + Sync {
    /// Stores a new subscription with its secret, audited in the same write.
    async fn create_webhook(
        &self,
        subscription: &WebhookSubscription,
        secret: &WebhookSecret,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
    /// Every subscription (one Query).
    async fn webhooks(&self) -> Result<Vec<WebhookSubscription>, StoreError>;
    /// One subscription and its secret.
    async fn webhook(&self, id: &str) -> Result<Option<(WebhookSubscription, WebhookSecret)>, StoreError>;
    /// Replaces name, URL, kinds and active flag; `false` when it is gone.
    async fn update_webhook(&self, subscription: &WebhookSubscription, audit: &AuditEntry) -> Result<bool, StoreError>;
    /// Replaces the secret; `false` when the subscription is gone.
    async fn rotate_webhook_secret(
        &self,
        id: &str,
        secret: &WebhookSecret,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;
    /// Deletes it (its log ages out); `false` when it was already gone.
    async fn delete_webhook(&self, id: &str, audit: &AuditEntry) -> Result<bool, StoreError>;
    /// Records a delivery unless one for the same subscription and event exists.
    async fn record_delivery(&self, delivery: &WebhookDelivery) -> Result<DeliveryRecorded, StoreError>;
    /// One delivery.
    async fn delivery(&self, subscription_id: &str, delivery_id: &str) -> Result<Option<WebhookDelivery>, StoreError>;
    /// A subscription's deliveries, newest first.
    async fn deliveries(&self, subscription_id: &str, page: &PageRequest) -> Result<Page<WebhookDelivery>, StoreError>;
    /// Takes a pending delivery for one attempt until `lease_until`, counting the try.
    async fn claim_delivery(
        &self,
        subscription_id: &str,
        delivery_id: &str,
        now: Millis,
        lease_until: Millis,
    ) -> Result<DeliveryClaim, StoreError>;
    /// Logs the claimed attempt and sets the state it led to, releasing the lease.
    async fn finish_attempt(
        &self,
        delivery: &WebhookDelivery,
        attempt: &Attempt,
        state: DeliveryState,
    ) -> Result<(), StoreError>;
    /// Puts a failed or dead delivery back to pending with a fresh retry
    /// budget, audited; `false` when it is not there or not redeliverable.
    async fn redeliver(&self, subscription_id: &str, delivery_id: &str, audit: &AuditEntry)
        -> Result<bool, StoreError>;
}
