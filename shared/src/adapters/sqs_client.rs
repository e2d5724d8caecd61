//! The SQS calls Parley makes itself, over SQS's JSON protocol rather than
//! the SDK's client (see [`aws_json`](super::aws_json) for why): sending a
//! job, delaying a failed one, and for administrators peeking at and
//! redriving the dead-letter queues. Lambda's event sources do the
//! receiving at volume, and the deleting.

use super::aws_json::{JsonProtocol, SQS};
use crate::ports::QueueError;
use aws_types::SdkConfig;
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;

/// An SQS client. Building it sends nothing.
#[derive(Debug, Clone)]
pub struct SqsClient {
    protocol: JsonProtocol,
}

/// A message received.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ReceivedMessage {
    /// SQS's id for it.
    pub message_id: String,
    /// What deletes it or changes its visibility.
    pub receipt_handle: String,
    /// Its body.
    pub body: String,
}

/// One message of a batch: the id the answer names it by, and its body or
/// receipt handle.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchEntry {
    /// Unique within the batch.
    pub id: String,
    /// The body (to send) or the receipt handle (to delete).
    pub value: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Received {
    messages: Vec<ReceivedMessage>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Attributes {
    attributes: HashMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct BatchResult {
    successful: Vec<BatchId>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct BatchId {
    id: String,
}

impl SqsClient {
    /// A client with `config`'s region, credentials, retries and endpoint.
    pub fn new(config: &SdkConfig) -> Self {
        SqsClient { protocol: JsonProtocol::new(&SQS, config, super::aws::connector(config)) }
    }

    #[cfg(test)]
    fn over(protocol: JsonProtocol) -> Self {
        SqsClient { protocol }
    }

    /// Sends `body` to the queue at `url`, delivered after `delay_seconds`.
    pub async fn send_message(&self, url: &str, body: &str, delay_seconds: i32) -> Result<(), QueueError> {
        let request = json!({ "QueueUrl": url, "MessageBody": body, "DelaySeconds": delay_seconds.clamp(0, 900) });
        self.call::<Value>("SendMessage", &request).await.map(drop)
    }

    /// Hides the received message for `seconds` more.
    pub async fn change_visibility(&self, url: &str, receipt_handle: &str, seconds: i32) -> Result<(), QueueError> {
        let request = json!({ "QueueUrl": url, "ReceiptHandle": receipt_handle, "VisibilityTimeout": seconds });
        self.call::<Value>("ChangeMessageVisibility", &request).await.map(drop)
    }

    /// The queue's numeric attributes `names`, in that order (0 for one not
    /// answered).
    pub async fn counts(&self, url: &str, names: &[&str]) -> Result<Vec<u64>, QueueError> {
        let request = json!({ "QueueUrl": url, "AttributeNames": names });
        let answer: Attributes = self.call("GetQueueAttributes", &request).await?;
        Ok(names.iter().map(|name| answer.attributes.get(*name).and_then(|n| n.parse().ok()).unwrap_or(0)).collect())
    }

    /// Up to `max` (1–10) messages, hidden from other receivers for
    /// `visibility_seconds`, without waiting for any.
    pub async fn receive(
        &self,
        url: &str,
        max: usize,
        visibility_seconds: i32,
    ) -> Result<Vec<ReceivedMessage>, QueueError> {
        let request = json!({
            "QueueUrl": url,
            "MaxNumberOfMessages": max.clamp(1, 10),
            "VisibilityTimeout": visibility_seconds,
            "WaitTimeSeconds": 0,
        });
        Ok(self.call::<Received>("ReceiveMessage", &request).await?.messages)
    }

    /// Sends each entry's body as a message: the ids of those sent.
    pub async fn send_batch(&self, url: &str, entries: &[BatchEntry]) -> Result<Vec<String>, QueueError> {
        let entries: Vec<Value> = entries.iter().map(|e| json!({ "Id": e.id, "MessageBody": e.value })).collect();
        let answer: BatchResult =
            self.call("SendMessageBatch", &json!({ "QueueUrl": url, "Entries": entries })).await?;
        Ok(answer.successful.into_iter().map(|s| s.id).collect())
    }

    /// Deletes each entry's message by its receipt handle.
    pub async fn delete_batch(&self, url: &str, entries: &[BatchEntry]) -> Result<(), QueueError> {
        let entries: Vec<Value> = entries.iter().map(|e| json!({ "Id": e.id, "ReceiptHandle": e.value })).collect();
        self.call::<Value>("DeleteMessageBatch", &json!({ "QueueUrl": url, "Entries": entries })).await.map(drop)
    }

    async fn call<T: DeserializeOwned + Default>(
        &self,
        operation: &str,
        request: &impl Serialize,
    ) -> Result<T, QueueError> {
        let failed = |why: String| QueueError(format!("SQS {operation}: {why}"));
        let body = serde_json::to_vec(request).map_err(|e| failed(e.to_string()))?;
        let answer = self
            .protocol
            .call(&format!("AmazonSQS.{operation}"), Bytes::from(body))
            .await
            .map_err(|failure| failed(failure.to_string()))?;
        if answer.is_empty() {
            return Ok(T::default());
        }
        serde_json::from_slice(&answer).map_err(|e| failed(format!("an unreadable answer: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::aws_signed::tests::{config, Scripted};

    fn client(connector: &Scripted) -> SqsClient {
        SqsClient::over(JsonProtocol::new(&SQS, &config(), connector.connector()))
    }

    fn sent(connector: &Scripted) -> Vec<(String, Value)> {
        let seen = connector.seen.lock().unwrap();
        seen.iter()
            .map(|(_, _, headers, body)| {
                let target = headers["x-amz-target"].to_str().unwrap().to_owned();
                (target, serde_json::from_slice(body).unwrap())
            })
            .collect()
    }

    #[tokio::test]
    async fn a_job_is_sent_with_its_delay_clamped_and_a_refusal_names_the_call() {
        let connector = Scripted::default();
        *connector.answers.lock().unwrap() = vec![
            (200, r#"{"MD5OfMessageBody":"x","MessageId":"m1"}"#),
            (
                400,
                r#"{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}"#,
            ),
        ];
        let sqs = client(&connector);
        sqs.send_message("https://sqs/q", r#"{"export_id":"e1"}"#, 4000).await.unwrap();
        let missing = sqs.change_visibility("https://sqs/q", "r1", 30).await.unwrap_err();
        assert_eq!(missing.0, "SQS ChangeMessageVisibility: QueueDoesNotExist: The specified queue does not exist.");
        let sent = sent(&connector);
        assert_eq!(sent[0].0, "AmazonSQS.SendMessage");
        assert_eq!(
            sent[0].1,
            json!({ "QueueUrl": "https://sqs/q", "MessageBody": r#"{"export_id":"e1"}"#, "DelaySeconds": 900 })
        );
        assert_eq!(sent[1].1, json!({ "QueueUrl": "https://sqs/q", "ReceiptHandle": "r1", "VisibilityTimeout": 30 }));
    }

    #[tokio::test]
    async fn counts_messages_and_batches_are_read_from_their_answers() {
        let connector = Scripted::default();
        *connector.answers.lock().unwrap() = vec![
            (200, r#"{"Attributes":{"ApproximateNumberOfMessages":"7"}}"#),
            (200, r#"{"Messages":[{"MessageId":"m1","ReceiptHandle":"h1","Body":"{}","MD5OfBody":"x"}]}"#),
            (200, r#"{}"#),
            (
                200,
                r#"{"Successful":[{"Id":"a","MessageId":"m9"}],"Failed":[{"Id":"b","Code":"x","SenderFault":false}]}"#,
            ),
        ];
        let sqs = client(&connector);
        let counts = sqs.counts("q", &["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]).await;
        assert_eq!(counts.unwrap(), [7, 0]);
        let received = sqs.receive("q", 40, 0).await.unwrap();
        let expected = ReceivedMessage { message_id: "m1".into(), receipt_handle: "h1".into(), body: "{}".into() };
        assert_eq!(received, [expected]);
        assert!(sqs.receive("q", 1, 0).await.unwrap().is_empty(), "an empty queue answers no list");
        let entries =
            [BatchEntry { id: "a".into(), value: "1".into() }, BatchEntry { id: "b".into(), value: "2".into() }];
        assert_eq!(sqs.send_batch("q", &entries).await.unwrap(), ["a"]);
        let sent = sent(&connector);
        assert_eq!(sent[1].1["MaxNumberOfMessages"], 10, "at most ten at a time");
        assert_eq!(sent[3].1["Entries"][1], json!({ "Id": "b", "MessageBody": "2" }));
    }
}
