//! An outbound queue that records what it was asked to send.

use crate::domain::MessageRef;
use crate::ports::{OutboundQueue, QueueError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Records every enqueued message; can be told to fail, as SQS can.
#[derive(Debug, Default)]
pub struct MemoryQueue {
    sent: Mutex<Vec<MessageRef>>,
    failing: AtomicBool,
}

impl MemoryQueue {
    /// Everything enqueued so far, in order.
    pub fn enqueued(&self) -> Vec<MessageRef> {
        self.sent.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Makes every later enqueue fail (`true`) or succeed again.
    pub fn fail(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }
}

#[async_trait::async_trait]
impl OutboundQueue for MemoryQueue {
    async fn enqueue(&self, message: &MessageRef) -> Result<(), QueueError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(QueueError("queue down".into()));
        }
        self.sent.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(message.clone());
        Ok(())
    }
}
