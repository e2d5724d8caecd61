//! The dead-letter queues, as administrators see them.

use super::QueueError;
use async_trait::async_trait;

/// One dead-letter queue, as administrators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetters {
    /// Which queue (`outbound`, `exports`).
    pub queue: String,
    /// Messages in it, approximately (SQS's own count).
    pub approximate_depth: u64,
    /// Messages waiting in the queue it catches failures of.
    pub work_waiting: u64,
    /// Messages of that queue being worked on now.
    pub work_in_flight: u64,
    /// The first few, peeked without taking them.
    pub first: Vec<DeadLetter>,
}

/// One message in a dead-letter queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// SQS's id of the message.
    pub message_id: String,
    /// The ids its body names (`contact_id`, `message_id`, `export_id`);
    /// empty when the body is unreadable. Never the body itself.
    pub refers_to: Vec<(String, String)>,
}

/// The dead-letter queues.
#[async_trait]
pub trait DeadLetterQueues: Send + Sync {
    /// Each queue's depth and its first `peek` messages.
    async fn dead_letters(&self, peek: usize) -> Result<Vec<DeadLetters>, QueueError>;

    /// Moves up to `limit` messages of the dead-letter queue named `queue`
    /// back to the queue they failed from, for another try; how many moved.
    /// `None` when no queue has that name.
    async fn redrive(&self, queue: &str, limit: usize) -> Result<Option<usize>, QueueError>;
}
