//! Signed requests to an AWS service without the SDK's client, where that
//! client costs more than the calls Parley makes through it: the JSON
//! protocol's services ([`aws_json`](super::aws_json)) and S3's REST one
//! ([`s3_bucket`](super::s3_bucket)).
//!
//! What it keeps of the SDK: requests are signed by the SDK's own signer
//! (aws-sigv4, session token included), or by [`HeaderSigner`], which
//! gives the same signatures for less, sent through an SDK HTTP connector,
//! retried as the SDK's standard mode retries (5xx, throttling, broken
//! connections; its backoff), and go where the SDK would send them
//! (`AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then the region).

use crate::adapters::aws_connection::KeptAliveConnector;
use crate::adapters::header_signer::{HeaderSigner, Unsigned};
use crate::adapters::http1_exchange::{Answer as Exchanged, HeaderLines};
use crate::adapters::request_counter::RequestCounter;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::http::{HttpConnector, SharedHttpConnector};
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::http::Headers;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::RetryConfig;
use aws_types::region::Region;
use aws_types::service_config::ServiceConfigKey;
use aws_types::SdkConfig;
use bytes::Bytes;
use http_body_util::BodyExt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The error codes the SDK's standard retry mode treats as throttling or
/// transient, beside any 5xx and DynamoDB's and S3's own retryable ones.
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
    "InternalError",
    "ServiceUnavailable",
    "SlowDown",
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

impl std::fmt::Display for CallFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallFailure::Refused(refusal) => refusal.fmt(f),
            CallFailure::Unavailable(why) => f.write_str(why),
        }
    }
}

/// An error answer.
#[derive(Debug, PartialEq)]
pub struct Refusal {
    /// Its code (`ResourceNotFoundException`, `NoSuchKey`), or
    /// `HTTP <status>` when the answer named none.
    pub code: String,
    /// Its message, which names no value sent (AWS's messages do not echo them).
    pub message: String,
    /// The HTTP status.
    pub status: u16,
    /// The whole answer, for a caller that reads more of it.
    pub body: Bytes,
}

impl Refusal {
    /// The refusal `status` with the `code` and `message` the answer named.
    pub fn new(status: u16, code: &str, message: &str, body: Bytes) -> Self {
        Refusal {
            code: if code.is_empty() { format!("HTTP {status}") } else { code.to_owned() },
            message: message.to_owned(),
            status,
            body,
        }
    }

    /// Whether the SDK's standard retry mode would try again.
    pub(super) fn retryable(&self) -> bool {
        self.status >= 500 || RETRYABLE.contains(&self.code.as_str())
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// A successful answer.
#[derive(Debug)]
pub struct Answer {
    /// Its headers (S3 answers some calls in them alone), moved out of the
    /// connector's response rather than copied: DynamoDB's never reads them.
    pub headers: AnswerHeaders,
    /// Its body.
    pub body: Bytes,
}

/// An answer's headers, as its transport read them: the kept-alive
/// connection's lines are not made into a map no one may read.
#[derive(Debug)]
pub enum AnswerHeaders {
    /// From an SDK connector's response.
    Sdk(Headers),
    /// As the kept-alive connection read them.
    Lines(HeaderLines),
}

impl AnswerHeaders {
    /// The first value of `name` (in any case), when it is text.
    pub fn get(&self, name: &str) -> Option<&str> {
        match self {
            AnswerHeaders::Sdk(headers) => headers.get(name),
            AnswerHeaders::Lines(lines) => lines.get(name),
        }
    }
}

/// One request, signed anew at each attempt.
#[derive(Debug)]
pub struct Outgoing<'a> {
    /// `GET`, `POST`…
    pub method: &'a str,
    /// The whole URL, its path and query already percent-encoded.
    pub url: &'a str,
    /// Headers to send and sign.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body.
    pub body: &'a Bytes,
}

/// How one service's requests are signed, and its errors read.
#[derive(Debug, Clone)]
pub struct ServiceSigning {
    /// The name requests are signed for (`s3`, `dynamodb`).
    pub name: &'static str,
    /// The signer.
    pub signer: Signer,
    /// Reads an error answer's code and message.
    pub refusal: fn(status: u16, headers: &AnswerHeaders, body: Bytes) -> Refusal,
}

/// Which signer signs a service's requests.
#[derive(Debug, Clone, Copy)]
pub enum Signer {
    /// The SDK's, with these settings (S3 wants its own); it also signs links.
    Sdk(fn() -> SigningSettings),
    /// [`HeaderSigner`], with the default settings, for requests without a
    /// query: the JSON protocols' `POST /`, the webhook's hot path.
    Headers,
}

/// Where signed requests go.
#[derive(Debug, Clone)]
pub enum Transport {
    /// Through an SDK connector (reqwest's; a test's).
    Connector(SharedHttpConnector),
    /// Straight onto kept-alive connections, in the `http` crate's types:
    /// the webhook's transactions, where the SDK's request and response
    /// types around each exchange (built, converted, copied) cost more
    /// than the rest of the trip's bookkeeping. A trait object, so that
    /// only a binary that sends this way links the connector.
    KeptAlive(Arc<dyn PartsExchange>),
}

/// Sends a request's head and body and reads its answer whole.
#[async_trait::async_trait]
pub trait PartsExchange: std::fmt::Debug + Send + Sync {
    /// The answer to `head` with `body`.
    async fn send_parts(&self, head: http::request::Parts, body: &[u8]) -> Result<Exchanged, ConnectorError>;
}

#[async_trait::async_trait]
impl PartsExchange for KeptAliveConnector {
    async fn send_parts(&self, head: http::request::Parts, body: &[u8]) -> Result<Exchanged, ConnectorError> {
        KeptAliveConnector::send_parts(self, head, body).await
    }
}

impl From<SharedHttpConnector> for Transport {
    fn from(connector: SharedHttpConnector) -> Self {
        Transport::Connector(connector)
    }
}

impl From<KeptAliveConnector> for Transport {
    fn from(connector: KeptAliveConnector) -> Self {
        Transport::KeptAlive(Arc::new(connector))
    }
}

/// Sends one service's signed requests.
#[derive(Debug, Clone)]
pub struct SignedRequests {
    service: ServiceSigning,
    transport: Transport,
    region: Option<Region>,
    /// Set for [`Signer::Headers`] once there is a region.
    header_signer: Option<HeaderSigner>,
    credentials: Option<SharedCredentialsProvider>,
    retry: RetryConfig,
    counter: Option<RequestCounter>,
}

impl SignedRequests {
    /// Requests signed as `service` with `config`'s region, credentials and
    /// retry settings, sent through `transport`. Nothing is sent yet; a
    /// missing region or credentials fail each call, as they do in the SDK.
    pub fn new(service: ServiceSigning, config: &SdkConfig, transport: impl Into<Transport>) -> Self {
        let header_signer = match service.signer {
            Signer::Headers => config.region().map(|region| HeaderSigner::new(service.name, region.as_ref())),
            Signer::Sdk(_) => None,
        };
        SignedRequests {
            service,
            transport: transport.into(),
            region: config.region().cloned(),
            header_signer,
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

    /// Sends `request` until it is answered: the answer on success.
    pub async fn call(&self, request: &Outgoing<'_>) -> Result<Answer, CallFailure> {
        let attempts = self.retry.max_attempts().max(1);
        for attempt in 1..=attempts {
            let failure = match self.exchange(request).await {
                Ok((status, answer)) if (200..300).contains(&status) => return Ok(answer),
                Ok((status, answer)) => {
                    let refusal = (self.service.refusal)(status, &answer.headers, answer.body);
                    if !refusal.retryable() {
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
            tracing::debug!(attempt, service = self.service.name, error = %failure, "AWS call retried");
            tokio::time::sleep(self.backoff(attempt)).await;
        }
        Err(CallFailure::Unavailable("no attempt was made".into()))
    }

    /// `method` on `url` signed into its query (`headers` signed too, so the
    /// bearer must send them as given), valid for `valid_for` from `now`.
    /// Nothing is sent.
    pub async fn presign(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        valid_for: Duration,
        now: SystemTime,
    ) -> Result<String, String> {
        let Signer::Sdk(settings) = self.service.signer else {
            return Err(format!("{} links are not signed", self.service.name));
        };
        let mut settings = settings();
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(valid_for);
        let mut request = http::Request::builder().method(method).uri(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut request = request.body(()).map_err(|e| format!("the link: {e}"))?;
        let identity = self.identity().await?;
        self.sign(&mut request, url, &identity, settings, SignableBody::UnsignedPayload, now)?;
        Ok(request.uri().to_string())
    }

    /// The standard retry mode's wait: a random share of an exponential
    /// backoff, capped.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self.retry.initial_backoff().saturating_mul(1 << (attempt - 1).min(16));
        ceiling.min(self.retry.max_backoff()).mul_f64(fastrand::f64())
    }

    async fn identity(&self) -> Result<Identity, String> {
        Ok(Identity::from(self.credentials().await?))
    }

    async fn credentials(&self) -> Result<Credentials, String> {
        let provider = self.credentials.as_ref().ok_or_else(|| "no AWS credentials".to_owned())?;
        provider.provide_credentials().await.map_err(|e| format!("AWS credentials: {e}"))
    }

    /// Signs `request` with [`HeaderSigner`], adding what it signs to its headers.
    async fn sign_headers<B>(&self, request: &mut http::Request<B>, body: &[u8]) -> Result<(), String> {
        let signer = self.header_signer.as_ref().ok_or_else(|| format!("no region for {}", self.service.name))?;
        let credentials = self.credentials().await?;
        let uri = request.uri();
        if uri.query().is_some() {
            return Err(format!("{} requests with a query are not signed in their headers", self.service.name));
        }
        let authority = uri.authority().ok_or_else(|| format!("no host in the {} endpoint", self.service.name))?;
        let default_port =
            matches!((uri.scheme_str(), authority.port_u16()), (Some("http"), Some(80)) | (Some("https"), Some(443)));
        let host = if default_port { authority.host() } else { authority.as_str() };
        let headers: Vec<(&str, &str)> = request
            .headers()
            .iter()
            .filter(|(name, _)| !UNSIGNED_HEADERS.contains(&name.as_str()))
            .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
            .collect();
        let unsigned = Unsigned { method: request.method().as_str(), host, path: uri.path(), headers: &headers, body };
        let signature = signer.sign(&unsigned, &credentials, SystemTime::now()).map_err(|e| format!("signing: {e}"))?;
        let headers = request.headers_mut();
        let value = |text: String| http::HeaderValue::try_from(text).map_err(|e| format!("signing: {e}"));
        headers.insert("x-amz-date", value(signature.date_time)?);
        if let Some(token) = credentials.session_token() {
            headers.insert("x-amz-security-token", value(token.to_owned())?);
        }
        headers.insert(http::header::AUTHORIZATION, value(signature.authorization)?);
        Ok(())
    }

    /// Signs `request`, which was built from `url`, in place, as `settings`
    /// place the signature.
    fn sign<B>(
        &self,
        request: &mut http::Request<B>,
        url: &str,
        identity: &Identity,
        settings: SigningSettings,
        body: SignableBody<'_>,
        now: SystemTime,
    ) -> Result<(), String> {
        let region = self.region.as_ref().ok_or_else(|| format!("no region for {}", self.service.name))?;
        let params = v4::SigningParams::builder()
            .identity(identity)
            .region(region.as_ref())
            .name(self.service.name)
            .time(now)
            .settings(settings)
            .build()
            .map_err(|e| format!("signing: {e}"))?
            .into();
        let headers = request.headers().iter().filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)));
        let signable =
            SignableRequest::new(request.method().as_str(), url, headers, body).map_err(|e| format!("signing: {e}"))?;
        let (instructions, _signature) = sign(signable, &params).map_err(|e| format!("signing: {e}"))?.into_parts();
        instructions.apply_to_request_http1x(request);
        Ok(())
    }

    /// One signed request; its status and answer.
    async fn exchange(&self, outgoing: &Outgoing<'_>) -> Result<(u16, Answer), Exchange> {
        let mut request = http::Request::builder().method(outgoing.method).uri(outgoing.url);
        for (name, value) in outgoing.headers {
            request = request.header(*name, *value);
        }
        let mut request = request
            .header("content-length", outgoing.body.len())
            .body(())
            .map_err(|e| Exchange::Unsendable(format!("{} request: {e}", self.service.name)))?;
        match self.service.signer {
            Signer::Sdk(settings) => {
                let identity = self.identity().await.map_err(Exchange::Unsendable)?;
                let body = SignableBody::Bytes(outgoing.body);
                self.sign(&mut request, outgoing.url, &identity, settings(), body, SystemTime::now())
                    .map_err(Exchange::Unsendable)?;
            }
            Signer::Headers => self.sign_headers(&mut request, outgoing.body).await.map_err(Exchange::Unsendable)?,
        }
        let (status, answer) = match &self.transport {
            Transport::Connector(connector) => {
                let request = HttpRequest::try_from(request.map(|()| SdkBody::from(outgoing.body.clone())))
                    .map_err(|e| Exchange::Unsendable(format!("{} request: {e}", self.service.name)))?;
                self.count_trip();
                let mut response = connector.call(request).await.map_err(|e| Exchange::Broken(e.to_string()))?;
                let status = response.status().as_u16();
                let headers = AnswerHeaders::Sdk(std::mem::take(response.headers_mut()));
                let body =
                    response.into_body().collect().await.map_err(|e| Exchange::Broken(e.to_string()))?.to_bytes();
                (status, Answer { headers, body })
            }
            Transport::KeptAlive(connector) => {
                self.count_trip();
                let answer = connector
                    .send_parts(request.into_parts().0, outgoing.body)
                    .await
                    .map_err(|e| Exchange::Broken(e.to_string()))?;
                let headers = AnswerHeaders::Lines(answer.headers);
                (answer.status.as_u16(), Answer { headers, body: answer.body })
            }
        };
        if let Some(counter) = &self.counter {
            counter.add_consumed(true, &answer.body);
        }
        Ok((status, answer))
    }

    fn count_trip(&self) {
        if let Some(counter) = &self.counter {
            counter.count_trip();
        }
    }
}

/// `text` with every byte but RFC 3986's unreserved ones (and `/`, when
/// `keep_slash`) percent-encoded: a path segment or query value as AWS
/// signs and reads it.
pub fn percent_encoded(text: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(char::from(byte)),
            b'/' if keep_slash => out.push('/'),
            _ => {
                let _ = std::fmt::Write::write_fmt(&mut out, format_args!("%{byte:02X}"));
            }
        }
    }
    out
}

/// Headers the SDK's signer leaves unsigned, as proxies may change them.
const UNSIGNED_HEADERS: &[&str] = &["authorization", "user-agent", "x-amzn-trace-id", "transfer-encoding"];

/// Why an exchange produced no answer.
enum Exchange {
    /// The connection failed or timed out: worth another attempt.
    Broken(String),
    /// The request could not be made (no credentials, no region).
    Unsendable(String),
}

/// Where the service `id` (the SDK's service id, which names its endpoint
/// variable) signed as `name` is: the environment's endpoint overrides as
/// the SDK reads them, else the region's public endpoint.
pub fn endpoint(id: &str, name: &str, config: &SdkConfig) -> Option<String> {
    let key = ServiceConfigKey::builder().service_id(id).env("AWS_ENDPOINT_URL").profile("endpoint_url").build();
    let overridden = key.ok().and_then(|key| config.service_config()?.load_config(key));
    overridden.or_else(|| config.endpoint_url().map(str::to_owned)).or_else(|| {
        let region = config.region()?;
        // China's regions have their own domain.
        let domain = if region.as_ref().starts_with("cn-") { "amazonaws.com.cn" } else { "amazonaws.com" };
        Some(format!("https://{name}.{region}.{domain}"))
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_the_override_else_the_regions() {
        let region = |name: &'static str| SdkConfig::builder().region(Region::new(name)).build();
        assert_eq!(
            endpoint("DynamoDB", "dynamodb", &region("ap-south-1")).as_deref(),
            Some("https://dynamodb.ap-south-1.amazonaws.com")
        );
        assert_eq!(
            endpoint("Secrets Manager", "secretsmanager", &region("cn-north-1")).as_deref(),
            Some("https://secretsmanager.cn-north-1.amazonaws.com.cn")
        );
        let global =
            SdkConfig::builder().region(Region::new("us-east-1")).endpoint_url("http://127.0.0.1:8000").build();
        assert_eq!(endpoint("S3", "s3", &global).as_deref(), Some("http://127.0.0.1:8000"));
        assert_eq!(endpoint("DynamoDB", "dynamodb", &SdkConfig::builder().build()), None);
    }

    fn plain(status: u16, _: &AnswerHeaders, body: Bytes) -> Refusal {
        Refusal::new(status, "", "", body)
    }

    /// Requests signed for `name` with the default settings, whose errors
    /// name no code.
    pub(crate) fn signing(name: &'static str) -> ServiceSigning {
        ServiceSigning { name, signer: Signer::Sdk(SigningSettings::default), refusal: plain }
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
        let client = SignedRequests::new(signing("s3"), &config, Scripted::default().connector());
        for _ in 0..50 {
            assert!(client.backoff(1) <= Duration::from_millis(100));
            assert!(client.backoff(2) <= Duration::from_millis(200));
            assert!(client.backoff(9) <= Duration::from_millis(300));
        }
    }

    #[test]
    fn throttling_and_5xx_are_worth_a_retry_and_a_denial_is_not() {
        let refusal = |status, code| Refusal::new(status, code, "", Bytes::new());
        assert!(refusal(400, "ThrottlingException").retryable());
        assert!(refusal(503, "SlowDown").retryable());
        assert!(refusal(502, "").retryable());
        assert!(!refusal(403, "AccessDenied").retryable());
        assert!(!refusal(400, "ValidationException").retryable());
        assert_eq!(refusal(404, "").code, "HTTP 404");
    }

    /// A request's method and URL, headers and body.
    pub(crate) type Sent = (String, String, http::HeaderMap, Vec<u8>);

    /// Answers each request with the next of `answers` (status, headers,
    /// body), and keeps the requests it was sent.
    #[derive(Debug, Clone, Default)]
    pub(crate) struct Scripted {
        pub answers: std::sync::Arc<std::sync::Mutex<Vec<(u16, &'static str)>>>,
        pub headers: std::sync::Arc<std::sync::Mutex<Vec<(&'static str, &'static str)>>>,
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
            let sent = (request.method().to_string(), request.uri().to_string(), request.headers().clone(), body);
            self.seen.lock().unwrap().push(sent);
            let (status, body) = self.answers.lock().unwrap().remove(0);
            let status = aws_smithy_runtime_api::http::StatusCode::try_from(status).unwrap();
            let mut response =
                aws_smithy_runtime_api::client::orchestrator::HttpResponse::new(status, SdkBody::from(body));
            for (name, value) in self.headers.lock().unwrap().iter() {
                response.headers_mut().insert(*name, *value);
            }
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
    async fn without_credentials_nothing_is_sent() {
        let connector = Scripted::default();
        let config = SdkConfig::builder().region(Region::new("ap-south-1")).build();
        let requests = SignedRequests::new(signing("s3"), &config, connector.connector());
        let body = Bytes::new();
        let outgoing =
            Outgoing { method: "GET", url: "https://s3.ap-south-1.amazonaws.com/b/k", headers: &[], body: &body };
        let answer = requests.call(&outgoing).await;
        assert!(matches!(&answer, Err(CallFailure::Unavailable(why)) if why == "no AWS credentials"), "{answer:?}");
        assert!(connector.seen.lock().unwrap().is_empty());
    }
}
