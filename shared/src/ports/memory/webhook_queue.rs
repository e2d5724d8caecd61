//! A webhook delivery queue that records what it was asked to queue.

use crate::ports::{QueueError, WebhookQueue};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

/// Records `(subscription, delivery)` pairs; can be told to fail, as SQS can.
#[derive(Debug, Default)]
pub struct MemoryWebhookQueue {
    queued: Mutex<Vec<(String, String)>>,
    failing: AtomicBool,
}

impl MemoryWebhookQueue {
    /// Everything queued so far, in order.
    pub fn queued(&self) -> Vec<(String, String)> {
        self.queued.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Makes every later enqueue fail (`true`) or succeed again.
    pub fn fail(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }
}

#[async_trait::async_trait]
impl WebhookQueue for MemoryWebhookQueue {
    async fn enqueue_delivery(&self, subscription_id: &str, delivery_id: &str) -> Result<(), QueueError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(QueueError("queue down".into()));
        }
        self.queued
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((subscription_id.to_owned(), delivery_id.to_owned()));
        Ok(())
    }
}
