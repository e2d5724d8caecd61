//! Outbound webhook subscriptions, as administrators manage them: register,
//! edit, pause, delete, rotate the secret, read the delivery log, redeliver
//! and send a test event.

use crate::domain::webhook_subscription::{check_name, check_url, parse_kinds, WebhookFieldError};
use crate::domain::{AuditEntry, Event, Millis, Role, Session, WebhookDelivery, WebhookSecret, WebhookSubscription};
use crate::ports::{Clock, DeliveryRecorded, Page, PageRequest, StoreError, WebhookQueue, WebhookStore};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Why a webhook request was refused.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// Only administrators manage webhooks.
    #[error("only an administrator can manage webhooks")]
    Forbidden,
    /// A field is unusable.
    #[error(transparent)]
    Invalid(#[from] WebhookFieldError),
    /// No such subscription or delivery.
    #[error("no such webhook or delivery")]
    NotFound,
    /// Only failed and dead deliveries are sent again.
    #[error("only a failed or dead delivery can be redelivered")]
    NotRedeliverable,
    /// The delivery queue was unavailable; the delivery is recorded and can be redelivered.
    #[error("the delivery queue is unavailable; retry later")]
    Queue,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A new subscription as the admin describes it.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    /// Its name.
    pub name: String,
    /// Where to post.
    pub url: String,
    /// Public event kind names.
    pub kinds: Vec<String>,
    /// Whether it starts receiving at once.
    pub active: bool,
}

/// A change to a subscription; `None` keeps the field.
#[derive(Debug, Clone, Default)]
pub struct WebhookPatch {
    /// New name.
    pub name: Option<String>,
    /// New URL.
    pub url: Option<String>,
    /// New kinds.
    pub kinds: Option<Vec<String>>,
    /// Pause or resume.
    pub active: Option<bool>,
}

/// A subscription just created or re-keyed, with the secret shown this once.
#[derive(Debug, Clone)]
pub struct WithSecret {
    /// The subscription.
    pub subscription: WebhookSubscription,
    /// Its signing secret.
    pub secret: WebhookSecret,
}

/// The use case.
pub struct Webhooks {
    store: Arc<dyn WebhookStore>,
    queue: Arc<dyn WebhookQueue>,
    clock: Arc<dyn Clock>,
}

impl Webhooks {
    /// Over the store, the delivery queue and the clock.
    pub fn new(store: Arc<dyn WebhookStore>, queue: Arc<dyn WebhookQueue>, clock: Arc<dyn Clock>) -> Self {
        Webhooks { store, queue, clock }
    }

    /// Every subscription.
    pub async fn list(&self, session: &Session) -> Result<Vec<WebhookSubscription>, WebhookError> {
        admin(session)?;
        Ok(self.store.webhooks().await?)
    }

    /// Registers a receiver; the secret is returned this once.
    pub async fn create(&self, session: &Session, new: NewWebhook) -> Result<WithSecret, WebhookError> {
        admin(session)?;
        let now = self.clock.now();
        let subscription = WebhookSubscription {
            id: random_hex(10),
            name: check_name(&new.name)?,
            url: check_url(&new.url)?,
            kinds: parse_kinds(&new.kinds)?,
            active: new.active,
            created_at: now,
        };
        let secret = new_secret();
        let audit = self.audit(session, now, "webhook_create", &subscription);
        self.store.create_webhook(&subscription, &secret, &audit).await?;
        tracing::info!(webhook_id = %subscription.id, "webhook registered");
        Ok(WithSecret { subscription, secret })
    }

    /// Edits, pauses or resumes a subscription.
    pub async fn update(
        &self,
        session: &Session,
        id: &str,
        patch: WebhookPatch,
    ) -> Result<WebhookSubscription, WebhookError> {
        admin(session)?;
        let (mut subscription, _) = self.store.webhook(id).await?.ok_or(WebhookError::NotFound)?;
        if let Some(name) = &patch.name {
            subscription.name = check_name(name)?;
        }
        if let Some(url) = &patch.url {
            subscription.url = check_url(url)?;
        }
        if let Some(kinds) = &patch.kinds {
            subscription.kinds = parse_kinds(kinds)?;
        }
        if let Some(active) = patch.active {
            subscription.active = active;
        }
        let audit = self.audit(session, self.clock.now(), "webhook_update", &subscription);
        if !self.store.update_webhook(&subscription, &audit).await? {
            return Err(WebhookError::NotFound);
        }
        Ok(subscription)
    }

    /// Deletes a subscription; nothing more is posted to it.
    pub async fn delete(&self, session: &Session, id: &str) -> Result<(), WebhookError> {
        admin(session)?;
        let audit = AuditEntry {
            at: self.clock.now(),
            actor: session.email.clone(),
            action: "webhook_delete".to_owned(),
            contact: None,
            detail: serde_json::json!({ "webhook": id }).to_string(),
        };
        match self.store.delete_webhook(id, &audit).await? {
            true => Ok(()),
            false => Err(WebhookError::NotFound),
        }
    }

    /// A new secret, shown this once; the old one stops signing at once.
    pub async fn rotate_secret(&self, session: &Session, id: &str) -> Result<WithSecret, WebhookError> {
        admin(session)?;
        let (subscription, _) = self.store.webhook(id).await?.ok_or(WebhookError::NotFound)?;
        let secret = new_secret();
        let audit = self.audit(session, self.clock.now(), "webhook_rotate_secret", &subscription);
        if !self.store.rotate_webhook_secret(id, &secret, &audit).await? {
            return Err(WebhookError::NotFound);
        }
        Ok(WithSecret { subscription, secret })
    }

    /// The delivery log, newest first.
    pub async fn deliveries(
        &self,
        session: &Session,
        id: &str,
        page: &PageRequest,
    ) -> Result<Page<WebhookDelivery>, WebhookError> {
        admin(session)?;
        self.store.webhook(id).await?.ok_or(WebhookError::NotFound)?;
        Ok(self.store.deliveries(id, page).await?)
    }

    /// Sends a failed or dead delivery again, with a fresh retry budget.
    pub async fn redeliver(
        &self,
        session: &Session,
        id: &str,
        delivery_id: &str,
    ) -> Result<WebhookDelivery, WebhookError> {
        admin(session)?;
        let audit = AuditEntry {
            at: self.clock.now(),
            actor: session.email.clone(),
            action: "webhook_redeliver".to_owned(),
            contact: None,
            detail: serde_json::json!({ "webhook": id, "delivery": delivery_id }).to_string(),
        };
        let redelivered = self.store.redeliver(id, delivery_id, &audit).await?;
        let delivery = self.store.delivery(id, delivery_id).await?.ok_or(WebhookError::NotFound)?;
        if !redelivered {
            return Err(WebhookError::NotRedeliverable);
        }
        self.enqueue(&delivery).await?;
        Ok(delivery)
    }

    /// Queues a test event (of the subscription's first kind, with
    /// `data.test = true`) to the receiver, paused or not.
    pub async fn send_test(&self, session: &Session, id: &str) -> Result<WebhookDelivery, WebhookError> {
        admin(session)?;
        let (subscription, _) = self.store.webhook(id).await?.ok_or(WebhookError::NotFound)?;
        let kind = subscription.kinds.first().copied().ok_or(WebhookError::NotFound)?;
        let now = self.clock.now();
        let event = Event::new(
            kind,
            format!("test-{}", random_hex(8)),
            now,
            serde_json::json!({ "test": true, "message": "A test event from Parley" }),
        )
        .by(&session.email);
        let delivery = delivery_for(&subscription, &event);
        if self.store.record_delivery(&delivery).await? != DeliveryRecorded::Known {
            self.enqueue(&delivery).await?;
        }
        Ok(delivery)
    }

    async fn enqueue(&self, delivery: &WebhookDelivery) -> Result<(), WebhookError> {
        self.queue.enqueue_delivery(&delivery.subscription_id, &delivery.id).await.map_err(|e| {
            tracing::error!(error = %e, delivery_id = %delivery.id, "webhook delivery not queued");
            WebhookError::Queue
        })
    }

    fn audit(&self, session: &Session, at: Millis, action: &str, subscription: &WebhookSubscription) -> AuditEntry {
        let kinds: Vec<&str> = subscription.kinds.iter().map(|k| k.as_str()).collect();
        AuditEntry {
            at,
            actor: session.email.clone(),
            action: action.to_owned(),
            contact: None,
            detail: serde_json::json!({
                "webhook": subscription.id,
                "name": subscription.name,
                "url": subscription.url,
                "kinds": kinds,
                "active": subscription.active,
            })
            .to_string(),
        }
    }
}

/// The pending delivery of `event` to `subscription`. Its id is derived from
/// both (the event's time first, so the log sorts newest first), so a
/// republished event maps onto the same delivery.
pub fn delivery_for(subscription: &WebhookSubscription, event: &Event) -> WebhookDelivery {
    let digest = Sha256::digest(format!("{}\n{}", subscription.id, event.id).as_bytes());
    WebhookDelivery {
        id: format!("{:013}-{}", event.at.0.max(0), &hex::encode(digest)[..16]),
        subscription_id: subscription.id.clone(),
        event_id: event.id.clone(),
        kind: event.kind,
        // An `Event` always serializes (string keys, JSON data).
        body: serde_json::to_string(event).unwrap_or_default(),
        state: crate::domain::DeliveryState::Pending,
        tries: 0,
        attempts: Vec::new(),
        created_at: event.at,
    }
}

fn admin(session: &Session) -> Result<(), WebhookError> {
    match session.role {
        Role::Admin => Ok(()),
        _ => Err(WebhookError::Forbidden),
    }
}

fn new_secret() -> WebhookSecret {
    WebhookSecret::new(format!("whsec_{}", random_hex(24)))
}

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buffer);
    hex::encode(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EventKind;

    fn subscription(id: &str) -> WebhookSubscription {
        WebhookSubscription {
            id: id.to_owned(),
            name: "CRM".to_owned(),
            url: "https://crm.example".to_owned(),
            kinds: vec![EventKind::DealCreated],
            active: true,
            created_at: Millis(0),
        }
    }

    #[test]
    fn a_delivery_id_is_the_same_for_a_republished_event_and_sorts_by_event_time() {
        let event = Event::new(EventKind::DealCreated, "deal-1-created", Millis(1_700_000_000_000), json_data());
        let first = delivery_for(&subscription("w1"), &event);
        assert_eq!(first, delivery_for(&subscription("w1"), &event.clone()));
        assert_ne!(first.id, delivery_for(&subscription("w2"), &event).id);
        let later = Event::new(EventKind::DealCreated, "deal-0-created", Millis(1_700_000_000_001), json_data());
        assert!(delivery_for(&subscription("w1"), &later).id > first.id);
        let body: serde_json::Value = serde_json::from_str(&first.body).unwrap_or_default();
        assert_eq!((body["id"].as_str(), body["type"].as_str()), (Some("deal-1-created"), Some("deal.created")));
    }

    fn json_data() -> serde_json::Value {
        serde_json::json!({ "deal_id": "d1" })
    }
}
