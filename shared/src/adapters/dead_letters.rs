//! The dead-letter queues on SQS, peeked for administrators: each queue's
//! depth and its first messages' ids, never their bodies.

use crate::ports::{DeadLetter, DeadLetterQueues, DeadLetters, QueueError};
use aws_sdk_sqs::types::QueueAttributeName;

/// The body fields that name something staff can look up.
const ID_FIELDS: &[&str] = &["contact_id", "message_id", "export_id"];

/// The named dead-letter queues.
#[derive(Debug, Clone)]
pub struct SqsDeadLetters {
    client: aws_sdk_sqs::Client,
    queues: Vec<(String, String)>,
}

impl SqsDeadLetters {
    /// `(name, url)` of each dead-letter queue, with a client built once.
    pub fn new(client: aws_sdk_sqs::Client, queues: Vec<(String, String)>) -> Self {
        SqsDeadLetters { client, queues }
    }
}

fn failed<E: std::fmt::Debug>(e: E) -> QueueError {
    QueueError(format!("{e:?}"))
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
        for (name, url) in &self.queues {
            let attributes = self
                .client
                .get_queue_attributes()
                .queue_url(url)
                .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
                .send()
                .await
                .map_err(failed)?;
            let approximate_depth = attributes
                .attributes()
                .and_then(|a| a.get(&QueueAttributeName::ApproximateNumberOfMessages))
                .and_then(|d| d.parse().ok())
                .unwrap_or(0);
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
            all.push(DeadLetters { queue: name.clone(), approximate_depth, first });
        }
        Ok(all)
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
