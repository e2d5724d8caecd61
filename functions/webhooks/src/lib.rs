//! The SQS-driven webhook delivery function: each record names one
//! delivery; an attempt that should be retried goes back to the queue after
//! its backoff (ChangeMessageVisibility), everything else is deleted.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use parley::adapters::aws::{self, SdkConfig};
use parley::adapters::sqs::{SqsQueue, WebhookJob};
use parley::adapters::sqs_batch::BatchFailures;
use parley::adapters::webhook_http::HttpWebhookPoster;
use parley::app::webhook_delivery::{AttemptOutcome, DeliverWebhook};
use parley::config::secrets::{AppSecrets, SecretName, SecretSource};
use parley::config::{ConfigError, Environment};
use parley::domain::WebhookRetry;
use parley::ports::SystemClock;
use std::sync::Arc;

/// The delivery use case and the queue it reschedules retries on.
pub struct Worker {
    /// The use case.
    pub deliver: DeliverWebhook,
    /// The delivery queue.
    pub queue: SqsQueue,
}

/// What the webhooks function runs with.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// `TABLE_NAME`.
    pub table: String,
    /// `WEBHOOK_QUEUE_URL`.
    pub queue_url: String,
    /// `WEBHOOK_MAX_ATTEMPTS`, `WEBHOOK_RETRY_BASE_SECONDS`.
    pub retry: WebhookRetry,
    /// The contact-id key (the store needs it).
    pub secrets: SecretSource,
}

impl WebhookSettings {
    /// Reads the settings; a missing or unusable one is an error naming it.
    pub fn from_environment(env: &Environment) -> Result<Self, ConfigError> {
        Ok(WebhookSettings {
            table: env.required("TABLE_NAME")?,
            queue_url: env.required("WEBHOOK_QUEUE_URL")?,
            retry: retry_policy(env)?,
            secrets: SecretSource::from_environment(env, &[SecretName::ContactIdKey])?,
        })
    }
}

/// `WEBHOOK_MAX_ATTEMPTS` (1 to 50) and `WEBHOOK_RETRY_BASE_SECONDS` (1 to
/// 900), defaults else.
pub fn retry_policy(env: &Environment) -> Result<WebhookRetry, ConfigError> {
    const ATTEMPTS: &str = "a whole number of attempts from 1 to 50";
    const SECONDS: &str = "a whole number of seconds from 1 to 900";
    let default = WebhookRetry::default();
    let max_attempts: u32 = env.parsed("WEBHOOK_MAX_ATTEMPTS", ATTEMPTS)?.unwrap_or(default.max_attempts);
    let base_seconds: i32 = env.parsed("WEBHOOK_RETRY_BASE_SECONDS", SECONDS)?.unwrap_or(default.base_seconds);
    if !(1..=50).contains(&max_attempts) {
        return Err(ConfigError::Invalid { name: "WEBHOOK_MAX_ATTEMPTS", expected: ATTEMPTS });
    }
    if !(1..=900).contains(&base_seconds) {
        return Err(ConfigError::Invalid { name: "WEBHOOK_RETRY_BASE_SECONDS", expected: SECONDS });
    }
    Ok(WebhookRetry { max_attempts, base_seconds, max_seconds: default.max_seconds })
}

/// Builds the worker with clients made here, once per container.
pub fn build(
    settings: &WebhookSettings,
    sdk: &SdkConfig,
    secrets: &AppSecrets,
) -> Result<Worker, Box<dyn std::error::Error + Send + Sync>> {
    let store = Arc::new(aws::store(sdk, &settings.table, secrets.contact_id_key()?));
    let poster = Arc::new(HttpWebhookPoster::new()?);
    Ok(Worker {
        deliver: DeliverWebhook::new(store, poster, Arc::new(SystemClock), settings.retry),
        queue: aws::queue(sdk, &settings.queue_url),
    })
}

/// Handles one SQS batch.
pub async fn handle(worker: &Worker, event: SqsEvent) -> SqsBatchResponse {
    let mut failures = BatchFailures::new();
    for record in event.records {
        let job = record.body.as_deref().and_then(|b| serde_json::from_str::<WebhookJob>(b).ok());
        let Some(job) = job else {
            tracing::error!(
                sqs_message_id = record.message_id.as_deref().unwrap_or_default(),
                "unreadable webhook job"
            );
            // Back soon: after the queue's maxReceiveCount it is in the DLQ.
            worker
                .queue
                .retry_record_after(record.receipt_handle.as_deref(), worker.deliver.retry().base_seconds)
                .await;
            failures.retry(&record);
            continue;
        };
        match worker.deliver.attempt(&job.webhook_id, &job.delivery_id).await {
            Ok(AttemptOutcome::Done) => {}
            Ok(AttemptOutcome::RetryAfter(seconds)) => {
                worker.queue.retry_record_after(record.receipt_handle.as_deref(), seconds).await;
                failures.retry(&record);
            }
            Err(e) => {
                tracing::error!(error = %e, delivery_id = %job.delivery_id, "webhook delivery failed on storage; SQS will redeliver");
                failures.retry(&record);
            }
        }
    }
    failures.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_policy_keeps_its_defaults_and_refuses_what_sqs_could_not_do() {
        let default = retry_policy(&Environment::from_pairs([])).unwrap();
        assert_eq!(default, WebhookRetry::default());
        let tuned = Environment::from_pairs([("WEBHOOK_MAX_ATTEMPTS", "3"), ("WEBHOOK_RETRY_BASE_SECONDS", "1")]);
        let tuned = retry_policy(&tuned).unwrap();
        assert_eq!((tuned.max_attempts, tuned.base_seconds), (3, 1));
        for (name, value) in [
            ("WEBHOOK_MAX_ATTEMPTS", "0"),
            ("WEBHOOK_MAX_ATTEMPTS", "many"),
            ("WEBHOOK_RETRY_BASE_SECONDS", "0"),
            ("WEBHOOK_RETRY_BASE_SECONDS", "901"),
        ] {
            let error = retry_policy(&Environment::from_pairs([(name, value)])).unwrap_err();
            assert!(matches!(error, ConfigError::Invalid { name: n, .. } if n == name), "{name}={value}");
        }
    }
}
