//! The outbound queue on SQS.

use super::dynamo::keys;
use super::sqs_client::SqsClient;
use crate::domain::{ContactId, MessageRef};
use crate::ports::{ExportQueue, MediaQueue, OutboundQueue, QueueError, WebhookQueue};
use serde::{Deserialize, Serialize};

/// The body of one outbound queue message: where the message item lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendJob {
    /// The contact.
    pub contact_id: ContactId,
    /// The message's sort key.
    pub sk: String,
}

impl SendJob {
    /// The job for a message. The body keeps the table's sort key, so jobs
    /// queued by earlier versions still read.
    pub fn new(message: &MessageRef) -> Self {
        SendJob { contact_id: message.contact.clone(), sk: keys::referenced_sk(message) }
    }

    /// The message to send.
    pub fn message(&self) -> MessageRef {
        keys::message_ref(&self.contact_id, &self.sk)
    }
}

/// The body of one export queue message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRequest {
    /// The export job.
    pub export_id: String,
}

/// The body of an export queue message asking for an import's next rows
/// (the export worker runs imports too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRequest {
    /// The import job.
    pub import_id: String,
}

/// The body of an export queue message asking for a campaign's next step
/// (the export worker runs campaigns too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignRequest {
    /// The campaign.
    pub campaign_id: String,
}

/// The body of one media queue message: the message whose file to copy
/// (the same shape as [`SendJob`]).
pub type MediaJob = SendJob;

/// The body of one webhook delivery queue message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookJob {
    /// The subscription.
    pub webhook_id: String,
    /// The delivery.
    pub delivery_id: String,
}

/// SQS implementation of [`OutboundQueue`], [`ExportQueue`] and
/// [`WebhookQueue`] (one instance per queue).
#[derive(Debug, Clone)]
pub struct SqsQueue {
    client: SqsClient,
    url: String,
}

impl SqsQueue {
    /// A queue at `url`, with a client built once at cold start.
    pub fn new(client: SqsClient, url: impl Into<String>) -> Self {
        SqsQueue { client, url: url.into() }
    }

    /// Puts a failed job back after `delay_seconds` (exponential backoff),
    /// by moving its visibility rather than re-sending it.
    pub async fn retry_after(&self, receipt_handle: &str, delay_seconds: i32) -> Result<(), QueueError> {
        self.client.change_visibility(&self.url, receipt_handle, delay_seconds).await
    }

    /// [`Self::retry_after`] for a record that may lack its receipt handle,
    /// for handlers that report the record as failed either way: when the
    /// delay cannot be set, the queue's own visibility timeout applies, so
    /// the failure is logged and not returned.
    pub async fn retry_record_after(&self, receipt_handle: Option<&str>, delay_seconds: i32) {
        let Some(receipt_handle) = receipt_handle else { return };
        if let Err(e) = self.retry_after(receipt_handle, delay_seconds).await {
            tracing::warn!(error = %e, "could not set the retry delay; the queue's default applies");
        }
    }

    /// Sends `job` as one message, its JSON the body.
    async fn send(&self, job: &(impl Serialize + Sync)) -> Result<(), QueueError> {
        self.send_later(job, 0).await
    }

    /// Sends `job`, delivered after `delay_seconds` (at most 900).
    async fn send_later(&self, job: &(impl Serialize + Sync), delay_seconds: i32) -> Result<(), QueueError> {
        let body = serde_json::to_string(job).map_err(|e| QueueError(e.to_string()))?;
        self.client.send_message(&self.url, &body, delay_seconds).await
    }
}

#[async_trait::async_trait]
impl OutboundQueue for SqsQueue {
    async fn enqueue(&self, message: &MessageRef) -> Result<(), QueueError> {
        self.send(&SendJob::new(message)).await
    }
}

#[async_trait::async_trait]
impl ExportQueue for SqsQueue {
    async fn enqueue_export(&self, id: &str) -> Result<(), QueueError> {
        self.send(&ExportRequest { export_id: id.to_owned() }).await
    }
}

#[async_trait::async_trait]
impl crate::ports::ImportQueue for SqsQueue {
    async fn enqueue_import(&self, id: &str) -> Result<(), QueueError> {
        self.send(&ImportRequest { import_id: id.to_owned() }).await
    }
}

#[async_trait::async_trait]
impl crate::ports::CampaignQueue for SqsQueue {
    async fn enqueue_campaign(&self, id: &str, delay_seconds: i32) -> Result<(), QueueError> {
        self.send_later(&CampaignRequest { campaign_id: id.to_owned() }, delay_seconds).await
    }
}

#[async_trait::async_trait]
impl WebhookQueue for SqsQueue {
    async fn enqueue_delivery(&self, subscription_id: &str, delivery_id: &str) -> Result<(), QueueError> {
        self.send(&WebhookJob { webhook_id: subscription_id.to_owned(), delivery_id: delivery_id.to_owned() }).await
    }
}

#[async_trait::async_trait]
impl MediaQueue for SqsQueue {
    async fn enqueue_media(&self, message: &MessageRef) -> Result<(), QueueError> {
        self.send(&MediaJob::new(message)).await
    }
}
