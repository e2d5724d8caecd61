//! Loading the AWS SDK configuration once per cold start.

use super::request_counter::RequestCounter;

pub use aws_config::SdkConfig;
pub use aws_sdk_dynamodb::Client as DynamoClient;

/// Loads the shared SDK configuration from the environment: region,
/// credentials and the standard `AWS_ENDPOINT_URL_*` overrides that point the
/// SDK at DynamoDB Local or moto. Every client built from it speaks TLS
/// through rustls on ring, the stack reqwest uses too, so a binary carries
/// one TLS implementation rather than the SDK's default aws-lc beside it.
///
/// Lambda hands a function its role's credentials in the environment, so
/// where they are there, they are all the SDK is given: the default chain
/// would also build its web-identity provider's STS client at init, and
/// that client's TLS roots (read and parsed from the system's certificate
/// files) with it, half of webhook-inbound's init. The roots now load with
/// the first HTTPS connection. Without them (a developer's profile), the
/// default chain.
pub async fn load_config() -> SdkConfig {
    let loader = aws_config::defaults(aws_config::BehaviorVersion::latest()).http_client(https_client());
    let loader = match std::env::var_os("AWS_ACCESS_KEY_ID") {
        Some(_) => loader.credentials_provider(aws_config::environment::EnvironmentVariableCredentialsProvider::new()),
        None => loader,
    };
    loader.load().await
}

/// The SDK's HTTP client over rustls with ring.
pub fn https_client() -> aws_sdk_dynamodb::config::SharedHttpClient {
    use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
    aws_smithy_http_client::Builder::new().tls_provider(Provider::Rustls(CryptoMode::Ring)).build_https()
}

/// A DynamoDB client that counts its HTTP round trips into `counter`.
pub fn dynamo_client(config: &SdkConfig, counter: &RequestCounter) -> DynamoClient {
    let conf = aws_sdk_dynamodb::config::Builder::from(config).interceptor(counter.clone()).build();
    DynamoClient::from_conf(conf)
}

/// The store over `table`, with a client built now (call once per container), deriving contact ids with `ids`.
pub fn store(config: &SdkConfig, table: &str, ids: crate::domain::ContactIdKey) -> super::dynamo::DynamoStore {
    super::dynamo::DynamoStore::new(dynamo_client(config, &RequestCounter::default()), table, ids)
}

/// The outbound queue at `url`.
pub fn outbound_queue(config: &SdkConfig, url: &str) -> super::sqs::SqsQueue {
    super::sqs::SqsQueue::new(aws_sdk_sqs::Client::new(config), url)
}

/// An S3 client; path-style addressing when `emulated` (moto serves no
/// per-bucket host names).
pub fn s3_client(config: &SdkConfig, emulated: bool) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(config).force_path_style(emulated).build())
}

/// The export bucket's files.
pub fn export_files(config: &SdkConfig, bucket: &ExportBucket) -> super::s3_exports::S3ExportFiles {
    super::s3_exports::S3ExportFiles::new(s3_client(config, bucket.path_style), bucket.name.clone())
}

/// The media bucket's files.
pub fn media_vault(config: &SdkConfig, bucket: &MediaBucket) -> super::s3_media::S3MediaVault {
    super::s3_media::S3MediaVault::new(s3_client(config, bucket.path_style), bucket.name.clone())
}

/// The media copy queue at `url`.
pub fn media_queue(config: &SdkConfig, url: &str) -> super::sqs::SqsQueue {
    super::sqs::SqsQueue::new(aws_sdk_sqs::Client::new(config), url)
}

/// Where customers' media is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaBucket {
    /// `MEDIA_BUCKET`.
    pub name: String,
    /// Path-style addressing, when `AWS_ENDPOINT_URL_S3` points at an
    /// emulator.
    pub path_style: bool,
}

impl MediaBucket {
    /// Reads `MEDIA_BUCKET` (and whether S3 is emulated).
    pub fn from_environment(env: &crate::config::Environment) -> Result<Self, crate::config::ConfigError> {
        Ok(MediaBucket {
            name: env.required("MEDIA_BUCKET")?,
            path_style: env.optional("AWS_ENDPOINT_URL_S3").is_some(),
        })
    }
}

/// The AI provider key's secret (`secret_id`: its ARN or name).
pub fn ai_key(config: &SdkConfig, secret_id: &str) -> super::ai_key_secret::SecretsManagerAiKey {
    super::ai_key_secret::SecretsManagerAiKey::new(aws_sdk_secretsmanager::Client::new(config), secret_id)
}

/// The WhatsApp Business Accounts' own tokens, one secret each under `prefix`.
pub fn account_tokens(config: &SdkConfig, prefix: &str) -> super::account_token_secrets::SecretsManagerAccountTokens {
    super::account_token_secrets::SecretsManagerAccountTokens::new(aws_sdk_secretsmanager::Client::new(config), prefix)
}

/// The export queue at `url`.
pub fn export_queue(config: &SdkConfig, url: &str) -> super::sqs::SqsQueue {
    super::sqs::SqsQueue::new(aws_sdk_sqs::Client::new(config), url)
}

/// The webhook delivery queue at `url`.
pub fn webhook_queue(config: &SdkConfig, url: &str) -> super::sqs::SqsQueue {
    super::sqs::SqsQueue::new(aws_sdk_sqs::Client::new(config), url)
}

/// The dead-letter queues administrators watch, `(name, url)` each.
pub fn dead_letters(
    config: &SdkConfig,
    queues: Vec<super::dead_letters::WatchedQueue>,
) -> super::dead_letters::SqsDeadLetters {
    super::dead_letters::SqsDeadLetters::new(aws_sdk_sqs::Client::new(config), queues)
}

/// Where exports are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportBucket {
    /// `EXPORT_BUCKET`.
    pub name: String,
    /// Path-style addressing, when `AWS_ENDPOINT_URL_S3` points at an
    /// emulator.
    pub path_style: bool,
}

impl ExportBucket {
    /// Reads `EXPORT_BUCKET` (and whether S3 is emulated).
    pub fn from_environment(env: &crate::config::Environment) -> Result<Self, crate::config::ConfigError> {
        Ok(ExportBucket {
            name: env.required("EXPORT_BUCKET")?,
            path_style: env.optional("AWS_ENDPOINT_URL_S3").is_some(),
        })
    }
}

/// The EventBridge Scheduler that wakes the reminders function.
pub fn scheduler(
    config: &SdkConfig,
    target: super::scheduler::ScheduleTarget,
) -> super::scheduler::EventBridgeScheduler {
    super::scheduler::EventBridgeScheduler::new(aws_sdk_scheduler::Client::new(config), target)
}
