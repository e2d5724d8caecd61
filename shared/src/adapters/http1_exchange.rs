//! One HTTP/1.1 request written and its answer read over a stream the caller
//! keeps open between requests, inside the caller's own task.
//!
//! Why not hyper's connection here: hyper drives each connection in a task
//! of its own, so every answer is read there and handed over, a wake-up and
//! a channel between two tasks per request, beside its dispatcher's state
//! machine. For one request at a time to one host, with answers of a few
//! hundred bytes (the webhook's DynamoDB transaction), writing the request
//! in one piece and reading the answer where it is awaited costs less.
//! Answers are read whole, framed by `Content-Length`, chunked, or by the
//! end of the stream.

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use std::io::Write as _;
use std::ops::Range;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The most header lines an answer may have.
const MAX_HEADERS: usize = 64;
/// The longest answer read: far above any AWS JSON answer Parley reads this
/// way, and a bound on what a broken peer can make it hold.
const MAX_ANSWER: usize = 16 * 1024 * 1024;

/// An answer read whole.
#[derive(Debug)]
pub struct Answer {
    /// Its status.
    pub status: StatusCode,
    /// Its headers.
    pub headers: HeaderLines,
    /// Its body, de-chunked.
    pub body: Bytes,
    /// Whether the stream may carry the next request: false when the peer
    /// said `Connection: close`, ended the body by closing, or sent bytes
    /// past the answer (which no next answer could be told apart from).
    pub reusable: bool,
}

/// An answer's header lines, kept in the bytes they came in and found by
/// name when asked for.
///
/// Why not a `HeaderMap`: building one costs two allocations a line and a
/// hash each, and most answers read here are asked for one or two headers
/// (the Runtime API's request id, or nothing at all on DynamoDB's
/// success). In the webhook the map was a twentieth of a message's CPU.
#[derive(Debug)]
pub struct HeaderLines {
    head: Bytes,
    /// Each line's name and value, as ranges of `head`.
    lines: Vec<(Range<usize>, Range<usize>)>,
}

impl HeaderLines {
    /// The first value of `name` (in any case), when it is text.
    pub fn get(&self, name: &str) -> Option<&str> {
        std::str::from_utf8(self.get_all(name).next()?).ok()
    }

    /// Every value of `name` (in any case), in the order they came.
    pub fn get_all<'s, 'n>(&'s self, name: &'n str) -> impl Iterator<Item = &'s [u8]> + use<'s, 'n> {
        self.pairs().filter(move |(line, _)| line.eq_ignore_ascii_case(name.as_bytes())).map(|(_, value)| value)
    }

    /// Each line's name and value as bytes, in the order they came: a
    /// lookup compares names as bytes, rather than checking each one is
    /// text first.
    fn pairs(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.lines.iter().map(|(name, value)| (&self.head[name.clone()], &self.head[value.clone()]))
    }

    /// How many lines there are.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines as a `HeaderMap`, for what needs one (the SDK's response).
    pub fn to_map(&self) -> Result<HeaderMap, ExchangeFailure> {
        let mut headers = HeaderMap::with_capacity(self.lines.len());
        for (name, value) in self.pairs() {
            let name = HeaderName::from_bytes(name)
                .map_err(|_| ExchangeFailure::Malformed("a header's name is not a name"))?;
            let value = HeaderValue::from_bytes(value)
                .map_err(|_| ExchangeFailure::Malformed("a header's value is not text"))?;
            headers.append(name, value);
        }
        Ok(headers)
    }
}

/// How an exchange failed.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeFailure {
    /// The stream ended, or broke, before any byte of an answer came: on a
    /// stream kept from before, the peer had closed it while it sat idle,
    /// and the request may go again on a new one.
    #[error("the connection was closed before an answer: {0}")]
    ClosedBeforeAnswer(std::io::Error),
    /// The stream broke part way through the answer.
    #[error("the connection broke during the answer: {0}")]
    Broken(std::io::Error),
    /// What came back was not an HTTP/1.1 answer this reads.
    #[error("an answer that could not be read: {0}")]
    Malformed(&'static str),
}

/// Writes `method path` with `headers` and `body` to `stream` in one write,
/// then reads the answer. `buffer` holds what the stream gave past the
/// answer (a well-behaved peer sends nothing more; when it has, the answer
/// says the stream is not reusable) and is meant to stay with the stream. `headers` should name the host; `Content-Length` is added.
pub async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    buffer: &mut BytesMut,
    request: Request<'_>,
    body: &[u8],
) -> Result<Answer, ExchangeFailure> {
    let mut written = Vec::with_capacity(256 + request.2.len() * 64 + body.len());
    write_request(&mut written, request, body);
    send(stream, &written).await?;
    read_answer(stream, buffer, Next::Nothing).await
}

/// A request's method, path and headers.
pub type Request<'a> = (&'a http::Method, &'a str, &'a HeaderMap);

/// Writes two requests in one write (HTTP/1.1 pipelining: the peer answers
/// them in order) and reads the first's answer, then the second's, which
/// comes as `Err(ClosedBeforeAnswer)` when the first's answer closed the
/// stream (the second request was then never read, and may go again).
///
/// Why: when the second request is sure to follow the first whatever its
/// answer (a Lambda runtime's next poll after its answer is posted), one
/// write instead of two saves a system call and a round of the peer's
/// network stack, which on loopback costs as much as the peer's work.
pub async fn exchange_pair<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    buffer: &mut BytesMut,
    (first, first_body): (Request<'_>, &[u8]),
    (second, second_body): (Request<'_>, &[u8]),
) -> Result<(Answer, Result<Answer, ExchangeFailure>), ExchangeFailure> {
    let mut written =
        Vec::with_capacity(512 + (first.2.len() + second.2.len()) * 64 + first_body.len() + second_body.len());
    write_request(&mut written, first, first_body);
    write_request(&mut written, second, second_body);
    send(stream, &written).await?;
    let first = read_answer(stream, buffer, Next::Answer).await?;
    if !first.reusable {
        let unanswered = std::io::Error::other("the answer before it closed the connection");
        return Ok((first, Err(ExchangeFailure::ClosedBeforeAnswer(unanswered))));
    }
    let second = read_answer(stream, buffer, Next::Nothing).await;
    Ok((first, second))
}

async fn send<S: AsyncWrite + Unpin>(stream: &mut S, written: &[u8]) -> Result<(), ExchangeFailure> {
    let sent = async {
        stream.write_all(written).await?;
        stream.flush().await
    };
    sent.await.map_err(ExchangeFailure::ClosedBeforeAnswer)
}

/// What may follow an answer on the stream.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Next {
    /// Nothing: bytes past the answer make the stream unfit for reuse.
    Nothing,
    /// The answer to a request already sent, which may have come already.
    Answer,
}

fn write_request(out: &mut Vec<u8>, (method, path, headers): Request<'_>, body: &[u8]) {
    // Writes to a Vec cannot fail.
    let _ = write!(out, "{method} {path} HTTP/1.1\r\n");
    for (name, value) in headers {
        if name != http::header::CONTENT_LENGTH {
            out.extend_from_slice(name.as_str().as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
    let _ = write!(out, "content-length: {}\r\n\r\n", body.len());
    out.extend_from_slice(body);
}

/// Reads more of the stream into `buffer`: how many bytes came (0 at its end).
async fn fill<S: AsyncRead + Unpin>(stream: &mut S, buffer: &mut BytesMut) -> std::io::Result<usize> {
    if buffer.len() >= MAX_ANSWER {
        return Err(std::io::Error::other("the answer is larger than this reads"));
    }
    buffer.reserve(4096);
    stream.read_buf(buffer).await
}

async fn read_answer<S: AsyncRead + Unpin>(
    stream: &mut S,
    buffer: &mut BytesMut,
    next: Next,
) -> Result<Answer, ExchangeFailure> {
    let (status, lines, head_length) = loop {
        if !buffer.is_empty() {
            let mut lines = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut parsed = httparse::Response::new(&mut lines);
            match parsed.parse(buffer) {
                Ok(httparse::Status::Complete(length)) => {
                    let status = parsed
                        .code
                        .and_then(|code| StatusCode::from_u16(code).ok())
                        .ok_or(ExchangeFailure::Malformed("its status is not a status"))?;
                    break (status, line_ranges(buffer, parsed.headers), length);
                }
                Ok(httparse::Status::Partial) => {}
                Err(_) => return Err(ExchangeFailure::Malformed("its head is not HTTP/1.1")),
            }
        }
        let before = buffer.is_empty();
        match fill(stream, buffer).await {
            Ok(0) if before => {
                return Err(ExchangeFailure::ClosedBeforeAnswer(std::io::ErrorKind::UnexpectedEof.into()))
            }
            Ok(0) => return Err(ExchangeFailure::Broken(std::io::ErrorKind::UnexpectedEof.into())),
            Ok(_) => {}
            Err(error) if before => return Err(ExchangeFailure::ClosedBeforeAnswer(error)),
            Err(error) => return Err(ExchangeFailure::Broken(error)),
        }
    };
    let headers = HeaderLines { head: buffer.split_to(head_length).freeze(), lines };
    let text = |value| std::str::from_utf8(value).ok();
    let closes = headers
        .get_all("connection")
        .filter_map(text)
        .any(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("close")));
    let chunked =
        headers.get_all("transfer-encoding").filter_map(text).any(|v| v.to_ascii_lowercase().ends_with("chunked"));
    let length =
        headers.get("content-length").map(|value| value.trim().parse::<usize>().ok().filter(|n| *n <= MAX_ANSWER));
    let bodiless = status.is_informational() || status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED;
    let (body, reusable) = if bodiless {
        (Bytes::new(), !closes)
    } else if chunked {
        (read_chunked(stream, buffer).await?, !closes)
    } else {
        match length {
            Some(Some(length)) => (read_exact(stream, buffer, length).await?, !closes),
            Some(None) => return Err(ExchangeFailure::Malformed("its Content-Length is not a length")),
            None => (read_to_end(stream, buffer).await?, false),
        }
    };
    let nothing_past = next == Next::Answer || buffer.is_empty();
    Ok(Answer { status, headers, body, reusable: reusable && nothing_past })
}

/// Where each of `lines` (parsed from `buffer`) sits in it.
fn line_ranges(buffer: &[u8], lines: &[httparse::Header<'_>]) -> Vec<(Range<usize>, Range<usize>)> {
    let start = buffer.as_ptr() as usize;
    // An empty value's slice need not point into the buffer.
    let range = |part: &[u8]| match (part.as_ptr() as usize).checked_sub(start) {
        Some(from) if !part.is_empty() => from..from + part.len(),
        _ => 0..0,
    };
    lines.iter().map(|line| (range(line.name.as_bytes()), range(line.value))).collect()
}

fn broken(error: std::io::Error) -> ExchangeFailure {
    ExchangeFailure::Broken(error)
}

async fn read_exact<S: AsyncRead + Unpin>(
    stream: &mut S,
    buffer: &mut BytesMut,
    length: usize,
) -> Result<Bytes, ExchangeFailure> {
    while buffer.len() < length {
        if fill(stream, buffer).await.map_err(broken)? == 0 {
            return Err(broken(std::io::ErrorKind::UnexpectedEof.into()));
        }
    }
    Ok(buffer.split_to(length).freeze())
}

async fn read_to_end<S: AsyncRead + Unpin>(stream: &mut S, buffer: &mut BytesMut) -> Result<Bytes, ExchangeFailure> {
    while fill(stream, buffer).await.map_err(broken)? > 0 {}
    Ok(buffer.split().freeze())
}

async fn read_chunked<S: AsyncRead + Unpin>(stream: &mut S, buffer: &mut BytesMut) -> Result<Bytes, ExchangeFailure> {
    let mut body = BytesMut::new();
    loop {
        let (size_line, size) = loop {
            match httparse::parse_chunk_size(buffer) {
                Ok(httparse::Status::Complete((length, size))) => break (length, size),
                Ok(httparse::Status::Partial) => {
                    if fill(stream, buffer).await.map_err(broken)? == 0 {
                        return Err(broken(std::io::ErrorKind::UnexpectedEof.into()));
                    }
                }
                Err(_) => return Err(ExchangeFailure::Malformed("a chunk's size is not a size")),
            }
        };
        let size = usize::try_from(size)
            .ok()
            .filter(|size| body.len() + size <= MAX_ANSWER)
            .ok_or(ExchangeFailure::Malformed("a chunk larger than this reads"))?;
        let _ = buffer.split_to(size_line);
        if size == 0 {
            // Trailers, if any, then the blank line that ends them.
            loop {
                let Some(end) = buffer.windows(2).position(|pair| pair == b"\r\n") else {
                    if fill(stream, buffer).await.map_err(broken)? == 0 {
                        return Err(broken(std::io::ErrorKind::UnexpectedEof.into()));
                    }
                    continue;
                };
                let _ = buffer.split_to(end + 2);
                if end == 0 {
                    return Ok(body.freeze());
                }
            }
        }
        let chunk = read_exact(stream, buffer, size + 2).await?;
        if !chunk.ends_with(b"\r\n") {
            return Err(ExchangeFailure::Malformed("a chunk does not end where its size says"));
        }
        body.extend_from_slice(&chunk[..size]);
    }
}

#[cfg(test)]
mod tests;
