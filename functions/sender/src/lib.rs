//! The SQS-driven sender: each record names one queued message; partial batch
//! failures put only the failed records back, after their backoff.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use parley::adapters::account_tokens::AccountTokens;
use parley::adapters::aws::{self, MediaBucket, SdkConfig};
use parley::adapters::cloud_api::CloudApi;
use parley::adapters::dynamo::DynamoStore;
use parley::adapters::sqs::{SendJob, SqsQueue};
use parley::adapters::sqs_batch::BatchFailures;
use parley::app::deliver::{Deliver, JobOutcome, RetryPolicy};
use parley::config::secrets::{AppSecrets, SecretName, SecretSource};
use parley::config::{CloudApiSettings, ConfigError, Environment};
use parley::ports::{MediaVault, WhatsAppClient};
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

impl Sender {
    /// The sender over one store, Cloud API client and queue: what both
    /// Lambda and the local runner use.
    pub fn new(
        store: Arc<DynamoStore>,
        whatsapp: Arc<dyn WhatsAppClient>,
        queue: SqsQueue,
        retry: RetryPolicy,
    ) -> Self {
        Sender { deliver: Deliver::new(store, whatsapp, retry), queue, poison_delay_seconds: retry.base_seconds }
    }

    /// Sends staff's files from `media` by presigned link.
    pub fn with_media(mut self, media: Arc<dyn MediaVault>) -> Self {
        self.deliver = self.deliver.with_media(media);
        self
    }
}

/// What the sender function runs with.
#[derive(Debug, Clone)]
pub struct SenderSettings {
    /// `TABLE_NAME`.
    pub table: String,
    /// `OUTBOUND_QUEUE_URL`.
    pub outbound_queue_url: String,
    /// Where the Cloud API is.
    pub cloud_api: CloudApiSettings,
    /// `SEND_MAX_ATTEMPTS`, `SEND_RETRY_BASE_SECONDS`.
    pub retry: RetryPolicy,
    /// The access token and the contact-id key.
    pub secrets: SecretSource,
    /// `MEDIA_BUCKET`: where staff's files are linked from.
    pub media_bucket: MediaBucket,
    /// `ACCOUNT_TOKEN_SECRET_PREFIX`: accounts' own tokens.
    pub account_token_prefix: String,
}

impl SenderSettings {
    /// Reads the settings; a missing or unusable one is an error naming it.
    pub fn from_environment(env: &Environment) -> Result<Self, ConfigError> {
        Ok(SenderSettings {
            table: env.required("TABLE_NAME")?,
            outbound_queue_url: env.required("OUTBOUND_QUEUE_URL")?,
            cloud_api: CloudApiSettings::from_environment(env)?,
            retry: retry_policy(env)?,
            secrets: SecretSource::from_environment(env, &[SecretName::WhatsAppAccessToken, SecretName::ContactIdKey])?,
            media_bucket: MediaBucket::from_environment(env)?,
            account_token_prefix: parley::config::secrets::account_token_prefix(env),
        })
    }
}

/// The retry policy: `SEND_MAX_ATTEMPTS` (at least 1) and
/// `SEND_RETRY_BASE_SECONDS` (1 to 900, SQS's longest delay), defaults else.
pub fn retry_policy(env: &Environment) -> Result<RetryPolicy, ConfigError> {
    let default = RetryPolicy::default();
    let max_attempts: u32 =
        env.parsed("SEND_MAX_ATTEMPTS", "a whole number of attempts, at least 1")?.unwrap_or(default.max_attempts);
    let base_seconds: i32 = env
        .parsed("SEND_RETRY_BASE_SECONDS", "a whole number of seconds from 1 to 900")?
        .unwrap_or(default.base_seconds);
    if max_attempts == 0 {
        return Err(ConfigError::Invalid {
            name: "SEND_MAX_ATTEMPTS",
            expected: "a whole number of attempts, at least 1",
        });
    }
    if !(1..=900).contains(&base_seconds) {
        return Err(ConfigError::Invalid {
            name: "SEND_RETRY_BASE_SECONDS",
            expected: "a whole number of seconds from 1 to 900",
        });
    }
    Ok(RetryPolicy { max_attempts, base_seconds, max_seconds: default.max_seconds })
}

/// Builds the sender from settings and the loaded secrets, with clients made
/// here, once per container (on Lambda: at the first batch).
pub fn build(
    settings: &SenderSettings,
    sdk: &SdkConfig,
    secrets: &AppSecrets,
) -> Result<Sender, Box<dyn std::error::Error + Send + Sync>> {
    let store = Arc::new(aws::store(sdk, &settings.table, secrets.contact_id_key()?));
    let queue = aws::queue(sdk, &settings.outbound_queue_url);
    let token = secrets.get(SecretName::WhatsAppAccessToken)?;
    let tokens = Arc::new(aws::account_tokens(sdk, &settings.account_token_prefix));
    let tokens = AccountTokens::new(token, &settings.cloud_api.waba_id, store.clone(), tokens);
    let whatsapp = Arc::new(CloudApi::new(settings.cloud_api.with_token(token))?.with_account_tokens(Arc::new(tokens)));
    let media = Arc::new(aws::media_vault(sdk, &settings.media_bucket));
    Ok(Sender::new(store, whatsapp, queue, settings.retry).with_media(media))
}

/// Handles one SQS batch.
pub async fn handle(sender: &Sender, event: SqsEvent) -> SqsBatchResponse {
    let mut failures = BatchFailures::new();
    for record in event.records {
        let id = record.message_id.as_deref().unwrap_or_default();
        let job = record.body.as_deref().and_then(|b| serde_json::from_str::<SendJob>(b).ok());
        let Some(job) = job else {
            // Poison: after the queue's maxReceiveCount it lands in the DLQ.
            tracing::error!(sqs_message_id = %id, "unreadable send job");
            // Come back soon: after the queue's maxReceiveCount it is in the DLQ.
            if let Some(receipt) = record.receipt_handle.as_deref() {
                let _ = sender.queue.retry_after(receipt, sender.poison_delay_seconds).await;
            }
            failures.retry(&record);
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
                failures.retry(&record);
            }
            Err(e) => {
                tracing::error!(error = %e, contact_id = %job.contact_id, "send job failed on storage; SQS will redeliver");
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
        assert_eq!((default.max_attempts, default.base_seconds), (5, 5));
        let tuned = Environment::from_pairs([("SEND_MAX_ATTEMPTS", "8"), ("SEND_RETRY_BASE_SECONDS", "2")]);
        let policy = retry_policy(&tuned).unwrap();
        assert_eq!((policy.max_attempts, policy.base_seconds), (8, 2));
        for (name, value) in [
            ("SEND_MAX_ATTEMPTS", "five"),
            ("SEND_MAX_ATTEMPTS", "0"),
            ("SEND_RETRY_BASE_SECONDS", "5s"),
            ("SEND_RETRY_BASE_SECONDS", "3600"),
        ] {
            let error = retry_policy(&Environment::from_pairs([(name, value)])).unwrap_err();
            assert!(matches!(error, ConfigError::Invalid { name: n, .. } if n == name), "{name}={value}");
        }
    }
}
