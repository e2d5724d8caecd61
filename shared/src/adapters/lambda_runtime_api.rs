//! Lambda's Runtime API spoken directly: fetch the next invocation, run the
//! handler on its event inside a span naming the request, post its answer
//! or its error, over one kept-alive connection, in the handler's task.
//!
//! Why not `lambda_runtime` for the webhook: its loop is a tower stack over
//! hyper-util's pooled client (a connection task, a dispatcher, layers for
//! tracing, panics and the answer's shape), which is what a call of a
//! do-nothing function costs. The webhook runs once per message and needs
//! none of it: a JSON event in, a JSON answer out. Every other function
//! keeps `lambda_runtime`. The span's name and fields are `lambda_runtime`'s,
//! so a log line reads the same from either. The trace id goes to the span
//! only, not to `_X_AMZN_TRACE_ID` as `lambda_runtime` sets it: the stack
//! does not turn X-Ray on, and nothing in the function reads it.

use super::http1_exchange::{exchange, exchange_pair, Answer, ExchangeFailure};
use bytes::BytesMut;
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use tokio::net::TcpStream;
use tracing::Instrument as _;

const NEXT: &str = "/2018-06-01/runtime/invocation/next";
const ERROR_TYPE: &str = "lambda-runtime-function-error-type";

/// Why the loop stopped: the Runtime API could not be reached, or answered
/// what no Runtime API answers. Lambda then ends the container.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeApiFailure {
    /// `AWS_LAMBDA_RUNTIME_API` is not set: not running under Lambda.
    #[error("AWS_LAMBDA_RUNTIME_API is not set")]
    NotUnderLambda,
    /// The connection could not be opened, or broke twice running.
    #[error("the Runtime API at {address} could not be reached: {why}")]
    Unreachable {
        /// The API's address.
        address: String,
        /// What failed.
        why: String,
    },
    /// An answer that is not the API's.
    #[error("the Runtime API answered {0}")]
    Unexpected(String),
}

/// What an invocation failed with, as the Runtime API records it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Diagnostic {
    error_type: &'static str,
    error_message: String,
}

/// The Runtime API's address (`host:port`), from `AWS_LAMBDA_RUNTIME_API`.
pub fn address() -> Result<String, RuntimeApiFailure> {
    std::env::var("AWS_LAMBDA_RUNTIME_API").map_err(|_| RuntimeApiFailure::NotUnderLambda)
}

/// Runs `handler` on each invocation's event from the Runtime API at
/// `address` until it stops answering. An event that does not read as `E`
/// fails its invocation (`InvalidEventDataError`, as `lambda_runtime` names
/// it) and the loop goes on; so does a handler's error. Nothing is opened
/// until the loop starts.
pub async fn serve<E, A, H, F, X>(address: String, mut handler: H) -> Result<(), RuntimeApiFailure>
where
    E: DeserializeOwned,
    A: Serialize,
    H: FnMut(E) -> F,
    F: Future<Output = Result<A, X>>,
    X: std::fmt::Display,
{
    let mut api = RuntimeApi::new(address);
    let mut next = api.call(Method::GET, NEXT, &[]).await?;
    loop {
        if next.status != StatusCode::OK {
            return Err(RuntimeApiFailure::Unexpected(format!("{} to the next invocation", next.status)));
        }
        let request_id = next
            .headers
            .get("lambda-runtime-aws-request-id")
            .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
            .ok_or_else(|| RuntimeApiFailure::Unexpected("an invocation without a request id".into()))?
            .to_owned();
        let span = match next.headers.get("lambda-runtime-trace-id") {
            Some(trace) => tracing::info_span!("Lambda runtime invoke", requestId = %request_id, xrayTraceId = trace),
            None => tracing::info_span!("Lambda runtime invoke", requestId = %request_id),
        };
        let outcome = async {
            let event = serde_json::from_slice::<E>(&next.body).map_err(|e| Diagnostic {
                error_type: "InvalidEventDataError",
                error_message: format!("the event did not read: {e}"),
            })?;
            let answer = handler(event)
                .await
                .map_err(|e| Diagnostic { error_type: "HandlerError", error_message: e.to_string() })?;
            serde_json::to_vec(&answer)
                .map_err(|e| Diagnostic { error_type: "InvalidAnswer", error_message: e.to_string() })
        }
        .instrument(span.clone())
        .await;
        let (path, body, error_type) = match outcome {
            Ok(answer) => (format!("/2018-06-01/runtime/invocation/{request_id}/response"), answer, None),
            Err(diagnostic) => {
                span.in_scope(|| tracing::error!(error_type = diagnostic.error_type, "the invocation failed"));
                let body = serde_json::to_vec(&diagnostic).unwrap_or_default();
                (format!("/2018-06-01/runtime/invocation/{request_id}/error"), body, Some(diagnostic.error_type))
            }
        };
        // The next poll goes with the answer, whatever becomes of it.
        let (posted, following) = api.post_then_poll(&path, &body, error_type).await?;
        if !posted.is_success() {
            // 413 (an answer over 6 MB) and the like: Lambda has failed the
            // invocation itself; the loop goes on to the next.
            span.in_scope(|| tracing::error!(status = posted.as_u16(), "the Runtime API refused the answer"));
        }
        next = following;
    }
}

/// The kept connection to the Runtime API, opened when first needed and
/// again when it closes.
struct RuntimeApi {
    address: String,
    headers: HeaderMap,
    connection: Option<(TcpStream, BytesMut)>,
}

impl RuntimeApi {
    fn new(address: String) -> Self {
        let mut headers = HeaderMap::new();
        if let Ok(host) = HeaderValue::from_str(&address) {
            headers.insert(http::header::HOST, host);
        }
        RuntimeApi { address, headers, connection: None }
    }

    /// `method path` with `body`, on the kept connection, or on a new one
    /// when the kept one turns out to have been closed before it answered.
    async fn call(&mut self, method: Method, path: &str, body: &[u8]) -> Result<Answer, RuntimeApiFailure> {
        for attempt in 0..2 {
            let (stream, buffer) =
                open(&mut self.connection, &self.address).await.map_err(|e| unreachable(&self.address, e))?;
            match exchange(stream, buffer, (&method, path, &self.headers), body).await {
                Ok(answer) => return Ok(self.kept_after(answer)),
                Err(ExchangeFailure::ClosedBeforeAnswer(_)) if attempt == 0 => self.connection = None,
                Err(failure) => return Err(self.dropped(failure)),
            }
        }
        Err(unreachable(&self.address, "closed twice before answering"))
    }

    /// Posts `body` to `path` and polls for the next invocation in the same
    /// write: the status of the post, and the next invocation. When the post's
    /// answer closes the connection, the poll goes again on a new one. An
    /// error's post names its type in `Lambda-Runtime-Function-Error-Type`,
    /// as the Runtime API documents it, beside the same in its body.
    async fn post_then_poll(
        &mut self,
        path: &str,
        body: &[u8],
        error_type: Option<&'static str>,
    ) -> Result<(StatusCode, Answer), RuntimeApiFailure> {
        let error_headers = error_type.map(|error_type| {
            let mut headers = self.headers.clone();
            headers.insert(ERROR_TYPE, HeaderValue::from_static(error_type));
            headers
        });
        for attempt in 0..2 {
            let (stream, buffer) =
                open(&mut self.connection, &self.address).await.map_err(|e| unreachable(&self.address, e))?;
            let post = ((&Method::POST, path, error_headers.as_ref().unwrap_or(&self.headers)), body);
            let poll = ((&Method::GET, NEXT, &self.headers), &[][..]);
            match exchange_pair(stream, buffer, post, poll).await {
                Ok((posted, Ok(next))) => return Ok((posted.status, self.kept_after(next))),
                Ok((posted, Err(ExchangeFailure::ClosedBeforeAnswer(_)))) => {
                    self.connection = None;
                    return Ok((posted.status, self.call(Method::GET, NEXT, &[]).await?));
                }
                Ok((_, Err(failure))) => return Err(self.dropped(failure)),
                Err(ExchangeFailure::ClosedBeforeAnswer(_)) if attempt == 0 => self.connection = None,
                Err(failure) => return Err(self.dropped(failure)),
            }
        }
        Err(unreachable(&self.address, "closed twice before answering"))
    }

    /// `answer`, letting its connection go when it cannot carry another.
    fn kept_after(&mut self, answer: Answer) -> Answer {
        if !answer.reusable {
            self.connection = None;
        }
        answer
    }

    /// Lets the connection go after `failure`.
    fn dropped(&mut self, failure: ExchangeFailure) -> RuntimeApiFailure {
        self.connection = None;
        unreachable(&self.address, failure)
    }
}

fn unreachable(address: &str, why: impl std::fmt::Display) -> RuntimeApiFailure {
    RuntimeApiFailure::Unreachable { address: address.to_owned(), why: why.to_string() }
}

/// The kept connection, or a new one.
async fn open<'a>(
    connection: &'a mut Option<(TcpStream, BytesMut)>,
    address: &str,
) -> std::io::Result<&'a mut (TcpStream, BytesMut)> {
    let open = match connection.take() {
        Some(kept) => kept,
        None => {
            let stream = TcpStream::connect(address).await?;
            stream.set_nodelay(true)?;
            (stream, BytesMut::new())
        }
    };
    Ok(connection.insert(open))
}

#[cfg(test)]
mod tests;
