//! Webhook subscriptions (under one small partition, read whole by the
//! fan-out) and each subscription's delivery log (newest first).

use super::item::{get_n, get_s, key, n, req_s, s, Item};
use super::keys;
use super::paging::PageSize;
use super::{is_condition_failure, unavailable, DynamoStore};
use crate::domain::webhook_delivery::MAX_LOGGED_ATTEMPTS;
use crate::domain::{
    Attempt, AuditEntry, DeliveryState, EventKind, Millis, WebhookDelivery, WebhookSecret, WebhookSubscription,
};
use crate::ports::{DeliveryClaim, DeliveryRecorded, Page, PageRequest, StoreError, WebhookStore};
use aws_sdk_dynamodb::types::{AttributeValue, Delete, ReturnValue, TransactWriteItem, Update};

/// How long the delivery log keeps an entry (garbage after that).
const LOG_DAYS: i64 = 30;
const DELIVERY_PAGE: PageSize = PageSize { default: 25, max: 100 };

fn subscription_from(item: &Item) -> Result<WebhookSubscription, StoreError> {
    let kinds = req_s(item, "kinds")?
        .split(',')
        .map(|name| EventKind::parse(name).ok_or_else(|| StoreError::Corrupt(format!("event kind {name:?}"))))
        .collect::<Result<_, _>>()?;
    Ok(WebhookSubscription {
        id: req_s(item, "webhook_id")?,
        name: req_s(item, "name")?,
        url: req_s(item, "url")?,
        kinds,
        active: matches!(item.get("active"), Some(AttributeValue::Bool(true))),
        created_at: Millis(get_n(item, "created_ms").unwrap_or(0)),
    })
}

fn kinds_text(subscription: &WebhookSubscription) -> String {
    subscription.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",")
}

fn delivery_from(item: &Item) -> Result<WebhookDelivery, StoreError> {
    let state = req_s(item, "state")?;
    let kind = req_s(item, "kind")?;
    let attempts: Vec<Attempt> = serde_json::from_str(&get_s(item, "attempts").unwrap_or_else(|| "[]".to_owned()))
        .map_err(|e| StoreError::Corrupt(format!("delivery attempts: {e}")))?;
    Ok(WebhookDelivery {
        id: req_s(item, keys::SK)?,
        subscription_id: req_s(item, "webhook_id")?,
        event_id: req_s(item, "event_id")?,
        kind: EventKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("event kind {kind:?}")))?,
        body: req_s(item, "body")?,
        state: DeliveryState::parse(&state).ok_or_else(|| StoreError::Corrupt(format!("delivery state {state:?}")))?,
        tries: get_n(item, "tries").unwrap_or(0).max(0) as u32,
        attempts,
        created_at: Millis(get_n(item, "created_ms").unwrap_or(0)),
    })
}

impl DynamoStore {
    fn delivery_key(subscription_id: &str, delivery_id: &str) -> Item {
        key(keys::webhook_deliveries_pk(subscription_id), delivery_id)
    }

    async fn get_delivery(&self, subscription_id: &str, delivery_id: &str) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(Self::delivery_key(subscription_id, delivery_id)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.item)
    }
}

#[async_trait::async_trait]
impl WebhookStore for DynamoStore {
    async fn create_webhook(
        &self,
        subscription: &WebhookSubscription,
        secret: &WebhookSecret,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut item = key(keys::WEBHOOKS, keys::webhook_sk(&subscription.id));
        item.extend([
            ("webhook_id".to_owned(), s(&subscription.id)),
            ("name".to_owned(), s(&subscription.name)),
            ("url".to_owned(), s(&subscription.url)),
            ("kinds".to_owned(), s(kinds_text(subscription))),
            ("active".to_owned(), AttributeValue::Bool(subscription.active)),
            ("created_ms".to_owned(), n(subscription.created_at.0)),
            ("secret".to_owned(), s(secret.expose())),
        ]);
        match self.put_new_audited(item, audit).await? {
            true => Ok(()),
            // A random 80-bit id repeating is storage misbehaving, not the caller.
            false => Err(StoreError::Unavailable("webhook id collision".to_owned())),
        }
    }

    async fn webhooks(&self) -> Result<Vec<WebhookSubscription>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(keys::WEBHOOKS))
            .projection_expression("webhook_id, #name, #url, kinds, active, created_ms")
            .expression_attribute_names("#name", "name")
            .expression_attribute_names("#url", "url");
        self.query_all(query).await?.iter().map(subscription_from).collect()
    }

    async fn webhook(&self, id: &str) -> Result<Option<(WebhookSubscription, WebhookSecret)>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::WEBHOOKS, keys::webhook_sk(id))))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        let Some(item) = out.item else { return Ok(None) };
        Ok(Some((subscription_from(&item)?, WebhookSecret::new(req_s(&item, "secret")?))))
    }

    async fn update_webhook(&self, subscription: &WebhookSubscription, audit: &AuditEntry) -> Result<bool, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::WEBHOOKS, keys::webhook_sk(&subscription.id))))
            .update_expression("SET #name = :name, #url = :url, kinds = :kinds, active = :active")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#name", "name")
            .expression_attribute_names("#url", "url")
            .expression_attribute_values(":name", s(&subscription.name))
            .expression_attribute_values(":url", s(&subscription.url))
            .expression_attribute_values(":kinds", s(kinds_text(subscription)))
            .expression_attribute_values(":active", AttributeValue::Bool(subscription.active))
            .build()
            .map_err(unavailable)?;
        self.audited(TransactWriteItem::builder().update(update).build(), audit).await
    }

    async fn rotate_webhook_secret(
        &self,
        id: &str,
        secret: &WebhookSecret,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::WEBHOOKS, keys::webhook_sk(id))))
            .update_expression("SET secret = :secret")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":secret", s(secret.expose()))
            .build()
            .map_err(unavailable)?;
        self.audited(TransactWriteItem::builder().update(update).build(), audit).await
    }

    async fn delete_webhook(&self, id: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::WEBHOOKS, keys::webhook_sk(id))))
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(unavailable)?;
        self.audited(TransactWriteItem::builder().delete(delete).build(), audit).await
    }

    async fn record_delivery(&self, delivery: &WebhookDelivery) -> Result<DeliveryRecorded, StoreError> {
        let mut item = Self::delivery_key(&delivery.subscription_id, &delivery.id);
        item.extend([
            ("webhook_id".to_owned(), s(&delivery.subscription_id)),
            ("event_id".to_owned(), s(&delivery.event_id)),
            ("kind".to_owned(), s(delivery.kind.as_str())),
            ("body".to_owned(), s(&delivery.body)),
            ("state".to_owned(), s(delivery.state.as_str())),
            ("tries".to_owned(), n(i64::from(delivery.tries))),
            ("attempts".to_owned(), s("[]")),
            ("created_ms".to_owned(), n(delivery.created_at.0)),
            (keys::TTL.to_owned(), n(delivery.created_at.0 / 1000 + LOG_DAYS * 86_400)),
        ]);
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match put {
            Ok(_) => Ok(DeliveryRecorded::New),
            Err(e) if e.as_service_error().is_some_and(is_condition_failure) => {
                let known = self.get_delivery(&delivery.subscription_id, &delivery.id).await?;
                let untried = known.as_ref().is_some_and(|item| {
                    get_n(item, "tries") == Some(0) && get_s(item, "state").as_deref() == Some("pending")
                });
                Ok(if untried { DeliveryRecorded::Untried } else { DeliveryRecorded::Known })
            }
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn delivery(&self, subscription_id: &str, delivery_id: &str) -> Result<Option<WebhookDelivery>, StoreError> {
        self.get_delivery(subscription_id, delivery_id).await?.as_ref().map(delivery_from).transpose()
    }

    async fn deliveries(&self, subscription_id: &str, page: &PageRequest) -> Result<Page<WebhookDelivery>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(keys::webhook_deliveries_pk(subscription_id)))
            .scan_index_forward(false);
        self.query_page(query, page, DELIVERY_PAGE, &[keys::PK, keys::SK], delivery_from).await
    }

    async fn claim_delivery(
        &self,
        subscription_id: &str,
        delivery_id: &str,
        now: Millis,
        lease_until: Millis,
    ) -> Result<DeliveryClaim, StoreError> {
        let claimed = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::delivery_key(subscription_id, delivery_id)))
            .update_expression("SET tries = tries + :one, lease_ms = :until")
            .condition_expression(
                "attribute_exists(pk) AND #state = :pending AND (attribute_not_exists(lease_ms) OR lease_ms < :now)",
            )
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":until", n(lease_until.0))
            .expression_attribute_values(":now", n(now.0))
            .expression_attribute_values(":pending", s(DeliveryState::Pending.as_str()))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match claimed {
            Ok(out) => match out.attributes() {
                Some(item) => Ok(DeliveryClaim::Claimed(delivery_from(item)?)),
                None => Err(StoreError::Corrupt("claimed delivery without attributes".to_owned())),
            },
            Err(e) if e.as_service_error().is_some_and(is_condition_failure) => {
                let current = self.get_delivery(subscription_id, delivery_id).await?;
                let busy = current.as_ref().is_some_and(|item| {
                    get_s(item, "state").as_deref() == Some("pending")
                        && get_n(item, "lease_ms").is_some_and(|lease| lease >= now.0)
                });
                Ok(if busy { DeliveryClaim::Busy } else { DeliveryClaim::Settled })
            }
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn finish_attempt(
        &self,
        delivery: &WebhookDelivery,
        attempt: &Attempt,
        state: DeliveryState,
    ) -> Result<(), StoreError> {
        let mut attempts = delivery.attempts.clone();
        attempts.push(attempt.clone());
        let excess = attempts.len().saturating_sub(MAX_LOGGED_ATTEMPTS);
        attempts.drain(..excess);
        let attempts = serde_json::to_string(&attempts).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let finished = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::delivery_key(&delivery.subscription_id, &delivery.id)))
            .update_expression("SET #state = :state, attempts = :attempts REMOVE lease_ms")
            // Only the claim that counted this try writes its outcome.
            .condition_expression("tries = :tries")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":state", s(state.as_str()))
            .expression_attribute_values(":attempts", s(attempts))
            .expression_attribute_values(":tries", n(i64::from(delivery.tries)))
            .send()
            .await;
        match finished {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(is_condition_failure) => {
                tracing::warn!(delivery_id = %delivery.id, "a newer attempt owns this delivery; outcome dropped");
                Ok(())
            }
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn redeliver(
        &self,
        subscription_id: &str,
        delivery_id: &str,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::delivery_key(subscription_id, delivery_id)))
            .update_expression("SET #state = :pending, tries = :zero REMOVE lease_ms")
            .condition_expression("#state IN (:failed, :dead)")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":pending", s(DeliveryState::Pending.as_str()))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":failed", s(DeliveryState::Failed.as_str()))
            .expression_attribute_values(":dead", s(DeliveryState::Dead.as_str()))
            .build()
            .map_err(unavailable)?;
        self.audited(TransactWriteItem::builder().update(update).build(), audit).await
    }
}
