//! The dead-letter queues on SQS, peeked for administrators: each queue's
//! depth and its first messages' ids, never their bodies, beside the depth
//! of the queue it catches failures of; and their redrive.

use super::sqs_client::{BatchEntry, ReceivedMessage, SqsClient};
use crate::ports::{DeadLetter, DeadLetterQueues, DeadLetters, QueueError};

/// The body fields that name something staff can look up.
const ID_FIELDS: &[&str] = &["contact_id", "message_id", "export_id"];

/// A dead-letter queue and the queue whose failures it catches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedQueue {
    /// What admins call it (`outbound`, `exports`, `webhooks`, `media`).
    pub name: String,
    /// The dead-letter queue.
    pub dead_letter_url: String,
    /// The queue its messages came from, and go back to on a redrive.
    pub work_url: String,
}

/// The named dead-letter queues.
#[derive(Debug, Clone)]
pub struct SqsDeadLetters {
    client: SqsClient,
    queues: Vec<WatchedQueue>,
}

impl SqsDeadLetters {
    /// The queues, with a client built once.
    pub fn new(client: SqsClient, queues: Vec<WatchedQueue>) -> Self {
        SqsDeadLetters { client, queues }
    }
}

/// The ids a job's body names: its id fields, and the Parley message id at
/// the end of an outbound job's sort key.
pub fn ids_in(body: &str) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_str::<serde_json::Value>(body) else {
        return Vec::new();
    };
    let mut ids: Vec<(String, String)> = ID_FIELDS
        .iter()
        .filter_map(|name| Some(((*name).to_owned(), fields.get(*name)?.as_str()?.to_owned())))
        .collect();
    if let Some(message) = fields.get("sk").and_then(|sk| sk.as_str()?.rsplit('#').next()) {
        ids.push(("message_id".to_owned(), message.to_owned()));
    }
    ids
}

#[async_trait::async_trait]
impl DeadLetterQueues for SqsDeadLetters {
    async fn dead_letters(&self, peek: usize) -> Result<Vec<DeadLetters>, QueueError> {
        let mut all = Vec::with_capacity(self.queues.len());
        for queue in &self.queues {
            let url = &queue.dead_letter_url;
            let approximate_depth = self.client.counts(url, &["ApproximateNumberOfMessages"]).await?[0];
            let work = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"];
            let work = self.client.counts(&queue.work_url, &work).await?;
            // Visibility 0: looking does not hide the messages from anyone.
            let received = self.client.receive(url, peek, 0).await?;
            let first = received
                .iter()
                .take(peek)
                .map(|m| DeadLetter { message_id: m.message_id.clone(), refers_to: ids_in(&m.body) })
                .collect();
            all.push(DeadLetters {
                queue: queue.name.clone(),
                approximate_depth,
                work_waiting: work[0],
                work_in_flight: work[1],
                first,
            });
        }
        Ok(all)
    }

    async fn redrive(&self, name: &str, limit: usize) -> Result<Option<usize>, QueueError> {
        let Some(queue) = self.queues.iter().find(|q| q.name == name) else { return Ok(None) };
        let mut moved = 0;
        while moved < limit {
            // Hidden for a minute while they are copied: a crash between the
            // send and the delete leaves a copy in both queues, and the work
            // is idempotent (a job done twice does it once).
            let messages = self.client.receive(&queue.dead_letter_url, limit - moved, 60).await?;
            if messages.is_empty() {
                break;
            }
            let named = |value: fn(&ReceivedMessage) -> &String| -> Vec<BatchEntry> {
                let entry = |(i, m)| BatchEntry { id: format!("m{i}"), value: value(m).clone() };
                messages.iter().enumerate().map(entry).collect()
            };
            let delivered = self.client.send_batch(&queue.work_url, &named(|m| &m.body)).await?;
            // Only what reached the work queue leaves the dead-letter queue.
            let mut receipts = named(|m| &m.receipt_handle);
            receipts.retain(|r| delivered.contains(&r.id));
            if receipts.is_empty() {
                break;
            }
            let count = receipts.len();
            self.client.delete_batch(&queue.dead_letter_url, &receipts).await?;
            moved += count;
        }
        Ok(Some(moved))
    }
}

#[cfg(test)]
mod tests {
    use super::ids_in;

    #[test]
    fn a_body_yields_its_ids_and_nothing_else() {
        let ids = ids_in(r#"{"contact_id":"c1","sk":"M#0001#pm.abc","text":"secret"}"#);
        assert_eq!(ids, [("contact_id".to_owned(), "c1".to_owned()), ("message_id".to_owned(), "pm.abc".to_owned())]);
        assert_eq!(ids_in(r#"{"export_id":"ex.1"}"#), [("export_id".to_owned(), "ex.1".to_owned())]);
        assert!(ids_in("not json").is_empty());
    }
}
