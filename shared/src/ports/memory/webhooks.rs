//! Webhook subscriptions and deliveries in memory, with the DynamoDB
//! store's conditions: a delivery is recorded once, claimed by one attempt
//! at a time, and only a failed or dead one is put back.

use super::audit_trail::AuditTrail;
use crate::domain::webhook_delivery::MAX_LOGGED_ATTEMPTS;
use crate::domain::{Attempt, AuditEntry, DeliveryState, Millis, WebhookDelivery, WebhookSecret, WebhookSubscription};
use crate::ports::{DeliveryClaim, DeliveryRecorded, Page, PageRequest, StoreError, WebhookStore};
use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

#[derive(Default)]
struct State {
    subscriptions: BTreeMap<String, (WebhookSubscription, WebhookSecret)>,
    /// By (subscription, delivery id), with the claim's lease.
    deliveries: BTreeMap<(String, String), (WebhookDelivery, Option<Millis>)>,
    audit: AuditTrail,
}

/// The in-memory [`WebhookStore`].
#[derive(Default)]
pub struct MemoryWebhooks(Mutex<State>);

impl MemoryWebhooks {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The audit lines written so far.
    pub fn audit(&self) -> Vec<AuditEntry> {
        self.state().audit.lines()
    }
}

#[async_trait::async_trait]
impl WebhookStore for MemoryWebhooks {
    async fn create_webhook(
        &self,
        subscription: &WebhookSubscription,
        secret: &WebhookSecret,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        state.subscriptions.insert(subscription.id.clone(), (subscription.clone(), secret.clone()));
        state.audit.push(audit.clone());
        Ok(())
    }

    async fn webhooks(&self) -> Result<Vec<WebhookSubscription>, StoreError> {
        Ok(self.state().subscriptions.values().map(|(s, _)| s.clone()).collect())
    }

    async fn webhook(&self, id: &str) -> Result<Option<(WebhookSubscription, WebhookSecret)>, StoreError> {
        Ok(self.state().subscriptions.get(id).cloned())
    }

    async fn update_webhook(&self, subscription: &WebhookSubscription, audit: &AuditEntry) -> Result<bool, StoreError> {
        let mut state = self.state();
        let Some(entry) = state.subscriptions.get_mut(&subscription.id) else { return Ok(false) };
        entry.0 = subscription.clone();
        state.audit.push(audit.clone());
        Ok(true)
    }

    async fn rotate_webhook_secret(
        &self,
        id: &str,
        secret: &WebhookSecret,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut state = self.state();
        let Some(entry) = state.subscriptions.get_mut(id) else { return Ok(false) };
        entry.1 = secret.clone();
        state.audit.push(audit.clone());
        Ok(true)
    }

    async fn delete_webhook(&self, id: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        let mut state = self.state();
        let removed = state.subscriptions.remove(id).is_some();
        if removed {
            state.audit.push(audit.clone());
        }
        Ok(removed)
    }

    async fn record_delivery(&self, delivery: &WebhookDelivery) -> Result<DeliveryRecorded, StoreError> {
        let mut state = self.state();
        let key = (delivery.subscription_id.clone(), delivery.id.clone());
        if let Some((known, _)) = state.deliveries.get(&key) {
            let untried = known.tries == 0 && known.state == DeliveryState::Pending;
            return Ok(if untried { DeliveryRecorded::Untried } else { DeliveryRecorded::Known });
        }
        state.deliveries.insert(key, (delivery.clone(), None));
        Ok(DeliveryRecorded::New)
    }

    async fn delivery(&self, subscription_id: &str, delivery_id: &str) -> Result<Option<WebhookDelivery>, StoreError> {
        let key = (subscription_id.to_owned(), delivery_id.to_owned());
        Ok(self.state().deliveries.get(&key).map(|(d, _)| d.clone()))
    }

    async fn deliveries(&self, subscription_id: &str, page: &PageRequest) -> Result<Page<WebhookDelivery>, StoreError> {
        let limit = page.limit.unwrap_or(25).clamp(1, 100) as usize;
        let newest_first: Vec<WebhookDelivery> = self
            .state()
            .deliveries
            .iter()
            .rev()
            .filter(|((sub, id), _)| sub == subscription_id && page.cursor.as_ref().is_none_or(|c| id < c))
            .map(|(_, (d, _))| d.clone())
            .collect();
        let next_cursor = (newest_first.len() > limit).then(|| newest_first[limit - 1].id.clone());
        Ok(Page { items: newest_first.into_iter().take(limit).collect(), next_cursor })
    }

    async fn claim_delivery(
        &self,
        subscription_id: &str,
        delivery_id: &str,
        now: Millis,
        lease_until: Millis,
    ) -> Result<DeliveryClaim, StoreError> {
        let mut state = self.state();
        let Some((delivery, lease)) = state.deliveries.get_mut(&(subscription_id.to_owned(), delivery_id.to_owned()))
        else {
            return Ok(DeliveryClaim::Settled);
        };
        if delivery.state != DeliveryState::Pending {
            return Ok(DeliveryClaim::Settled);
        }
        if lease.is_some_and(|until| until >= now) {
            return Ok(DeliveryClaim::Busy);
        }
        delivery.tries += 1;
        *lease = Some(lease_until);
        Ok(DeliveryClaim::Claimed(delivery.clone()))
    }

    async fn finish_attempt(
        &self,
        delivery: &WebhookDelivery,
        attempt: &Attempt,
        state: DeliveryState,
    ) -> Result<(), StoreError> {
        let mut store = self.state();
        let key = (delivery.subscription_id.clone(), delivery.id.clone());
        let Some((stored, lease)) = store.deliveries.get_mut(&key) else { return Ok(()) };
        if stored.tries != delivery.tries {
            return Ok(());
        }
        stored.attempts.push(attempt.clone());
        let excess = stored.attempts.len().saturating_sub(MAX_LOGGED_ATTEMPTS);
        stored.attempts.drain(..excess);
        stored.state = state;
        *lease = None;
        Ok(())
    }

    async fn redeliver(
        &self,
        subscription_id: &str,
        delivery_id: &str,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut state = self.state();
        let key = (subscription_id.to_owned(), delivery_id.to_owned());
        let Some((delivery, lease)) = state.deliveries.get_mut(&key) else { return Ok(false) };
        if !delivery.state.can_redeliver() {
            return Ok(false);
        }
        delivery.state = DeliveryState::Pending;
        delivery.tries = 0;
        *lease = None;
        state.audit.push(audit.clone());
        Ok(true)
    }
}
