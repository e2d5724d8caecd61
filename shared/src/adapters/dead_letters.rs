//! The dead-letter queues on SQS, peeked for administrators: each queue's
//! depth and its first messages' ids, never their bodies, beside the depth
//! of the queue it catches failures of; and their redrive.

use crate::ports::{DeadLetter, DeadLetterQueues, DeadLetters, QueueError};
use aws_sdk_sqs::types::QueueAttributeName;

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
    client: aws_sdk_sqs::Client,
    queues: Vec<WatchedQueue>,
}

impl SqsDeadLetters {
    /// The queues, with a client built once.
    pub fn new(client: aws_sdk_sqs::Client, queues: Vec<WatchedQueue>) -> Self {
        SqsDeadLetters { client, queues }
    }

    /// SQS's approximate counts of `url`, in the order asked.
    async fn counts(&self, url: &str, names: &[QueueAttributeName]) -> Result<Vec<u64>, QueueError> {
        let attributes = self
            .client
            .get_queue_attributes()
            .queue_url(url)
            .set_attribute_names(Some(names.to_vec()))
            .send()
            .await
            .map_err(failed)?;
        Ok(names
            .iter()
            .map(|name| attributes.attributes().and_then(|a| a.get(name)).and_then(|d| d.parse().ok()).unwrap_or(0))
            .collect())
    }
}

fn failed<E: std::error::Error>(e: E) -> QueueError {
    QueueError(crate::adapters::error_chain::text(&e))
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
            let approximate_depth = self.counts(url, &[QueueAttributeName::ApproximateNumberOfMessages]).await?[0];
            let work = [
                QueueAttributeName::ApproximateNumberOfMessages,
                QueueAttributeName::ApproximateNumberOfMessagesNotVisible,
            ];
            let work = self.counts(&queue.work_url, &work).await?;
            // Visibility 0: looking does not hide the messages from anyone.
            let received = self
                .client
                .receive_message()
                .queue_url(url)
                .max_number_of_messages(i32::try_from(peek.clamp(1, 10)).unwrap_or(10))
                .visibility_timeout(0)
                .wait_time_seconds(0)
                .send()
                .await
                .map_err(failed)?;
            let first = received
                .messages()
                .iter()
                .take(peek)
                .map(|m| DeadLetter {
                    message_id: m.message_id().unwrap_or_default().to_owned(),
                    refers_to: m.body().map(ids_in).unwrap_or_default(),
                })
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
            let received = self
                .client
                .receive_message()
                .queue_url(&queue.dead_letter_url)
                .max_number_of_messages(i32::try_from((limit - moved).clamp(1, 10)).unwrap_or(10))
                .visibility_timeout(60)
                .wait_time_seconds(0)
                .send()
                .await
                .map_err(failed)?;
            let messages = received.messages();
            if messages.is_empty() {
                break;
            }
            let mut entries = Vec::with_capacity(messages.len());
            let mut receipts = Vec::with_capacity(messages.len());
            for (i, message) in messages.iter().enumerate() {
                let id = format!("m{i}");
                entries.push(
                    aws_sdk_sqs::types::SendMessageBatchRequestEntry::builder()
                        .id(&id)
                        .message_body(message.body().unwrap_or_default())
                        .build()
                        .map_err(failed)?,
                );
                receipts.push(
                    aws_sdk_sqs::types::DeleteMessageBatchRequestEntry::builder()
                        .id(&id)
                        .receipt_handle(message.receipt_handle().unwrap_or_default())
                        .build()
                        .map_err(failed)?,
                );
            }
            let sent = self
                .client
                .send_message_batch()
                .queue_url(&queue.work_url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(failed)?;
            // Only what reached the work queue leaves the dead-letter queue.
            let delivered: Vec<String> = sent.successful().iter().map(|s| s.id().to_owned()).collect();
            receipts.retain(|r| delivered.iter().any(|id| id == r.id()));
            if receipts.is_empty() {
                break;
            }
            let count = receipts.len();
            self.client
                .delete_message_batch()
                .queue_url(&queue.dead_letter_url)
                .set_entries(Some(receipts))
                .send()
                .await
                .map_err(failed)?;
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
