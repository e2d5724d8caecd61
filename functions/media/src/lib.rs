//! The SQS-driven media function: each record names one message whose file
//! is copied from Meta into the media bucket. An attempt to retry goes back
//! to the queue after its backoff (ChangeMessageVisibility), with a fresh
//! url asked of Meta then; everything else is deleted. The attempt number
//! is SQS's receive count, so no write is spent counting.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use parley::adapters::account_tokens::AccountTokens;
use parley::adapters::aws::{self, MediaBucket, SdkConfig};
use parley::adapters::cloud_api_media::CloudApiMedia;
use parley::adapters::sqs::{MediaJob, SqsQueue};
use parley::adapters::sqs_batch::BatchFailures;
use parley::app::copy_media::{CopyMedia, CopyOutcome};
use parley::config::secrets::{AppSecrets, SecretName, SecretSource};
use parley::config::{CloudApiSettings, ConfigError, Environment};
use parley::domain::media_copy::MediaRetry;
use std::sync::Arc;

/// The copy use case and the queue it reschedules retries on.
pub struct Worker {
    /// The use case.
    pub copy: CopyMedia,
    /// The media queue.
    pub queue: SqsQueue,
    /// How long an unreadable record waits before it comes back (and, after
    /// the queue's maxReceiveCount, lands in the dead-letter queue).
    pub poison_delay_seconds: i32,
}

/// What the media function runs with.
#[derive(Debug, Clone)]
pub struct MediaSettings {
    /// `TABLE_NAME`.
    pub table: String,
    /// `MEDIA_QUEUE_URL`.
    pub queue_url: String,
    /// `MEDIA_BUCKET`.
    pub bucket: MediaBucket,
    /// Where Meta is.
    pub cloud_api: CloudApiSettings,
    /// `MEDIA_MAX_ATTEMPTS`, `MEDIA_RETRY_BASE_SECONDS`.
    pub retry: MediaRetry,
    /// The access token and the contact-id key.
    pub secrets: SecretSource,
    /// `ACCOUNT_TOKEN_SECRET_PREFIX`: accounts' own tokens, for media sent
    /// to their numbers.
    pub account_token_prefix: String,
}

impl MediaSettings {
    /// Reads the settings; a missing or unusable one is an error naming it.
    pub fn from_environment(env: &Environment) -> Result<Self, ConfigError> {
        Ok(MediaSettings {
            table: env.required("TABLE_NAME")?,
            queue_url: env.required("MEDIA_QUEUE_URL")?,
            bucket: MediaBucket::from_environment(env)?,
            cloud_api: CloudApiSettings::from_environment(env)?,
            retry: retry_policy(env)?,
            secrets: SecretSource::from_environment(env, &[SecretName::WhatsAppAccessToken, SecretName::ContactIdKey])?,
            account_token_prefix: parley::config::secrets::account_token_prefix(env),
        })
    }
}

/// `MEDIA_MAX_ATTEMPTS` (1 to 20) and `MEDIA_RETRY_BASE_SECONDS` (1 to
/// 900), defaults else.
pub fn retry_policy(env: &Environment) -> Result<MediaRetry, ConfigError> {
    const ATTEMPTS: &str = "a whole number of attempts from 1 to 20";
    const SECONDS: &str = "a whole number of seconds from 1 to 900";
    let default = MediaRetry::default();
    let max_attempts: u32 = env.parsed("MEDIA_MAX_ATTEMPTS", ATTEMPTS)?.unwrap_or(default.max_attempts);
    let base_seconds: u32 = env.parsed("MEDIA_RETRY_BASE_SECONDS", SECONDS)?.unwrap_or(default.base_seconds);
    if !(1..=20).contains(&max_attempts) {
        return Err(ConfigError::Invalid { name: "MEDIA_MAX_ATTEMPTS", expected: ATTEMPTS });
    }
    if !(1..=900).contains(&base_seconds) {
        return Err(ConfigError::Invalid { name: "MEDIA_RETRY_BASE_SECONDS", expected: SECONDS });
    }
    Ok(MediaRetry { max_attempts, base_seconds, max_seconds: default.max_seconds })
}

/// Builds the worker with clients made here, once per container.
pub fn build(
    settings: &MediaSettings,
    sdk: &SdkConfig,
    secrets: &AppSecrets,
) -> Result<Worker, Box<dyn std::error::Error + Send + Sync>> {
    let store = Arc::new(aws::store(sdk, &settings.table, secrets.contact_id_key()?));
    let token = secrets.get(SecretName::WhatsAppAccessToken)?;
    let tokens = Arc::new(aws::account_tokens(sdk, &settings.account_token_prefix));
    let tokens = AccountTokens::new(token, &settings.cloud_api.waba_id, store.clone(), tokens);
    let meta =
        Arc::new(CloudApiMedia::new(settings.cloud_api.with_token(token))?.with_account_tokens(Arc::new(tokens)));
    let vault = Arc::new(aws::media_vault(sdk, &settings.bucket));
    Ok(Worker {
        copy: CopyMedia::new(store, meta, vault, settings.retry),
        queue: aws::queue(sdk, &settings.queue_url),
        poison_delay_seconds: 60,
    })
}

/// SQS's count of deliveries of `record` (1 on the first).
fn attempt_of(record: &SqsMessage) -> u32 {
    record.attributes.get("ApproximateReceiveCount").and_then(|n| n.parse().ok()).unwrap_or(1)
}

/// Handles one SQS batch.
pub async fn handle(worker: &Worker, event: SqsEvent) -> SqsBatchResponse {
    let mut failures = BatchFailures::new();
    for record in event.records {
        let job = record.body.as_deref().and_then(|b| serde_json::from_str::<MediaJob>(b).ok());
        let Some(job) = job else {
            tracing::error!(sqs_message_id = record.message_id.as_deref().unwrap_or_default(), "unreadable media job");
            worker.queue.retry_record_after(record.receipt_handle.as_deref(), worker.poison_delay_seconds).await;
            failures.retry(&record);
            continue;
        };
        let message = job.message();
        match worker.copy.run(&message, attempt_of(&record)).await {
            Ok(CopyOutcome::RetryIn(seconds)) => {
                worker
                    .queue
                    .retry_record_after(record.receipt_handle.as_deref(), i32::try_from(seconds).unwrap_or(900))
                    .await;
                failures.retry(&record);
            }
            Ok(_) => {}
            Err(e) => {
                tracing::error!(error = %e, contact_id = %message.contact, "media copy failed on storage; SQS will redeliver");
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
        assert_eq!(retry_policy(&Environment::from_pairs([])).ok(), Some(MediaRetry::default()));
        let tuned = Environment::from_pairs([("MEDIA_MAX_ATTEMPTS", "3"), ("MEDIA_RETRY_BASE_SECONDS", "1")]);
        let tuned = retry_policy(&tuned).ok().map(|r| (r.max_attempts, r.base_seconds));
        assert_eq!(tuned, Some((3, 1)));
        for (name, value) in
            [("MEDIA_MAX_ATTEMPTS", "0"), ("MEDIA_MAX_ATTEMPTS", "99"), ("MEDIA_RETRY_BASE_SECONDS", "0")]
        {
            assert!(retry_policy(&Environment::from_pairs([(name, value)])).is_err(), "{name}={value}");
        }
    }

    #[test]
    fn the_attempt_is_sqs_receive_count() {
        let mut record = SqsMessage::default();
        assert_eq!(attempt_of(&record), 1);
        record.attributes.insert("ApproximateReceiveCount".into(), "3".into());
        assert_eq!(attempt_of(&record), 3);
    }
}
