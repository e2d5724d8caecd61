//! An AWS service's JSON protocol (a signed `POST /` naming its operation in
//! `X-Amz-Target`) spoken without the SDK's client, where that client costs
//! more than the call:
//! - DynamoDB's webhook transactions, for CPU (see
//!   [`DirectTransactions`](super::dynamo::DirectTransactions));
//! - Secrets Manager, for size: its SDK client was about 80 KB of every
//!   gzipped function, for one read per container.
//!
//! What it keeps of the SDK: the request is signed by the SDK's own signer
//! (aws-sigv4, session token included), sent through an SDK HTTP connector,
//! retried as the SDK's standard mode retries (5xx, throttling, broken
//! connections; its backoff), and finds the service where the SDK would
//! (`AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then the region).

use crate::adapters::request_counter::RequestCounter;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
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
use http_body_util::BodyExt;
use serde_json::{Map, Value};
use std::time::{Duration, SystemTime};

/// A service spoken this way.
#[derive(Debug)]
pub struct JsonService {
    /// The SDK's service id, which names its endpoint variable.
    pub id: &'static str,
    /// The name requests are signed for, and the endpoint's first label.
    pub name: &'static str,
    /// The protocol version's content type.
    pub content_type: &'static str,
}

/// DynamoDB (JSON 1.0).
pub const DYNAMODB: JsonService =
    JsonService { id: "DynamoDB", name: "dynamodb", content_type: "application/x-amz-json-1.0" };

/// Secrets Manager (JSON 1.1).
pub const SECRETS_MANAGER: JsonService =
    JsonService { id: "Secrets Manager", name: "secretsmanager", content_type: "application/x-amz-json-1.1" };

/// The error codes the SDK's standard retry mode treats as throttling or
/// transient, beside any 5xx and DynamoDB's own retryable ones.
const RETRYABLE: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "LimitExceededException",
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalServerError",
    "InternalServiceError",
    "ServiceUnavailable",
    "TransactionInProgressException",
];

/// Why a call produced no success.
#[derive(Debug)]
pub enum CallFailure {
    /// The service answered with an error: not worth retrying, or still so
    /// after the last attempt.
    Refused(Refusal),
    /// No answer (no credentials, no endpoint, the connection kept failing).
    Unavailable(String),
}

/// An error answer.
#[derive(Debug, PartialEq)]
pub struct Refusal {
    /// Its type without the namespace (`ResourceNotFoundException`), or
    /// `HTTP <status>` when the answer named none.
    pub code: String,
    /// Its message, which names no value sent (AWS's messages do not echo them).
    pub message: String,
    /// The whole answer, for a caller that reads more of it.
    pub body: Bytes,
    retryable: bool,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// A client of one service's JSON protocol.
#[derive(Debug, Clone)]
pub struct JsonProtocol {
    service: &'static JsonService,
    connector: SharedHttpConnector,
    endpoint: Option<String>,
    region: Option<Region>,
    credentials: Option<SharedCredentialsProvider>,
    retry: RetryConfig,
    counter: Option<RequestCounter>,
}

impl JsonProtocol {
    /// `service` with `config`'s region, credentials, retry settings and
    /// endpoint, sending through `connector`. Nothing is sent yet; a missing
    /// region or credentials fail each call, as they do in the SDK.
    pub fn new(service: &'static JsonService, config: &SdkConfig, connector: SharedHttpConnector) -> Self {
        JsonProtocol {
            service,
            connector,
            endpoint: endpoint(service, config),
            region: config.region().cloned(),
            credentials: config.credentials_provider(),
            retry: config.retry_config().cloned().unwrap_or_else(RetryConfig::standard),
            counter: None,
        }
    }

    /// Counts every attempt, and the DynamoDB capacity its answer reports,
    /// into `counter`.
    pub fn counting(mut self, counter: RequestCounter) -> Self {
        self.counter = Some(counter);
        self
    }

    /// Posts `body` to the operation `target` (`secretsmanager.GetSecretValue`)
    /// until it is answered: the answer's body on success.
    pub async fn call(&self, target: &str, body: Bytes) -> Result<Bytes, CallFailure> {
        let attempts = self.retry.max_attempts().max(1);
        for attempt in 1..=attempts {
            let failure = match self.exchange(target, &body).await {
                Ok((status, answered)) if (200..300).contains(&status) => return Ok(answered),
                Ok((status, answered)) => {
                    let refusal = refusal(status, answered);
                    if !refusal.retryable {
                        return Err(CallFailure::Refused(refusal));
                    }
                    CallFailure::Refused(refusal)
                }
                Err(Exchange::Broken(why)) => CallFailure::Unavailable(why),
                Err(Exchange::Unsendable(why)) => return Err(CallFailure::Unavailable(why)),
            };
            if attempt == attempts {
                return Err(failure);
            }
            tracing::debug!(attempt, target, "AWS call retried");
            tokio::time::sleep(self.backoff(attempt)).await;
        }
        Err(CallFailure::Unavailable("no attempt was made".into()))
    }

    /// The standard retry mode's wait: a random share of an exponential
    /// backoff, capped.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self.retry.initial_backoff().saturating_mul(1 << (attempt - 1).min(16));
        ceiling.min(self.retry.max_backoff()).mul_f64(fastrand::f64())
    }

    /// One signed POST; its status and body.
    async fn exchange(&self, target: &str, body: &Bytes) -> Result<(u16, Bytes), Exchange> {
        let unsendable = |why: String| Exchange::Unsendable(why);
        let service = self.service.id;
        let endpoint =
            self.endpoint.as_deref().ok_or_else(|| unsendable(format!("no region or endpoint for {service}")))?;
        let region = self.region.as_ref().ok_or_else(|| unsendable(format!("no region for {service}")))?;
        let provider = self.credentials.as_ref().ok_or_else(|| unsendable("no AWS credentials".into()))?;
        let credentials =
            provider.provide_credentials().await.map_err(|e| unsendable(format!("AWS credentials: {e}")))?;
        let identity = Identity::from(credentials);
        let mut request = http::Request::builder()
            .method("POST")
            .uri(endpoint)
            .header("content-type", self.service.content_type)
            .header("x-amz-target", target)
            .header("content-length", body.len())
            .body(SdkBody::from(body.clone()))
            .map_err(|e| unsendable(format!("{service} request: {e}")))?;
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(region.as_ref())
            .name(self.service.name)
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
        let request = HttpRequest::try_from(request).map_err(|e| unsendable(format!("{service} request: {e}")))?;
        if let Some(counter) = &self.counter {
            counter.count_trip();
        }
        let response = self.connector.call(request).await.map_err(|e| Exchange::Broken(e.to_string()))?;
        let status = response.status().as_u16();
        let answered = response.into_body().collect().await.map_err(|e| Exchange::Broken(e.to_string()))?.to_bytes();
        if let Some(counter) = &self.counter {
            counter.add_consumed(true, &answered);
        }
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

/// Reads an error answer.
fn refusal(status: u16, body: Bytes) -> Refusal {
    let error: Map<String, Value> = serde_json::from_slice(&body).unwrap_or_default();
    // `com.amazonaws.dynamodb.v20120810#ThrottlingException`
    let code = error.get("__type").and_then(Value::as_str).and_then(|t| t.rsplit('#').next()).unwrap_or_default();
    let message = error.get("message").or_else(|| error.get("Message")).and_then(Value::as_str).unwrap_or_default();
    Refusal {
        code: if code.is_empty() { format!("HTTP {status}") } else { code.to_owned() },
        message: message.to_owned(),
        retryable: status >= 500 || RETRYABLE.contains(&code),
        body,
    }
}

/// Where `service` is: the environment's endpoint overrides as the SDK
/// reads them, else the region's public endpoint.
fn endpoint(service: &JsonService, config: &SdkConfig) -> Option<String> {
    let key =
        ServiceConfigKey::builder().service_id(service.id).env("AWS_ENDPOINT_URL").profile("endpoint_url").build();
    let overridden = key.ok().and_then(|key| config.service_config()?.load_config(key));
    overridden.or_else(|| config.endpoint_url().map(str::to_owned)).or_else(|| {
        let region = config.region()?;
        // China's regions have their own domain.
        let domain = if region.as_ref().starts_with("cn-") { "amazonaws.com.cn" } else { "amazonaws.com" };
        Some(format!("https://{}.{region}.{domain}", service.name))
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_the_override_else_the_regions() {
        let region = |name: &'static str| SdkConfig::builder().region(Region::new(name)).build();
        assert_eq!(
            endpoint(&DYNAMODB, &region("ap-south-1")).as_deref(),
            Some("https://dynamodb.ap-south-1.amazonaws.com")
        );
        assert_eq!(
            endpoint(&SECRETS_MANAGER, &region("cn-north-1")).as_deref(),
            Some("https://secretsmanager.cn-north-1.amazonaws.com.cn")
        );
        let global =
            SdkConfig::builder().region(Region::new("us-east-1")).endpoint_url("http://127.0.0.1:8000").build();
        assert_eq!(endpoint(&SECRETS_MANAGER, &global).as_deref(), Some("http://127.0.0.1:8000"));
        assert_eq!(endpoint(&DYNAMODB, &SdkConfig::builder().build()), None);
    }

    #[test]
    fn backoff_grows_from_the_initial_wait_and_stays_under_the_cap() {
        let config = SdkConfig::builder()
            .retry_config(
                RetryConfig::standard()
                    .with_initial_backoff(Duration::from_millis(100))
                    .with_max_backoff(Duration::from_millis(300)),
            )
            .build();
        let client = JsonProtocol::new(&DYNAMODB, &config, Scripted::default().connector());
        for _ in 0..50 {
            assert!(client.backoff(1) <= Duration::from_millis(100));
            assert!(client.backoff(2) <= Duration::from_millis(200));
            assert!(client.backoff(9) <= Duration::from_millis(300));
        }
    }

    /// A request's headers and body.
    type Sent = (http::HeaderMap, Vec<u8>);

    /// Answers each request with the next of `answers`, and keeps the
    /// requests it was sent.
    #[derive(Debug, Clone, Default)]
    pub(crate) struct Scripted {
        pub answers: std::sync::Arc<std::sync::Mutex<Vec<(u16, &'static str)>>>,
        pub seen: std::sync::Arc<std::sync::Mutex<Vec<Sent>>>,
    }

    impl Scripted {
        pub fn connector(&self) -> SharedHttpConnector {
            SharedHttpConnector::new(self.clone())
        }
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

    /// A configuration in ap-south-1 with session credentials and three
    /// quick attempts.
    pub(crate) fn config() -> SdkConfig {
        let credentials =
            aws_credential_types::Credentials::new("AKIDEXAMPLE", "secret", Some("session".into()), None, "test");
        SdkConfig::builder()
            .region(Region::new("ap-south-1"))
            .credentials_provider(SharedCredentialsProvider::new(credentials))
            .retry_config(RetryConfig::standard().with_max_attempts(3).with_initial_backoff(Duration::from_millis(1)))
            .build()
    }

    #[tokio::test]
    async fn a_5xx_and_throttling_are_tried_again_with_the_same_signed_request() {
        let connector = Scripted::default();
        *connector.answers.lock().unwrap() = vec![
            (503, "<html>busy</html>"),
            (400, r#"{"__type":"ThrottlingException","Message":"slow down"}"#),
            (200, r#"{"SecretString":"s"}"#),
        ];
        let client = JsonProtocol::new(&SECRETS_MANAGER, &config(), connector.connector());
        let answer = client.call("secretsmanager.GetSecretValue", Bytes::from_static(b"{}")).await;
        assert_eq!(answer.ok().as_deref(), Some(&br#"{"SecretString":"s"}"#[..]), "answered at the third attempt");
        let seen = connector.seen.lock().unwrap();
        assert_eq!(seen.len(), 3);
        for (headers, body) in seen.iter() {
            assert_eq!(headers["x-amz-target"], "secretsmanager.GetSecretValue");
            assert_eq!(headers["content-type"], "application/x-amz-json-1.1");
            assert_eq!(headers["x-amz-security-token"], "session");
            let authorization = headers["authorization"].to_str().unwrap();
            assert!(authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), "{authorization}");
            assert!(authorization.contains("/ap-south-1/secretsmanager/aws4_request"), "{authorization}");
            assert!(authorization.contains("x-amz-target"), "the target is signed: {authorization}");
            assert_eq!(body, b"{}");
        }
    }

    #[tokio::test]
    async fn retries_end_after_the_last_attempt_and_a_refusal_is_not_retried() {
        let connector = Scripted::default();
        *connector.answers.lock().unwrap() = vec![(500, ""), (500, ""), (500, "")];
        let client = JsonProtocol::new(&SECRETS_MANAGER, &config(), connector.connector());
        let answer = client.call("secretsmanager.GetSecretValue", Bytes::new()).await;
        assert!(matches!(&answer, Err(CallFailure::Refused(r)) if r.code == "HTTP 500"), "{answer:?}");
        assert_eq!(connector.seen.lock().unwrap().len(), 3);

        *connector.answers.lock().unwrap() = vec![(
            400,
            r#"{"__type":"ResourceNotFoundException","message":"Secrets Manager can't find the specified secret."}"#,
        )];
        let answer = client.call("secretsmanager.GetSecretValue", Bytes::new()).await;
        assert!(
            matches!(&answer, Err(CallFailure::Refused(r)) if r.to_string() == "ResourceNotFoundException: Secrets Manager can't find the specified secret."),
            "{answer:?}"
        );
        assert_eq!(connector.seen.lock().unwrap().len(), 4, "one attempt only");
    }

    #[test]
    fn throttling_and_5xx_are_worth_a_retry_and_validation_or_denial_is_not() {
        let read = |status, body: &'static [u8]| refusal(status, Bytes::from_static(body));
        let throttled =
            read(400, br#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"}"#);
        assert_eq!(
            (throttled.code.as_str(), throttled.message.as_str(), throttled.retryable),
            ("ThrottlingException", "slow down", true)
        );
        let invalid = read(400, br#"{"__type":"com.amazon.coral.validate#ValidationException","message":"too big"}"#);
        assert_eq!((invalid.code.as_str(), invalid.retryable), ("ValidationException", false));
        let gateway = read(502, b"<html>bad gateway</html>");
        assert_eq!((gateway.code.as_str(), gateway.retryable), ("HTTP 502", true));
        let denied = read(400, br#"{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"no"}"#);
        assert_eq!(
            (denied.code.as_str(), denied.message.as_str(), denied.retryable),
            ("AccessDeniedException", "no", false)
        );
    }

    #[tokio::test]
    async fn without_credentials_nothing_is_sent() {
        let connector = Scripted::default();
        let config = SdkConfig::builder().region(Region::new("ap-south-1")).build();
        let answer = JsonProtocol::new(&SECRETS_MANAGER, &config, connector.connector())
            .call("secretsmanager.GetSecretValue", Bytes::new())
            .await;
        assert!(matches!(&answer, Err(CallFailure::Unavailable(why)) if why == "no AWS credentials"), "{answer:?}");
        assert!(connector.seen.lock().unwrap().is_empty());
    }
}
