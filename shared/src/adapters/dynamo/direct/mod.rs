//! `TransactWriteItems` sent straight over DynamoDB's JSON protocol: the
//! webhook's one write per message.
//!
//! Why not the SDK: under the bench harness (`make bench`), the SDK's call
//! cost about 570 µs of CPU per message, of which the HTTP exchange itself
//! (the same request posted with reqwest) is about 200; the rest is its
//! orchestrator: interceptors, endpoint rules, identity and retry
//! machinery, body wrappers, layered configuration. This writer sends the
//! same request, signed by the SDK's own signer (aws-sigv4), through the
//! same HTTP connector and pool, retries as the SDK's standard mode does,
//! and reads the answer into the SDK's model types, so the code that builds
//! a transaction and reads its cancellation is shared. Every other call
//! still goes through the SDK.

mod decode;
mod encode;

use crate::adapters::request_counter::RequestCounter;
use crate::ports::StoreError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_dynamodb::types::{CancellationReason, TransactWriteItem};
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::http::{HttpConnector, SharedHttpConnector};
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::RetryConfig;
use aws_types::region::Region;
use aws_types::service_config::ServiceConfigKey;
use aws_types::SdkConfig;
use bytes::Bytes;
use decode::{answer, Answer, Refusal};
use http_body_util::BodyExt;
use std::time::{Duration, SystemTime};

const TARGET: &str = "DynamoDB_20120810.TransactWriteItems";

/// Sends `TransactWriteItems` without the SDK's orchestrator (see the
/// module's documentation for why, and what it keeps of the SDK).
#[derive(Debug, Clone)]
pub struct DirectTransactions {
    connector: SharedHttpConnector,
    endpoint: Option<String>,
    region: Option<Region>,
    credentials: Option<SharedCredentialsProvider>,
    retry: RetryConfig,
    counter: RequestCounter,
}

impl DirectTransactions {
    /// A writer with `config`'s region, credentials, retry settings and
    /// DynamoDB endpoint (`AWS_ENDPOINT_URL_DYNAMODB`, then
    /// `AWS_ENDPOINT_URL`, then the region's), sending through `connector`
    /// and counting its round trips into `counter`. A missing region or
    /// credentials fail each request, as they do in the SDK.
    pub fn new(config: &SdkConfig, connector: SharedHttpConnector, counter: RequestCounter) -> Self {
        DirectTransactions {
            connector,
            endpoint: endpoint(config),
            region: config.region().cloned(),
            credentials: config.credentials_provider(),
            retry: config.retry_config().cloned().unwrap_or_else(RetryConfig::standard),
            counter,
        }
    }

    /// Writes `items` in one transaction: `None` when written, DynamoDB's
    /// reason for each item when cancelled; a refusal is `Rejected` for a
    /// `ValidationException` and `Unavailable` otherwise, once retries (for
    /// throttling, 5xx and broken connections) are spent.
    pub async fn transact_write(
        &self,
        items: &[TransactWriteItem],
    ) -> Result<Option<Vec<CancellationReason>>, StoreError> {
        let body = encode::transact_write_body(items, self.counter.measures_capacity())
            .map_err(|e| StoreError::Rejected(format!("the transaction could not be written out: {e}")))?;
        let body = Bytes::from(body);
        let attempts = self.retry.max_attempts().max(1);
        for attempt in 1..=attempts {
            let failure = match self.exchange(&body).await {
                Ok((status, answered)) => match answer(status, &answered) {
                    Answer::Written => return Ok(None),
                    Answer::Cancelled(reasons) => return Ok(Some(reasons)),
                    Answer::Refused(refusal) if refusal.retryable => refused(refusal),
                    Answer::Refused(refusal) if refusal.code == "ValidationException" => {
                        return Err(StoreError::Rejected(refusal.message))
                    }
                    Answer::Refused(refusal) => return Err(refused(refusal)),
                },
                Err(Exchange::Broken(why)) => StoreError::Unavailable(why),
                Err(Exchange::Unsendable(why)) => return Err(StoreError::Unavailable(why)),
            };
            if attempt == attempts {
                return Err(failure);
            }
            tracing::debug!(attempt, error = %failure, "DynamoDB transaction retried");
            tokio::time::sleep(self.backoff(attempt)).await;
        }
        Err(StoreError::Unavailable("no attempt was made".into()))
    }

    /// The standard retry mode's wait: a random share of an exponential
    /// backoff, capped.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self.retry.initial_backoff().saturating_mul(1 << (attempt - 1).min(16));
        ceiling.min(self.retry.max_backoff()).mul_f64(fastrand::f64())
    }

    /// One signed POST; its status and body.
    async fn exchange(&self, body: &Bytes) -> Result<(u16, Bytes), Exchange> {
        let unsendable = |why: String| Exchange::Unsendable(why);
        let endpoint =
            self.endpoint.as_deref().ok_or_else(|| unsendable("no region or endpoint for DynamoDB".into()))?;
        let region = self.region.as_ref().ok_or_else(|| unsendable("no region for DynamoDB".into()))?;
        let provider = self.credentials.as_ref().ok_or_else(|| unsendable("no AWS credentials".into()))?;
        let credentials =
            provider.provide_credentials().await.map_err(|e| unsendable(format!("AWS credentials: {e}")))?;
        let identity = Identity::from(credentials);
        let mut request = http::Request::builder()
            .method("POST")
            .uri(endpoint)
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", TARGET)
            .header("content-length", body.len())
            .body(SdkBody::from(body.clone()))
            .map_err(|e| unsendable(format!("DynamoDB request: {e}")))?;
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(region.as_ref())
            .name("dynamodb")
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| unsendable(format!("signing: {e}")))?
            .into();
        let headers = request.headers().iter().filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)));
        let signable = SignableRequest::new("POST", endpoint, headers, SignableBody::Bytes(body))
            .map_err(|e| unsendable(format!("signing: {e}")))?;
        let (instructions, _signature) =
            sign(signable, &params).map_err(|e| unsendable(format!("signing: {e}")))?.into_parts();
        instructions.apply_to_request_http1x(&mut request);
        let request = HttpRequest::try_from(request).map_err(|e| unsendable(format!("DynamoDB request: {e}")))?;
        self.counter.count_trip();
        let response = self.connector.call(request).await.map_err(|e| Exchange::Broken(e.to_string()))?;
        let status = response.status().as_u16();
        let answered = response.into_body().collect().await.map_err(|e| Exchange::Broken(e.to_string()))?.to_bytes();
        self.counter.add_consumed(true, &answered);
        Ok((status, answered))
    }
}

/// Why an exchange produced no answer.
enum Exchange {
    /// The connection failed or timed out: worth another attempt.
    Broken(String),
    /// The request could not be made (no credentials, no endpoint).
    Unsendable(String),
}

fn refused(refusal: Refusal) -> StoreError {
    StoreError::Unavailable(format!("DynamoDB refused the transaction: {}: {}", refusal.code, refusal.message))
}

/// Where DynamoDB is: the environment's endpoint overrides as the SDK reads
/// them, else the region's public endpoint.
fn endpoint(config: &SdkConfig) -> Option<String> {
    let key =
        ServiceConfigKey::builder().service_id("DynamoDB").env("AWS_ENDPOINT_URL").profile("endpoint_url").build();
    let overridden = key.ok().and_then(|key| config.service_config()?.load_config(key));
    overridden.or_else(|| config.endpoint_url().map(str::to_owned)).or_else(|| config.region().map(regional))
}

/// A region's DynamoDB endpoint (China's regions have their own domain).
fn regional(region: &Region) -> String {
    let domain = if region.as_ref().starts_with("cn-") { "amazonaws.com.cn" } else { "amazonaws.com" };
    format!("https://dynamodb.{region}.{domain}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_the_override_else_the_regions() {
        let region = |name: &'static str| SdkConfig::builder().region(Region::new(name)).build();
        assert_eq!(endpoint(&region("ap-south-1")).as_deref(), Some("https://dynamodb.ap-south-1.amazonaws.com"));
        assert_eq!(endpoint(&region("cn-north-1")).as_deref(), Some("https://dynamodb.cn-north-1.amazonaws.com.cn"));
        let global =
            SdkConfig::builder().region(Region::new("us-east-1")).endpoint_url("http://127.0.0.1:8000").build();
        assert_eq!(endpoint(&global).as_deref(), Some("http://127.0.0.1:8000"));
        assert_eq!(endpoint(&SdkConfig::builder().build()), None);
    }

    #[test]
    fn backoff_grows_from_the_initial_wait_and_stays_under_the_cap() {
        let writer = DirectTransactions {
            retry: RetryConfig::standard()
                .with_initial_backoff(Duration::from_millis(100))
                .with_max_backoff(Duration::from_millis(300)),
            ..DirectTransactions::new(&SdkConfig::builder().build(), no_connector(), RequestCounter::default())
        };
        for _ in 0..50 {
            assert!(writer.backoff(1) <= Duration::from_millis(100));
            assert!(writer.backoff(2) <= Duration::from_millis(200));
            assert!(writer.backoff(9) <= Duration::from_millis(300));
        }
    }

    fn no_connector() -> SharedHttpConnector {
        crate::adapters::aws_http::ReqwestHttpClient::default().connector(&Default::default())
    }
}
