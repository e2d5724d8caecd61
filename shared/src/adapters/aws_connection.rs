//! An SDK HTTP connector over HTTP/1.1 connections of its own, kept alive
//! and reused, with no client above them: for the one call a function makes
//! at volume to one host (the webhook's DynamoDB transaction).
//!
//! Why not reqwest there: its layers (proxy matching, redirect policy,
//! timeouts, the URL parsed again for each answer) and hyper-util's pool
//! cost the webhook about a quarter of its CPU a message (1,101 → 801 µs,
//! interleaved, 5 rounds), for one host and answers of a few hundred bytes.
//! TLS is the same rustls (ring, webpki roots) reqwest uses; every other
//! call still goes through [`super::aws_http`].

use super::http1_exchange::{exchange, Answer, ExchangeFailure, Request};
use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorFuture, HttpConnectorSettings};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_types::body::SdkBody;
use bytes::BytesMut;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

/// An open connection, the scheme and authority it was opened to, and what
/// was read on it past the last answer.
#[derive(Debug)]
struct Kept {
    origin: String,
    stream: Stream,
    buffer: BytesMut,
}

/// Sends each request over an idle connection to its host when one is open,
/// over a new one otherwise, and keeps the connection once its answer is
/// read. The request is written and its answer read inside the caller's
/// task ([`http1_exchange`](super::http1_exchange) says why); answers are
/// read whole before they are handed on (this serves small answers), and a
/// request body must be in memory, as a signed one is.
#[derive(Debug, Clone)]
pub struct KeptAliveConnector {
    idle: Arc<Mutex<Vec<Kept>>>,
    trusted: Arc<OnceLock<Arc<rustls::ClientConfig>>>,
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
            trusted: Arc::default(),
            tls: None,
            read_timeout: settings.read_timeout(),
            connect_timeout: settings.connect_timeout(),
        }
    }

    fn tls_config(&self) -> Arc<rustls::ClientConfig> {
        self.trusted
            .get_or_init(|| {
                Arc::new(self.tls.clone().unwrap_or_else(|| {
                    let roots = rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
                    rustls::ClientConfig::builder().with_root_certificates(roots).with_no_client_auth()
                }))
            })
            .clone()
    }

    /// An idle connection to `origin`, if any. Whether its server has closed
    /// it since is found out by using it (`exchange`).
    fn kept(&self, origin: &str) -> Option<Kept> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let at = idle.iter().rposition(|kept| kept.origin == origin)?;
        Some(idle.swap_remove(at))
    }

    async fn open(&self, uri: &http::Uri, origin: String) -> Result<Kept, ConnectorError> {
        let host = uri.host().ok_or_else(|| ConnectorError::user("a request with no host".into()))?;
        let https = uri.scheme_str() == Some("https");
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let bare_host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
        let opening = async {
            let tcp = TcpStream::connect((bare_host.as_str(), port)).await.map_err(|e| ConnectorError::io(e.into()))?;
            tcp.set_nodelay(true).map_err(|e| ConnectorError::io(e.into()))?;
            if !https {
                return Ok(Stream::Plain(tcp));
            }
            let name = rustls::pki_types::ServerName::try_from(bare_host.clone())
                .map_err(|e| ConnectorError::user(e.into()))?;
            let tls = tokio_rustls::TlsConnector::from(self.tls_config());
            Ok(Stream::Tls(Box::new(tls.connect(name, tcp).await.map_err(|e| ConnectorError::io(e.into()))?)))
        };
        let stream = match self.connect_timeout {
            Some(limit) => {
                tokio::time::timeout(limit, opening).await.map_err(|elapsed| ConnectorError::timeout(elapsed.into()))?
            }
            None => opening.await,
        }?;
        Ok(Kept { origin, stream, buffer: BytesMut::new() })
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, ConnectorError> {
        let (head, body) = request.try_into_http1x().map_err(|e| ConnectorError::user(e.into()))?.into_parts();
        let body = body
            .bytes()
            .ok_or_else(|| ConnectorError::user("a streamed body, which this connector does not send".into()))?;
        let answer = self.send_parts(head, body).await?;
        let mut response = http::Response::new(SdkBody::from(answer.body));
        *response.status_mut() = answer.status;
        *response.headers_mut() = answer.headers.to_map().map_err(|e| ConnectorError::other(e.into(), None))?;
        HttpResponse::try_from(response).map_err(|e| ConnectorError::other(e.into(), None))
    }

    /// Sends the request `head` with `body` and reads its answer whole: what
    /// the connector does, in the `http` crate's types, without the SDK's
    /// request and response around them (and the copies into and out of
    /// them) for a caller that signs its own requests.
    pub async fn send_parts(&self, mut head: http::request::Parts, body: &[u8]) -> Result<Answer, ConnectorError> {
        let host = head.uri.authority().ok_or_else(|| ConnectorError::user("a request with no host".into()))?;
        let origin = format!("{}://{host}", head.uri.scheme_str().unwrap_or("http"));
        // HTTP/1.1's origin form: the path on the request line, the host in its header.
        let host = http::HeaderValue::from_str(host.as_str()).map_err(|e| ConnectorError::user(e.into()))?;
        head.headers.insert(http::header::HOST, host);
        let path = head.uri.path_and_query().map_or("/", |p| p.as_str());
        let request = (&head.method, path, &head.headers);
        if let Some(kept) = self.kept(&origin) {
            match self.exchange(kept, true, request, body).await {
                Err(Failed { stale: true, .. }) => {}
                answered => return answered.map_err(|failed| failed.error),
            }
        }
        let opened = self.open(&head.uri, origin).await?;
        self.exchange(opened, false, request, body).await.map_err(|failed| failed.error)
    }

    /// `request` and `body` over `connection`, which goes back to the idle
    /// ones once the answer is read whole, unless the server said it closes.
    async fn exchange(
        &self,
        mut connection: Kept,
        kept: bool,
        request: Request<'_>,
        body: &[u8],
    ) -> Result<Answer, Failed> {
        let exchanged = exchange(&mut connection.stream, &mut connection.buffer, request, body);
        let answered = match self.read_timeout {
            Some(limit) => tokio::time::timeout(limit, exchanged)
                .await
                .map_err(|elapsed| Failed { error: ConnectorError::timeout(elapsed.into()), stale: false })?,
            None => exchanged.await,
        };
        let answer = answered.map_err(|failure| Failed {
            // A kept connection closed before any answer came: the server
            // had dropped it. The SDK's retry would send the request again
            // (the webhook's writes are conditional: a second try of one
            // that committed is refused or writes the same, never doubles);
            // this does so at once, without the backoff meant for a service
            // in trouble.
            stale: kept && matches!(failure, ExchangeFailure::ClosedBeforeAnswer(_)),
            error: ConnectorError::io(failure.into()),
        })?;
        if answer.reusable {
            self.idle.lock().unwrap_or_else(PoisonError::into_inner).push(connection);
        }
        Ok(answer)
    }
}

/// A connection's stream: plain TCP (DynamoDB Local, a test's server) or TLS.
#[derive(Debug)]
enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_read(cx, buf),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_write(cx, buf),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_flush(cx),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_shutdown(cx),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_shutdown(cx),
        }
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
