//! The AWS SDK's HTTP client over reqwest: HTTP/1.1 on rustls with ring,
//! the stack the Cloud API client uses already. DynamoDB, SQS, S3 and
//! Secrets Manager all answer HTTP/1.1, and the SDK's own rustls client
//! links HTTP/2 whether it is spoken or not (h2 was 0.6 MB of every
//! binary), beside a second HTTP client where a function also calls Meta.

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use std::sync::{Arc, Mutex, OnceLock};

/// One reqwest client (and so one connection pool) for every SDK client
/// built from the same configuration, made with the first request rather
/// than at init: building it loads the TLS roots.
#[derive(Debug, Clone, Default)]
pub struct ReqwestHttpClient {
    client: Arc<OnceLock<Result<reqwest::Client, String>>>,
}

impl ReqwestHttpClient {
    /// The process's one client: every SDK client and every request sent
    /// without one share its pool, and the TLS roots are read once.
    pub fn process_wide() -> ReqwestHttpClient {
        static CLIENT: OnceLock<ReqwestHttpClient> = OnceLock::new();
        CLIENT.get_or_init(ReqwestHttpClient::default).clone()
    }

    /// A connector over this client's pool; also how requests sent outside
    /// the SDK's orchestrator share it. The client is made at the first
    /// request through any of its connectors, with that connector's
    /// timeouts (the SDK's defaults, which Parley keeps).
    pub fn connector(&self, settings: &HttpConnectorSettings) -> SharedHttpConnector {
        SharedHttpConnector::new(ReqwestConnector {
            client: self.client.clone(),
            settings: settings.clone(),
            last_url: Mutex::default(),
        })
    }
}

impl HttpClient for ReqwestHttpClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
        // The SDK asks once per request.
        self.connector(settings)
    }
}

#[derive(Debug)]
struct ReqwestConnector {
    client: Arc<OnceLock<Result<reqwest::Client, String>>>,
    settings: HttpConnectorSettings,
    /// The last URL sent to, parsed. A connector kept by a direct client
    /// sends to one URL over and over (DynamoDB's is the same for every
    /// call), and parsing it (IDNA included) was 1–2% of a webhook's CPU
    /// in a profile.
    last_url: Mutex<Option<(http::Uri, reqwest::Url)>>,
}

impl ReqwestConnector {
    fn client(&self) -> Result<reqwest::Client, String> {
        let made = self.client.get_or_init(|| {
            // The SDK reads a redirect itself (S3 names the bucket's
            // region in it); following one would resend a signed request.
            let mut builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
            if let Some(timeout) = self.settings.connect_timeout() {
                builder = builder.connect_timeout(timeout);
            }
            if let Some(timeout) = self.settings.read_timeout() {
                builder = builder.read_timeout(timeout);
            }
            builder.build().map_err(|e| e.to_string())
        });
        made.clone()
    }

    /// `uri` as reqwest takes it, parsed only when it differs from the last.
    fn url(&self, uri: &http::Uri) -> Result<reqwest::Url, ConnectorError> {
        let mut last = self.last_url.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, url)) = last.as_ref().filter(|(sent, _)| sent == uri) {
            return Ok(url.clone());
        }
        let url = reqwest::Url::parse(&uri.to_string()).map_err(|e| ConnectorError::user(e.into()))?;
        *last = Some((uri.clone(), url.clone()));
        Ok(url)
    }

    /// The SDK's request as reqwest's, built here rather than through
    /// `reqwest::Request::try_from`, which parses the URL every time.
    fn reqwest_request(&self, request: HttpRequest) -> Result<reqwest::Request, ConnectorError> {
        let (parts, body) = request.try_into_http1x().map_err(|e| ConnectorError::user(e.into()))?.into_parts();
        let mut out = reqwest::Request::new(parts.method, self.url(&parts.uri)?);
        *out.headers_mut() = parts.headers;
        *out.version_mut() = parts.version;
        *out.body_mut() = Some(match body.bytes() {
            Some(bytes) => reqwest::Body::from(bytes.to_vec()),
            None => reqwest::Body::wrap(body),
        });
        Ok(out)
    }
}

impl HttpConnector for ReqwestConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let client = self.client();
        let request = self.reqwest_request(request);
        HttpConnectorFuture::new(async move {
            let client = client.map_err(|why| ConnectorError::other(why.into(), None))?;
            send(&client, request?).await
        })
    }
}

async fn send(client: &reqwest::Client, request: reqwest::Request) -> Result<HttpResponse, ConnectorError> {
    let response: http::Response<reqwest::Body> = client.execute(request).await.map_err(connector_error)?.into();
    let (parts, body) = response.into_parts();
    HttpResponse::try_from(http::Response::from_parts(parts, SdkBody::from_body_1_x(body)))
        .map_err(|e| ConnectorError::other(e.into(), None))
}

/// Timeouts and broken connections are what the SDK's retry retries.
fn connector_error(error: reqwest::Error) -> ConnectorError {
    if error.is_timeout() {
        ConnectorError::timeout(error.into())
    } else if error.is_connect() || error.is_request() || error.is_body() {
        ConnectorError::io(error.into())
    } else {
        ConnectorError::other(error.into(), None)
    }
}
