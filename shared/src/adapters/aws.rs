//! Loading the AWS SDK configuration once per cold start.

use super::request_counter::RequestCounter;
use super::secrets_manager_client::SecretsManagerClient;
pub use aws_sdk_dynamodb::Client as DynamoClient;
pub use aws_types::SdkConfig;

use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_sdk_dynamodb::config::retry::{ReconnectMode, RetryConfig};
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::config::{BehaviorVersion, Region};
use aws_smithy_async::rt::sleep::TokioSleep;
use aws_smithy_async::time::SystemTimeSource;
use aws_smithy_runtime_api::client::http::{HttpConnectorSettings, SharedHttpClient, SharedHttpConnector};
use aws_types::service_config::{LoadServiceConfig, ServiceConfigKey};
use std::collections::BTreeMap;
use std::time::Duration;

/// Loads the shared SDK configuration from the environment: region,
/// credentials and the standard `AWS_ENDPOINT_URL_*` overrides that point the
/// SDK at DynamoDB Local or moto. Every client built from it speaks
/// HTTP/1.1 through reqwest on rustls with ring, the stack the Cloud API
/// client uses too, so a binary carries one HTTP client and one TLS
/// implementation rather than the SDK's defaults (aws-lc, HTTP/2) beside it.
///
/// Lambda hands a function its role's credentials in the environment, and
/// that is the only place they are read from: `aws-config`'s default chain
/// (profiles, SSO, web identity through STS, the container and instance
/// endpoints) was 0.4 MB of every binary, and at init it built an STS
/// client and read the system's TLS roots, none of which a function uses.
/// Without them, requests fail for want of credentials.
pub async fn load_config() -> SdkConfig {
    sdk_config(&std::env::vars().filter(|(name, value)| name.starts_with("AWS_") && !value.is_empty()).collect())
}

/// The configuration the `AWS_*` variables in `env` describe, with the
/// SDK's standard defaults: 3 tries, a 3.1 s connect timeout.
fn sdk_config(env: &BTreeMap<String, String>) -> SdkConfig {
    let var = |name: &str| env.get(name).cloned();
    let mut builder = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(https_client())
        .sleep_impl(TokioSleep::new())
        .time_source(SystemTimeSource::new())
        // The SDK closes a connection after a transient error only through
        // a connector that reports its connections, which reqwest's cannot:
        // with reconnection on, it logged an ERROR line on every retried
        // 5xx or timeout instead. reqwest's pool drops a broken connection.
        .retry_config(RetryConfig::standard().with_reconnect_mode(ReconnectMode::ReuseAllConnections))
        .timeout_config(TimeoutConfig::builder().connect_timeout(Duration::from_millis(3_100)).build())
        .service_config(EnvironmentEndpoints(
            env.iter()
                .filter(|(name, _)| name.starts_with(ENDPOINT_URL))
                .map(|(n, v)| (n.clone(), v.clone()))
                .collect(),
        ));
    builder.set_region(var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")).map(Region::new));
    if let (Some(key), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        let credentials = Credentials::new(key, secret, var("AWS_SESSION_TOKEN"), None, "Environment");
        builder.set_credentials_provider(Some(SharedCredentialsProvider::new(credentials)));
    }
    builder.build()
}

const ENDPOINT_URL: &str = "AWS_ENDPOINT_URL";

/// The endpoint overrides of the environment, as the SDK documents them:
/// `AWS_ENDPOINT_URL_<SERVICE ID>` (upper case, spaces as underscores)
/// before `AWS_ENDPOINT_URL`.
#[derive(Debug, Default)]
struct EnvironmentEndpoints(BTreeMap<String, String>);

impl LoadServiceConfig for EnvironmentEndpoints {
    fn load_config(&self, key: ServiceConfigKey<'_>) -> Option<String> {
        let service = key.service_id().to_ascii_uppercase().replace(' ', "_");
        self.0.get(&format!("{}_{service}", key.env())).or_else(|| self.0.get(key.env())).cloned()
    }
}

/// The SDK's HTTP client: reqwest over rustls with ring
/// ([`super::aws_http`]), one pool per process.
pub fn https_client() -> aws_sdk_dynamodb::config::SharedHttpClient {
    SharedHttpClient::new(super::aws_http::ReqwestHttpClient::process_wide())
}

/// A connector over the process's pool with `config`'s timeouts, for the
/// requests sent without an SDK client ([`super::aws_signed`]).
pub fn connector(config: &SdkConfig) -> SharedHttpConnector {
    super::aws_http::ReqwestHttpClient::process_wide().connector(&connector_settings(config))
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

/// The webhook function's store: as [`store`], but its messages' and
/// statuses' transactions go without the SDK's orchestrator
/// ([`super::dynamo::DirectTransactions`]), over connections of their own
/// ([`transactions_connector`]). Only that function writes them at volume,
/// so only it carries the writer.
pub fn webhook_store(config: &SdkConfig, table: &str, ids: crate::domain::ContactIdKey) -> super::dynamo::DynamoStore {
    let direct =
        super::dynamo::DirectTransactions::new(config, transactions_connector(config), RequestCounter::default());
    store(config, table, ids).with_direct_transactions(direct)
}

/// The webhook's transactions' connector: kept-alive connections of its
/// own, without reqwest or hyper ([`super::aws_connection`]), with
/// `config`'s timeouts.
pub fn transactions_connector(config: &SdkConfig) -> super::aws_connection::KeptAliveConnector {
    super::aws_connection::KeptAliveConnector::new(&connector_settings(config))
}

/// The HTTP timeouts `config` sets, for a connector made outside the SDK.
pub fn connector_settings(config: &SdkConfig) -> HttpConnectorSettings {
    let mut settings = HttpConnectorSettings::builder();
    if let Some(timeouts) = config.timeout_config() {
        settings.set_connect_timeout(timeouts.connect_timeout());
        settings.set_read_timeout(timeouts.read_timeout());
    }
    settings.build()
}

/// The queue at `url` (outbound sends, media copies, exports, webhook
/// deliveries: each function is given the URLs of the ones it uses).
pub fn queue(config: &SdkConfig, url: &str) -> super::sqs::SqsQueue {
    super::sqs::SqsQueue::new(super::sqs_client::SqsClient::new(config), url)
}

/// The bucket `name`, in the path of its URLs when `emulated` (moto serves
/// no per-bucket host names).
pub fn s3_bucket(config: &SdkConfig, name: &str, emulated: bool) -> super::s3_bucket::S3Bucket {
    super::s3_bucket::S3Bucket::new(config, connector(config), name, emulated)
}

/// The export bucket's files.
pub fn export_files(config: &SdkConfig, bucket: &ExportBucket) -> super::s3_exports::S3ExportFiles {
    super::s3_exports::S3ExportFiles::new(s3_bucket(config, &bucket.name, bucket.path_style))
}

/// The media bucket's files.
pub fn media_vault(config: &SdkConfig, bucket: &MediaBucket) -> super::s3_media::S3MediaVault {
    super::s3_media::S3MediaVault::new(s3_bucket(config, &bucket.name, bucket.path_style))
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
    super::ai_key_secret::SecretsManagerAiKey::new(SecretsManagerClient::new(config), secret_id)
}

/// The WhatsApp Business Accounts' own tokens, one secret each under `prefix`.
pub fn account_tokens(config: &SdkConfig, prefix: &str) -> super::account_token_secrets::SecretsManagerAccountTokens {
    super::account_token_secrets::SecretsManagerAccountTokens::new(SecretsManagerClient::new(config), prefix)
}

/// The dead-letter queues administrators watch, `(name, url)` each.
pub fn dead_letters(
    config: &SdkConfig,
    queues: Vec<super::dead_letters::WatchedQueue>,
) -> super::dead_letters::SqsDeadLetters {
    super::dead_letters::SqsDeadLetters::new(super::sqs_client::SqsClient::new(config), queues)
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
    super::scheduler::EventBridgeScheduler::new(config, connector(config), target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::test_request_reader::next_request_head;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use tokio::io::{AsyncWriteExt, BufReader};

    fn environment(variables: &[(&str, &str)]) -> BTreeMap<String, String> {
        variables.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
    }

    /// Answers DynamoDB calls on a free port (its URL): a 500 first, then
    /// `{}` (a `GetItem` that found nothing).
    async fn failing_once() -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let failed = Arc::new(AtomicBool::new(false));
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let failed = failed.clone();
                tokio::spawn(async move {
                    let mut socket = BufReader::new(socket);
                    while next_request_head(&mut socket).await.is_some() {
                        let (status, body) = match failed.swap(true, Ordering::SeqCst) {
                            false => ("500 Internal Server Error", r#"{"__type":"InternalServerError","message":"x"}"#),
                            true => ("200 OK", "{}"),
                        };
                        let answer = format!("HTTP/1.1 {status}\r\ncontent-length: {}\r\n\r\n{body}", body.len());
                        socket.write_all(answer.as_bytes()).await.unwrap();
                    }
                });
            }
        });
        url
    }

    #[tokio::test]
    async fn a_call_answered_500_is_retried_without_an_error_line() {
        let logs = crate::adapters::test_log_capture::CapturedLogs::default();
        let writer = logs.clone();
        // Process-wide, as on Lambda: the SDK's own events reach no scoped subscriber.
        let installed = tracing_subscriber::util::SubscriberInitExt::try_init(crate::telemetry::subscriber(
            move || writer.clone(),
            None,
        ));
        assert!(installed.is_ok(), "the only test in this crate that installs a subscriber");
        let url = failing_once().await;
        let config = sdk_config(&environment(&[
            ("AWS_REGION", "ap-south-1"),
            ("AWS_ENDPOINT_URL_DYNAMODB", &url),
            ("AWS_ACCESS_KEY_ID", "local"),
            ("AWS_SECRET_ACCESS_KEY", "local"),
        ]));
        let quick = config.retry_config().cloned().unwrap().with_initial_backoff(Duration::from_millis(1));
        let config = config.to_builder().retry_config(quick).build();
        let counter = RequestCounter::default();
        let read = dynamo_client(&config, &counter)
            .get_item()
            .table_name("t")
            .key("pk", aws_sdk_dynamodb::types::AttributeValue::S("a".into()))
            .send()
            .await
            .unwrap();
        assert!(read.item().is_none());
        assert_eq!(counter.get(), 2, "the failed try and the one that went through");
        let logs = logs.text();
        // (Not any ERROR: under `cargo test` the other tests' threads log here too.)
        assert!(!logs.contains("unable to mark the connection"), "{logs}");
    }

    #[test]
    fn a_services_own_endpoint_comes_before_the_shared_one_and_credentials_come_from_the_environment() {
        let config = sdk_config(&environment(&[
            ("AWS_REGION", "ap-south-1"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
            ("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"),
            ("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:5001"),
            ("AWS_ACCESS_KEY_ID", "local"),
            ("AWS_SECRET_ACCESS_KEY", "local"),
        ]));
        let endpoint = |service: &str| {
            let key = ServiceConfigKey::builder().service_id(service).env(ENDPOINT_URL).profile("endpoint_url").build();
            config.service_config().and_then(|c| c.load_config(key.ok()?))
        };
        assert_eq!(endpoint("DynamoDB").as_deref(), Some("http://127.0.0.1:8000"));
        assert_eq!(endpoint("Secrets Manager").as_deref(), Some("http://127.0.0.1:5001"));
        assert_eq!(endpoint("SQS").as_deref(), Some("http://127.0.0.1:5000"));
        assert_eq!(config.region().map(|r| r.as_ref()), Some("ap-south-1"));
        assert!(config.credentials_provider().is_some());
        let bare = sdk_config(&BTreeMap::new());
        assert!(bare.credentials_provider().is_none() && bare.region().is_none());
        assert_eq!(
            bare.service_config().and_then(|c| c.load_config(
                ServiceConfigKey::builder().service_id("SQS").env(ENDPOINT_URL).profile("endpoint_url").build().ok()?
            )),
            None
        );
    }
}
