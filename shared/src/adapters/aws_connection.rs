//! An SDK HTTP connector over hyper's own HTTP/1.1 connections, kept alive
//! and reused, with no client above them: for the one call a function makes
//! at volume to one host (the webhook's DynamoDB transaction).
//!
//! Why not reqwest there: its layers (proxy matching, redirect policy,
//! timeouts, the URL parsed again for each answer) and hyper-util's pool
//! cost the webhook about a quarter of its CPU a message (1,101 → 801 µs,
//! interleaved, 5 rounds), for one host and answers of a few hundred bytes.
//! TLS is the same rustls (ring, webpki roots) reqwest uses; every other
//! call still goes through [`super::aws_http`].

use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorFuture, HttpConnectorSettings};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_types::body::SdkBody;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector as TcpConnector;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;
use tower::Service;

type Connection = SendRequest<Full<Bytes>>;

/// An idle connection, and the scheme and authority it was opened to.
type Idle = (String, Connection);

/// Sends each request over an idle connection to its host when one is open,
/// over a new one otherwise, and keeps the connection once its answer is
/// read. Answers are read whole before they are handed on (this serves
/// small answers), and a request body must be in memory, as a signed one is.
#[derive(Debug, Clone)]
pub struct KeptAliveConnector {
    idle: Arc<Mutex<Vec<Idle>>>,
    dialer: Arc<OnceLock<HttpsConnector<TcpConnector>>>,
    /// Whom TLS trusts: the webpki roots, unless a test names its own
    /// authority (Lambda's never does).
    tls: Option<rustls::ClientConfig>,
    read_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
}

/// How an exchange failed, and whether it may be tried again at once.
struct Failed {
    error: ConnectorError,
    /// On a connection kept from before, which the server may have closed
    /// while it sat idle (a Lambda container is frozen between requests).
    stale: bool,
}

impl KeptAliveConnector {
    /// A connector with `settings`' timeouts. Nothing is opened, and the
    /// TLS roots are not read, until the first request.
    pub fn new(settings: &HttpConnectorSettings) -> Self {
        KeptAliveConnector {
            idle: Arc::default(),
            dialer: Arc::default(),
            tls: None,
            read_timeout: settings.read_timeout(),
            connect_timeout: settings.connect_timeout(),
        }
    }

    fn dialer(&self) -> HttpsConnector<TcpConnector> {
        self.dialer
            .get_or_init(|| {
                let mut tcp = TcpConnector::new();
                tcp.enforce_http(false);
                tcp.set_nodelay(true);
                tcp.set_connect_timeout(self.connect_timeout);
                let tls = hyper_rustls::HttpsConnectorBuilder::new();
                let tls = match &self.tls {
                    Some(config) => tls.with_tls_config(config.clone()),
                    None => tls.with_webpki_roots(),
                };
                tls.https_or_http().enable_http1().wrap_connector(tcp)
            })
            .clone()
    }

    /// An idle connection to `origin` still open, if any; those the server
    /// closed are let go on the way.
    fn kept(&self, origin: &str) -> Option<Connection> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        // Not `is_ready`: a connection whose last answer was just read may
        // not be marked ready yet; `exchange` waits for that.
        idle.retain(|(_, connection)| !connection.is_closed());
        let at = idle.iter().rposition(|(opened_to, _)| opened_to == origin)?;
        Some(idle.swap_remove(at).1)
    }

    async fn open(&self, uri: &http::Uri) -> Result<Connection, ConnectorError> {
        let stream = self.dialer().call(uri.clone()).await.map_err(ConnectorError::io)?;
        let (connection, driver) = http1::handshake(stream).await.map_err(|e| ConnectorError::io(e.into()))?;
        // Drives the connection until either side closes it.
        tokio::spawn(async move {
            let _ = driver.await;
        });
        Ok(connection)
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, ConnectorError> {
        let (mut head, body) = request.try_into_http1x().map_err(|e| ConnectorError::user(e.into()))?.into_parts();
        let body = body
            .bytes()
            .map(Bytes::copy_from_slice)
            .ok_or_else(|| ConnectorError::user("a streamed body, which this connector does not send".into()))?;
        let uri = std::mem::take(&mut head.uri);
        let host = uri.authority().ok_or_else(|| ConnectorError::user("a request with no host".into()))?;
        let origin = format!("{}://{host}", uri.scheme_str().unwrap_or("http"));
        // HTTP/1.1's origin form: the path on the request line, the host in its header.
        head.headers.insert(
            http::header::HOST,
            http::HeaderValue::from_str(host.as_str()).map_err(|e| ConnectorError::user(e.into()))?,
        );
        head.uri = uri.path_and_query().map_or_else(|| http::Uri::from_static("/"), |p| http::Uri::from(p.clone()));
        if let Some(connection) = self.kept(&origin) {
            match self.exchange(connection, &origin, true, head.clone(), body.clone()).await {
                Err(Failed { stale: true, .. }) => {}
                answered => return answered.map_err(|failed| failed.error),
            }
        }
        let connection = self.open(&uri).await?;
        self.exchange(connection, &origin, false, head, body).await.map_err(|failed| failed.error)
    }

    /// `head` and `body` over `connection` to `origin`, which goes back to
    /// the idle ones once the answer is read whole.
    async fn exchange(
        &self,
        mut connection: Connection,
        origin: &str,
        kept: bool,
        head: http::request::Parts,
        body: Bytes,
    ) -> Result<HttpResponse, Failed> {
        let exchange = async {
            connection.ready().await?;
            let (head, body) =
                connection.send_request(http::Request::from_parts(head, Full::new(body))).await?.into_parts();
            Ok::<_, hyper::Error>((head, body.collect().await?.to_bytes()))
        };
        let answered = match self.read_timeout {
            Some(limit) => tokio::time::timeout(limit, exchange)
                .await
                .map_err(|elapsed| Failed { error: ConnectorError::timeout(elapsed.into()), stale: false })?,
            None => exchange.await,
        };
        let (head, body) = answered.map_err(|error| Failed {
            // A kept connection closed before any answer came: the server
            // had dropped it. The SDK's retry would send the request again
            // (the webhook's writes are conditional: a second try of one
            // that committed is refused or writes the same, never doubles);
            // this does so at once, without the backoff meant for a service
            // in trouble.
            stale: kept && (error.is_canceled() || error.is_closed() || error.is_incomplete_message()),
            error: ConnectorError::io(error.into()),
        })?;
        self.idle.lock().unwrap_or_else(PoisonError::into_inner).push((origin.to_owned(), connection));
        HttpResponse::try_from(http::Response::from_parts(head, SdkBody::from(body)))
            .map_err(|e| Failed { error: ConnectorError::other(e.into(), None), stale: false })
    }
}

impl HttpConnector for KeptAliveConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let connector = self.clone();
        HttpConnectorFuture::new(async move { connector.send(request).await })
    }
}

#[cfg(test)]
mod tests;
