//! The SQS-driven sender: each record names one queued message; partial batch
//! failures put only the failed records back, after their backoff.

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use parley::adapters::aws;
use parley::adapters::cloud_api::CloudApi;
use parley::adapters::sqs::{SendJob, SqsQueue};
use parley::app::deliver::{Deliver, JobOutcome, RetryPolicy};
use std::sync::Arc;

/// The sender and the queue it reschedules retries on.
pub struct Sender {
    /// The use case.
    pub deliver: Deliver,
    /// The outbound queue.
    pub queue: SqsQueue,
    /// How soon an unreadable job is received again on its way to the DLQ.
    pub poison_delay_seconds: i32,
}

/// Builds the sender from the environment (`TABLE_NAME`, `OUTBOUND_QUEUE_URL`,
/// the Cloud API settings, optional `SEND_MAX_ATTEMPTS` / `SEND_RETRY_BASE_SECONDS`).
pub async fn from_env() -> Result<Sender, Box<dyn std::error::Error + Send + Sync>> {
    let sdk = aws::load_config().await;
    let store = Arc::new(aws::store_from_env(&sdk, parley::config::contact_id_key()?)?);
    let queue = aws::outbound_queue_from_env(&sdk)?;
    let client = Arc::new(CloudApi::new(CloudApi::config_from_env()?)?);
    let policy = policy_from_env();
    Ok(Sender { deliver: Deliver::new(store, client, policy), queue, poison_delay_seconds: policy.base_seconds })
}

/// The retry policy, tunable from the environment.
pub fn policy_from_env() -> RetryPolicy {
    let number = |name: &str| parley::config::optional(name).and_then(|v| v.parse().ok());
    let default = RetryPolicy::default();
    RetryPolicy {
        max_attempts: number("SEND_MAX_ATTEMPTS").unwrap_or(default.max_attempts),
        base_seconds: number("SEND_RETRY_BASE_SECONDS")
            .map_or(default.base_seconds, |v: u32| i32::try_from(v).unwrap_or(5)),
        max_seconds: default.max_seconds,
    }
}

/// Handles one SQS batch.
pub async fn handle(sender: &Sender, event: SqsEvent) -> SqsBatchResponse {
    let mut failures = Vec::new();
    for record in event.records {
        let id = record.message_id.clone().unwrap_or_default();
        let job = record.body.as_deref().and_then(|b| serde_json::from_str::<SendJob>(b).ok());
        let Some(job) = job else {
            // Poison: after the queue's maxReceiveCount it lands in the DLQ.
            tracing::error!(sqs_message_id = %id, "unreadable send job");
            // Come back soon: after the queue's maxReceiveCount it is in the DLQ.
            if let Some(receipt) = record.receipt_handle.as_deref() {
                let _ = sender.queue.retry_after(receipt, sender.poison_delay_seconds).await;
            }
            failures.push(failure(id));
            continue;
        };
        match sender.deliver.deliver(&job.message()).await {
            Ok(JobOutcome::Done) => {}
            Ok(JobOutcome::RetryAfter(delay)) => {
                if let Some(receipt) = record.receipt_handle.as_deref() {
                    if let Err(e) = sender.queue.retry_after(receipt, delay).await {
                        tracing::warn!(error = %e, "could not set the retry delay; the queue's default applies");
                    }
                }
                failures.push(failure(id));
            }
            Err(e) => {
                tracing::error!(error = %e, contact_id = %job.contact_id, "send job failed on storage; SQS will redeliver");
                failures.push(failure(id));
            }
        }
    }
    let mut response = SqsBatchResponse::default();
    response.batch_item_failures = failures;
    response
}

fn failure(id: String) -> BatchItemFailure {
    let mut failure = BatchItemFailure::default();
    failure.item_identifier = id;
    failure
}
