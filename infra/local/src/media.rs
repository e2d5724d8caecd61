//! The media function played locally: the bucket `<table>-media` in moto,
//! the media queue's event source over the function's own handler, and the
//! origin the UI's content security policy lets media load from.

use parley::adapters::cloud_api::CloudApiConfig;
use parley::adapters::cloud_api_media::CloudApiMedia;
use parley::adapters::dynamo::DynamoStore;
use parley::adapters::s3_media::S3MediaVault;
use parley::adapters::sqs::SqsQueue;
use parley::app::copy_media::CopyMedia;
use parley::domain::media_copy::MediaRetry;
use std::sync::Arc;

/// Locally a failed copy comes back within seconds (Lambda's defaults wait
/// longer: see `MediaRetry::default`), so `make dev` and the tests see a
/// retried copy settle quickly.
pub const LOCAL_RETRY: MediaRetry = MediaRetry { max_attempts: 4, base_seconds: 1, max_seconds: 4 };

/// The local media bucket.
pub struct LocalMedia {
    /// Its name.
    pub bucket: String,
    /// The bucket's files.
    pub vault: Arc<S3MediaVault>,
    /// Where presigned links point: the CSP's media origin.
    pub origin: String,
}

/// Creates the bucket (if needed) over `s3`; Parley's vault in it speaks
/// with `sdk`'s settings.
pub async fn bucket(
    s3: &aws_sdk_s3::Client,
    sdk: &parley::adapters::aws::SdkConfig,
    table: &str,
) -> anyhow::Result<LocalMedia> {
    let bucket = crate::bootstrap::bucket_name(table, "media");
    crate::bootstrap::ensure_bucket(s3, &bucket).await?;
    allow_browser_uploads(s3, &bucket).await?;
    let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".to_owned());
    let origin = std::env::var("AWS_ENDPOINT_URL_S3")
        .map(|url| url.trim_end_matches('/').to_owned())
        .unwrap_or_else(|_| format!("https://{bucket}.s3.{region}.amazonaws.com"));
    let vault = S3MediaVault::new(parley::adapters::aws::s3_bucket(sdk, &bucket, true));
    Ok(LocalMedia { vault: Arc::new(vault), bucket, origin })
}

/// The bucket's CORS rule, as `MediaBucket` has it in template.yaml:
/// browsers may PUT (with the API's presigned link) and nothing else.
async fn allow_browser_uploads(s3: &aws_sdk_s3::Client, bucket: &str) -> anyhow::Result<()> {
    use aws_sdk_s3::types::{CorsConfiguration, CorsRule};
    let rule = CorsRule::builder()
        .allowed_methods("PUT")
        .allowed_origins("*")
        .allowed_headers("content-type")
        .max_age_seconds(3600)
        .build()?;
    let cors = CorsConfiguration::builder().cors_rules(rule).build()?;
    s3.put_bucket_cors().bucket(bucket).cors_configuration(cors).send().await?;
    Ok(())
}

/// The media function's worker over the local store, the simulator and the bucket.
pub fn worker(
    store: Arc<DynamoStore>,
    whatsapp: CloudApiConfig,
    tokens: Arc<parley::adapters::account_tokens::AccountTokens>,
    vault: Arc<S3MediaVault>,
    queue: SqsQueue,
) -> anyhow::Result<media::Worker> {
    let meta = Arc::new(CloudApiMedia::new(whatsapp)?.with_account_tokens(tokens));
    Ok(media::Worker { copy: CopyMedia::new(store, meta, vault, LOCAL_RETRY), queue, poison_delay_seconds: 1 })
}

/// Polls the media queue and hands each batch to the media function.
pub async fn event_source(client: aws_sdk_sqs::Client, queue_url: String, worker: media::Worker) {
    let worker = Arc::new(worker);
    crate::drivers::poll_queue(client, queue_url, Arc::default(), move |event| {
        let worker = worker.clone();
        async move { media::handle(&worker, event).await }
    })
    .await;
}
