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

/// How a store sends its transactions when not through the SDK. A trait
/// object, so that only a binary that builds a [`DirectTransactions`] (the
/// webhook function) links its code.
#[async_trait::async_trait]
pub(in crate::adapters::dynamo) trait TransactionWriter:
    std::fmt::Debug + Send + Sync
{
    async fn transact_write(&self, items: &[TransactWriteItem]) -> Result<Option<Vec<CancellationReason>>, StoreError>;
}

#[async_trait::async_trait]
impl TransactionWriter for DirectTransactions {
    async fn transact_write(&self, items: &[TransactWriteItem]) -> Result<Option<Vec<CancellationReason>>, StoreError> {
        DirectTransactions::transact_write(self, items).await
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

    /// A request's headers and body.
    type Sent = (http::HeaderMap, Vec<u8>);

    /// Answers each request with the next of `answers`, and keeps the
    /// requests it was sent.
    #[derive(Debug, Clone, Default)]
    struct Scripted {
        answers: std::sync::Arc<std::sync::Mutex<Vec<(u16, &'static str)>>>,
        seen: std::sync::Arc<std::sync::Mutex<Vec<Sent>>>,
    }

    impl HttpConnector for Scripted {
        fn call(&self, request: HttpRequest) -> aws_smithy_runtime_api::client::http::HttpConnectorFuture {
            let request = request.try_into_http1x().expect("an http 1 request");
            let body = request.body().bytes().unwrap_or_default().to_vec();
            self.seen.lock().unwrap().push((request.headers().clone(), body));
            let (status, body) = self.answers.lock().unwrap().remove(0);
            let status = aws_smithy_runtime_api::http::StatusCode::try_from(status).unwrap();
            let response = aws_smithy_runtime_api::client::orchestrator::HttpResponse::new(status, SdkBody::from(body));
            aws_smithy_runtime_api::client::http::HttpConnectorFuture::ready(Ok(response))
        }
    }

    fn item() -> TransactWriteItem {
        let put = aws_sdk_dynamodb::types::Put::builder()
            .table_name("t")
            .item("pk", aws_sdk_dynamodb::types::AttributeValue::S("A".into()))
            .build()
            .unwrap();
        TransactWriteItem::builder().put(put).build()
    }

    fn writer(connector: &Scripted, counter: &RequestCounter) -> DirectTransactions {
        let credentials =
            aws_credential_types::Credentials::new("AKIDEXAMPLE", "secret", Some("session".into()), None, "test");
        let config = SdkConfig::builder()
            .region(Region::new("ap-south-1"))
            .credentials_provider(SharedCredentialsProvider::new(credentials))
            .retry_config(RetryConfig::standard().with_max_attempts(3).with_initial_backoff(Duration::from_millis(1)))
            .build();
        DirectTransactions::new(&config, SharedHttpConnector::new(connector.clone()), counter.clone())
    }

    #[tokio::test]
    async fn a_5xx_and_throttling_are_tried_again_with_the_same_signed_request() {
        let connector = Scripted::default();
        *connector.answers.lock().unwrap() = vec![
            (503, "<html>busy</html>"),
            (400, r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"}"#),
            (200, "{}"),
        ];
        let counter = RequestCounter::default();
        let outcome = writer(&connector, &counter).transact_write(&[item()]).await;
        assert!(matches!(outcome, Ok(None)), "written at the third attempt: {outcome:?}");
        assert_eq!(counter.get(), 3, "every attempt is a round trip");
        let seen = connector.seen.lock().unwrap();
        for (headers, body) in seen.iter() {
            assert_eq!(headers["x-amz-target"], TARGET);
            assert_eq!(headers["x-amz-security-token"], "session");
            let authorization = headers["authorization"].to_str().unwrap();
            assert!(authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), "{authorization}");
            assert!(authorization.contains("/ap-south-1/dynamodb/aws4_request"), "{authorization}");
            assert!(authorization.contains("x-amz-target"), "the target is signed: {authorization}");
            let sent: serde_json::Value = serde_json::from_slice(body).unwrap();
            assert_eq!(sent["TransactItems"][0]["Put"]["Item"]["pk"]["S"], "A");
        }
    }

    #[tokio::test]
    async fn retries_end_after_the_last_attempt_and_a_refusal_is_not_retried() {
        let connector = Scripted::default();
        *connector.answers.lock().unwrap() = vec![(500, ""), (500, ""), (500, "")];
        let counter = RequestCounter::default();
        let outcome = writer(&connector, &counter).transact_write(&[item()]).await;
        assert!(matches!(outcome, Err(StoreError::Unavailable(_))), "{outcome:?}");
        assert_eq!(counter.get(), 3);

        *connector.answers.lock().unwrap() = vec![(
            400,
            r#"{"__type":"com.amazon.coral.validate#ValidationException","message":"Item size has exceeded the maximum allowed size"}"#,
        )];
        let outcome = writer(&connector, &counter).transact_write(&[item()]).await;
        assert!(
            matches!(&outcome, Err(StoreError::Rejected(why)) if why == "Item size has exceeded the maximum allowed size"),
            "{outcome:?}"
        );
        assert_eq!(counter.get(), 4, "one attempt only");
    }
}
