//! One attempt at posting a queued webhook delivery: claim it, sign it,
//! post it, log the attempt and decide what comes next.

use crate::domain::webhook_delivery::{Next, WebhookRetry};
use crate::domain::webhook_signature::signature_header;
use crate::domain::{Attempt, AttemptError, DeliveryState, Millis};
use crate::ports::{Clock, DeliveryClaim, StoreError, WebhookPoster, WebhookStore};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a receiver has to answer.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// What the queue should do with the delivery's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// Settled (or nothing to do): delete the message.
    Done,
    /// Receive it again after this many seconds.
    RetryAfter(i32),
}

/// The delivery use case.
pub struct DeliverWebhook {
    store: Arc<dyn WebhookStore>,
    poster: Arc<dyn WebhookPoster>,
    clock: Arc<dyn Clock>,
    retry: WebhookRetry,
    timeout: Duration,
}

impl DeliverWebhook {
    /// Over the store, the HTTP client, the clock and the retry policy.
    pub fn new(
        store: Arc<dyn WebhookStore>,
        poster: Arc<dyn WebhookPoster>,
        clock: Arc<dyn Clock>,
        retry: WebhookRetry,
    ) -> Self {
        DeliverWebhook { store, poster, clock, retry, timeout: DELIVERY_TIMEOUT }
    }

    /// The retry policy.
    pub fn retry(&self) -> WebhookRetry {
        self.retry
    }

    /// Makes one attempt. A storage failure is an error (the queue
    /// redelivers the message); the receiver's failures are outcomes.
    pub async fn attempt(&self, subscription_id: &str, delivery_id: &str) -> Result<AttemptOutcome, StoreError> {
        let now = self.clock.now();
        // The lease outlasts the POST, so a duplicate queue message cannot
        // post the same delivery concurrently.
        let lease = self.timeout.as_millis() as i64 + 20_000;
        let delivery = match self.store.claim_delivery(subscription_id, delivery_id, now, Millis(now.0 + lease)).await?
        {
            DeliveryClaim::Claimed(delivery) => delivery,
            DeliveryClaim::Settled => return Ok(AttemptOutcome::Done),
            DeliveryClaim::Busy => return Ok(AttemptOutcome::RetryAfter((lease / 1000) as i32)),
        };
        let attempt = match self.store.webhook(subscription_id).await? {
            None => Attempt { at: now, status: None, duration_ms: 0, error: Some(AttemptError::NoSubscription) },
            Some((subscription, secret)) => {
                let headers = [
                    ("Parley-Signature", signature_header(secret.expose(), now.0 / 1000, delivery.body.as_bytes())),
                    ("Parley-Event-Id", delivery.event_id.clone()),
                    ("Parley-Event-Type", delivery.kind.as_str().to_owned()),
                ];
                let started = Instant::now();
                let answer = self.poster.post(&subscription.url, &headers, &delivery.body, self.timeout).await;
                let duration_ms = started.elapsed().as_millis() as u64;
                match answer {
                    Ok(status) => Attempt { at: now, status: Some(status), duration_ms, error: None },
                    Err(error) => Attempt { at: now, status: None, duration_ms, error: Some(error) },
                }
            }
        };
        let next = self.retry.next(delivery.tries, attempt.verdict());
        let state = match next {
            Next::Settle(state) => state,
            Next::RetryAfter(_) => DeliveryState::Pending,
        };
        self.store.finish_attempt(&delivery, &attempt, state).await?;
        tracing::info!(
            webhook_id = %subscription_id,
            delivery_id = %delivery_id,
            kind = delivery.kind.as_str(),
            status = attempt.status,
            error = ?attempt.error,
            duration_ms = attempt.duration_ms,
            tries = delivery.tries,
            state = state.as_str(),
            "webhook attempt"
        );
        Ok(match next {
            Next::Settle(_) => AttemptOutcome::Done,
            Next::RetryAfter(seconds) => AttemptOutcome::RetryAfter(seconds),
        })
    }
}
