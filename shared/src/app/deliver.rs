//! The sender: claim a queued message, call the Cloud API once, record how
//! it went. Redelivered jobs and concurrent senders are harmless: only the
//! one that wins the `queued → sending` claim calls Meta.

use crate::domain::outbound::OutboundContent;
use crate::domain::outbound_media::MediaKind;
use crate::domain::template_inputs::HeaderInput;
use crate::domain::{DeliveryError, MessageRef, OutboundMessage};
use crate::ports::{LinkDisposition, MediaVault, OutboxStore, StoreError, WhatsAppClient};
use crate::whatsapp::send::{ErrorClass, SendFailure, SendOutcome, SendRequest};
use std::sync::Arc;

/// What to do with the queue message afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    /// Finished (sent, failed for good, flagged, or someone else's): delete it.
    Done,
    /// Try again after this many seconds.
    RetryAfter(i32),
}

/// Retry policy.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts before giving up.
    pub max_attempts: u32,
    /// First backoff, doubled each attempt.
    pub base_seconds: i32,
    /// Longest backoff.
    pub max_seconds: i32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_attempts: 5, base_seconds: 5, max_seconds: 600 }
    }
}

impl RetryPolicy {
    /// Seconds to wait after the `attempt`-th failure.
    pub fn backoff(&self, attempt: u32) -> i32 {
        let exponent = attempt.saturating_sub(1).min(16);
        self.base_seconds.saturating_mul(1 << exponent).min(self.max_seconds)
    }
}

/// How long the link Meta fetches a staff file from works: Meta fetches
/// it when it takes the message, and may again while it retries its own
/// delivery; an hour covers that without leaving a long-lived link about.
pub const SENT_MEDIA_LINK_SECONDS: u64 = 3600;

/// The sender use case.
pub struct Deliver {
    outbox: Arc<dyn OutboxStore>,
    client: Arc<dyn WhatsAppClient>,
    policy: RetryPolicy,
    media: Option<Arc<dyn MediaVault>>,
}

impl Deliver {
    /// Wires the use case.
    pub fn new(outbox: Arc<dyn OutboxStore>, client: Arc<dyn WhatsAppClient>, policy: RetryPolicy) -> Self {
        Deliver { outbox, client, policy, media: None }
    }

    /// Sends staff's files from this bucket (by presigned link); without
    /// it a file fails for good, saying why.
    pub fn with_media(mut self, media: Arc<dyn MediaVault>) -> Self {
        self.media = Some(media);
        self
    }

    /// The request for `message`: for a file, or a template whose header
    /// file is in the bucket, with a fresh link to it (signed here, at each
    /// attempt, so a retry never sends a dead link).
    async fn request(&self, message: &OutboundMessage) -> Result<SendRequest, SendFailure> {
        let media_link = match &message.content {
            OutboundContent::Media { file } => {
                let disposition = match file.kind {
                    MediaKind::Document => LinkDisposition::Attachment,
                    _ => LinkDisposition::Inline,
                };
                let name = file.filename.as_deref().unwrap_or(file.kind.as_str());
                Some(self.link(&file.key, &file.mime_type, name, disposition).await?)
            }
            OutboundContent::Template { inputs, .. } => match (inputs.stored_header(), &inputs.header) {
                (Some(file), Some(HeaderInput::Document { filename, .. })) => {
                    let name = filename.as_deref().unwrap_or("document");
                    Some(self.link(&file.key, &file.mime_type, name, LinkDisposition::Attachment).await?)
                }
                (Some(file), _) => {
                    Some(self.link(&file.key, &file.mime_type, "header", LinkDisposition::Inline).await?)
                }
                (None, _) => None,
            },
            OutboundContent::Text { .. } | OutboundContent::Interactive { .. } | OutboundContent::Reaction { .. } => {
                None
            }
        };
        Ok(SendRequest {
            phone_number_id: message.phone_number_id.clone(),
            to: message.to.clone(),
            content: message.content.clone(),
            reply_to: message.reply_to.clone(),
            callback_data: message.reference.callback_data(),
            media_link,
        })
    }

    async fn link(
        &self,
        key: &str,
        mime_type: &str,
        name: &str,
        disposition: LinkDisposition,
    ) -> Result<String, SendFailure> {
        let Some(media) = &self.media else {
            return Err(link_failure(ErrorClass::Permanent, "media sending is not configured".to_owned()));
        };
        media
            .link(key, mime_type, name, disposition, SENT_MEDIA_LINK_SECONDS)
            .await
            .map_err(|e| link_failure(ErrorClass::Retryable, e.to_string()))
    }

    /// Handles one job.
    pub async fn deliver(&self, job: &MessageRef) -> Result<JobOutcome, StoreError> {
        let Some(message) = self.outbox.claim(job).await? else {
            tracing::info!(contact_id = %job.contact, "already claimed or finished; nothing to send");
            return Ok(JobOutcome::Done);
        };
        let outcome = match self.request(&message).await {
            Ok(request) => self.client.send(&request).await,
            Err(failure) => SendOutcome::Failed(failure),
        };
        match outcome {
            SendOutcome::Accepted { wamid } => {
                self.outbox.mark_sent(job, &wamid).await?;
                tracing::info!(message_id = %message.id, wamid = %wamid, contact_id = %job.contact, "sent");
                Ok(JobOutcome::Done)
            }
            SendOutcome::Failed(failure)
                if failure.class == ErrorClass::Retryable && message.attempts < self.policy.max_attempts =>
            {
                let delay = self.policy.backoff(message.attempts);
                self.outbox.release(job, &failure.error, delay).await?;
                tracing::warn!(message_id = %message.id, code = failure.error.code, attempt = message.attempts, delay, "send failed; will retry");
                Ok(JobOutcome::RetryAfter(delay))
            }
            SendOutcome::Failed(failure) => {
                let mut errors = vec![failure.error.clone()];
                if failure.class == ErrorClass::Retryable {
                    errors.push(DeliveryError {
                        code: 0,
                        title: format!("gave up after {} attempts", message.attempts),
                        details: Some("use retry to try again".to_owned()),
                    });
                }
                self.outbox.mark_failed(job, &errors).await?;
                tracing::warn!(message_id = %message.id, code = failure.error.code, "send failed");
                Ok(JobOutcome::Done)
            }
            SendOutcome::Unknown => {
                self.outbox.mark_unknown(job).await?;
                tracing::warn!(message_id = %message.id, "no answer from the Cloud API; awaiting its status webhook");
                Ok(JobOutcome::Done)
            }
        }
    }
}

fn link_failure(class: ErrorClass, details: String) -> SendFailure {
    SendFailure {
        class,
        error: DeliveryError { code: 0, title: "the file's link could not be made".to_owned(), details: Some(details) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy { max_attempts: 5, base_seconds: 5, max_seconds: 60 };
        assert_eq!([1, 2, 3, 4, 5].map(|a| p.backoff(a)), [5, 10, 20, 40, 60]);
    }
}
