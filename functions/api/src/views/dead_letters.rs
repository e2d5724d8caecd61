//! The dead-letter queues, as administrators watch them.

use parley::ports::{DeadLetter, DeadLetters};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

/// One dead-letter queue: its approximate depth and its first few
/// messages' ids, beside the work queue it catches the failures of
/// (messages waiting there, and being worked on now).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "DeadLetterQueue")]
pub struct DeadLetterQueueView {
    queue: String,
    approximate_depth: u64,
    work_waiting: u64,
    work_in_flight: u64,
    first: Vec<DeadLetterView>,
}

/// One dead message: SQS's id and the ids its body names (`contact_id`,
/// `message_id`, `export_id`), never the body itself.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "DeadLetter")]
pub struct DeadLetterView {
    sqs_message_id: String,
    refers_to: BTreeMap<String, String>,
}

impl From<DeadLetter> for DeadLetterView {
    fn from(m: DeadLetter) -> Self {
        DeadLetterView { sqs_message_id: m.message_id, refers_to: m.refers_to.into_iter().collect() }
    }
}

impl From<DeadLetters> for DeadLetterQueueView {
    fn from(q: DeadLetters) -> Self {
        DeadLetterQueueView {
            queue: q.queue,
            approximate_depth: q.approximate_depth,
            work_waiting: q.work_waiting,
            work_in_flight: q.work_in_flight,
            first: q.first.into_iter().map(DeadLetterView::from).collect(),
        }
    }
}
