//! The exchange against a scripted peer: the far end of an in-memory pipe
//! that reads the request and writes its answer in the pieces given.

use super::*;
use tokio::io::duplex;

/// Sends a POST with `body` to a peer that answers with `pieces`, each
/// written on its own, then closes if `close`. What the peer read, and
/// what the exchange made of the answer.
async fn against(pieces: &[&'static [u8]], close: bool) -> (String, Result<Answer, ExchangeFailure>, BytesMut) {
    let (mut ours, mut theirs) = duplex(64 * 1024);
    let pieces = pieces.to_vec();
    let peer = tokio::spawn(async move {
        let mut read = Vec::new();
        let mut buffer = [0; 4096];
        while !read.ends_with(b"{\"n\":1}") {
            let n = theirs.read(&mut buffer).await.unwrap();
            assert!(n > 0, "the request ended early");
            read.extend_from_slice(&buffer[..n]);
        }
        for piece in pieces {
            // Fails once the exchange has given up and dropped its end.
            let _ = theirs.write_all(piece).await;
            tokio::task::yield_now().await;
        }
        if !close {
            // Held open, as a kept-alive server does.
            std::future::pending::<()>().await;
        }
        String::from_utf8(read).unwrap()
    });
    let mut headers = HeaderMap::new();
    headers.insert(http::header::HOST, HeaderValue::from_static("dynamodb.test"));
    headers.insert("x-amz-target", HeaderValue::from_static("Test.Call"));
    let mut buffer = BytesMut::new();
    let answer = exchange(&mut ours, &mut buffer, (&http::Method::POST, "/", &headers), b"{\"n\":1}").await;
    let read = what_the_peer_read(ours, peer, close).await;
    (read, answer, buffer)
}

/// Closes our end, then waits for what a peer that closes read, or stops
/// one held open.
async fn what_the_peer_read(
    ours: tokio::io::DuplexStream,
    peer: tokio::task::JoinHandle<String>,
    closes: bool,
) -> String {
    drop(ours);
    if closes {
        peer.await.unwrap()
    } else {
        peer.abort();
        String::new()
    }
}

#[tokio::test]
async fn the_request_goes_as_one_head_with_its_length_and_the_answer_is_read_by_its_length() {
    let (read, answer, buffer) = against(
        &[b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Len", b"gth: 2\r\n\r\n{", b"}"],
        true,
    )
    .await;
    assert_eq!(
        read,
        "POST / HTTP/1.1\r\nhost: dynamodb.test\r\nx-amz-target: Test.Call\r\ncontent-length: 7\r\n\r\n{\"n\":1}"
    );
    let answer = answer.unwrap();
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers.get("content-type"), Some("application/x-amz-json-1.0"));
    assert_eq!(&answer.body[..], b"{}", "the answer's body, read across three writes");
    assert!(answer.reusable);
    assert!(buffer.is_empty());
}

#[tokio::test]
async fn every_header_is_read_by_its_name_whatever_its_case_and_repeated_ones_are_kept() {
    let head: &'static [u8] = b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: 8f-1\r\nX-Amz-Crc32: 7\r\n\
        X-Other: one\r\nx-other: two\r\nlambda-runtime-deadline-ms:  99 \r\nX-Empty:\r\nContent-Length: 0\r\n\r\n";
    let (_, answer, _) = against(&[head], true).await;
    let headers = answer.unwrap().headers;
    assert_eq!(headers.get("lambda-runtime-aws-request-id"), Some("8f-1"));
    assert_eq!(headers.get("X-AMZ-CRC32"), Some("7"));
    assert_eq!(headers.get("lambda-runtime-deadline-ms"), Some("99"));
    assert_eq!(headers.get("x-empty"), Some(""));
    assert_eq!(headers.get("x-absent"), None);
    let others: Vec<_> = headers.get_all("x-other").collect();
    assert_eq!(others, [b"one", b"two"]);
    assert_eq!(headers.len(), 7);
    let map = headers.to_map().unwrap();
    assert_eq!(map.len(), 7);
    assert_eq!(map["lambda-runtime-aws-request-id"], "8f-1");
    assert_eq!(map.get_all("x-other").iter().collect::<Vec<_>>(), ["one", "two"]);
    assert_eq!(map["x-empty"], "");
}

#[tokio::test]
async fn a_header_value_that_is_not_text_is_not_given_as_text() {
    let head: &'static [u8] = b"HTTP/1.1 200 OK\r\nX-Latin: caf\xe9\r\nContent-Length: 0\r\n\r\n";
    let (_, answer, _) = against(&[head], true).await;
    let headers = answer.unwrap().headers;
    assert_eq!(headers.get("x-latin"), None);
    assert_eq!(headers.get_all("x-latin").collect::<Vec<_>>(), [b"caf\xe9"]);
}

#[tokio::test]
async fn a_chunked_answer_is_joined_and_its_trailers_read_past() {
    let (_, answer, buffer) = against(
        &[
            b"HTTP/1.1 400 Bad Request\r\ntransfer-encoding: chunked\r\n\r\n8\r\n{\"__t",
            b"ype\r\n",
            b"3;x=y\r\n\":1\r\n1\r\n}\r\n0\r\nx-trailer: t\r\n\r\n",
        ],
        true,
    )
    .await;
    let answer = answer.unwrap();
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(&answer.body[..], b"{\"__type\":1}");
    assert!(answer.reusable);
    assert!(buffer.is_empty(), "nothing of the answer left over");
}

#[tokio::test]
async fn an_answer_that_says_close_or_ends_its_body_by_closing_is_not_kept() {
    let (_, answer, _) = against(&[b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"], true).await;
    let answer = answer.unwrap();
    assert!(answer.body.is_empty());
    assert!(!answer.reusable);
    let (_, answer, _) = against(&[b"HTTP/1.1 200 OK\r\n\r\n{\"to\":", b"\"the end\"}"], true).await;
    let answer = answer.unwrap();
    assert_eq!(&answer.body[..], b"{\"to\":\"the end\"}");
    assert!(!answer.reusable);
}

#[tokio::test]
async fn a_stream_closed_before_any_answer_says_so_and_one_closed_part_way_is_broken() {
    let (_, answer, _) = against(&[], true).await;
    assert!(matches!(answer, Err(ExchangeFailure::ClosedBeforeAnswer(_))), "{answer:?}");
    let (_, answer, _) = against(&[b"HTTP/1.1 200 OK\r\ncontent-le"], true).await;
    assert!(matches!(answer, Err(ExchangeFailure::Broken(_))), "{answer:?}");
    let (_, answer, _) = against(&[b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n{}"], true).await;
    assert!(matches!(answer, Err(ExchangeFailure::Broken(_))), "{answer:?}");
}

#[tokio::test]
async fn what_is_not_http_is_malformed() {
    for answer in [
        &b"SSH-2.0-OpenSSH_9.6\r\n\r\n"[..],
        b"HTTP/1.1 200 OK\r\ncontent-length: lots\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
    ] {
        let (_, answer, _) = against(&[answer], false).await;
        assert!(matches!(answer, Err(ExchangeFailure::Malformed(_))), "{answer:?}");
    }
}

#[tokio::test]
async fn bytes_past_the_answer_make_the_stream_unfit_for_the_next_request() {
    let (_, answer, buffer) = against(&[b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}HTTP/1.1 200"], false).await;
    let answer = answer.unwrap();
    assert_eq!(&answer.body[..], b"{}");
    assert!(!answer.reusable);
    assert_eq!(&buffer[..], b"HTTP/1.1 200");
}

#[tokio::test]
async fn a_bodiless_status_ends_at_its_head() {
    let (_, answer, _) = against(&[b"HTTP/1.1 204 No Content\r\n\r\n"], false).await;
    let answer = answer.unwrap();
    assert_eq!((answer.status, answer.body.len(), answer.reusable), (StatusCode::NO_CONTENT, 0, true));
}

/// Two requests written at once to a peer that answers with `answers`, all
/// in one write, then closes if `close`: what the peer read, and the two
/// answers.
async fn pair_against(
    answers: &'static [u8],
    close: bool,
) -> (String, Result<(Answer, Result<Answer, ExchangeFailure>), ExchangeFailure>, BytesMut) {
    let (mut ours, mut theirs) = duplex(64 * 1024);
    let peer = tokio::spawn(async move {
        let mut read = Vec::new();
        let mut buffer = [0; 4096];
        while !read.ends_with(b"GET /next HTTP/1.1\r\nhost: runtime.test\r\ncontent-length: 0\r\n\r\n") {
            let n = theirs.read(&mut buffer).await.unwrap();
            assert!(n > 0, "the requests ended early");
            read.extend_from_slice(&buffer[..n]);
        }
        let _ = theirs.write_all(answers).await;
        if !close {
            std::future::pending::<()>().await;
        }
        String::from_utf8(read).unwrap()
    });
    let mut headers = HeaderMap::new();
    headers.insert(http::header::HOST, HeaderValue::from_static("runtime.test"));
    let mut buffer = BytesMut::new();
    let post = ((&http::Method::POST, "/answer", &headers), &b"{}"[..]);
    let poll = ((&http::Method::GET, "/next", &headers), &b""[..]);
    let answers = exchange_pair(&mut ours, &mut buffer, post, poll).await;
    let read = what_the_peer_read(ours, peer, close).await;
    (read, answers, buffer)
}

#[tokio::test]
async fn two_requests_go_in_one_write_and_both_answers_are_read_in_order_from_one_piece() {
    let (read, answers, buffer) = pair_against(
        b"HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 7\r\n\r\n{\"n\":2}",
        true,
    )
    .await;
    assert_eq!(
        read,
        "POST /answer HTTP/1.1\r\nhost: runtime.test\r\ncontent-length: 2\r\n\r\n{}\
         GET /next HTTP/1.1\r\nhost: runtime.test\r\ncontent-length: 0\r\n\r\n"
    );
    let (first, second) = answers.unwrap();
    assert_eq!(first.status, StatusCode::ACCEPTED);
    assert!(first.reusable, "the second answer behind the first does not spoil the stream");
    let second = second.unwrap();
    assert_eq!((second.status, &second.body[..]), (StatusCode::OK, &b"{\"n\":2}"[..]));
    assert!(second.reusable);
    assert!(buffer.is_empty());
}

#[tokio::test]
async fn a_first_answer_that_closes_leaves_the_second_request_unanswered_and_free_to_go_again() {
    let (_, answers, _) =
        pair_against(b"HTTP/1.1 202 Accepted\r\nconnection: close\r\ncontent-length: 0\r\n\r\n", true).await;
    let (first, second) = answers.unwrap();
    assert_eq!((first.status, first.reusable), (StatusCode::ACCEPTED, false));
    assert!(matches!(second, Err(ExchangeFailure::ClosedBeforeAnswer(_))), "{second:?}");
    let (_, answers, _) = pair_against(b"HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n", true).await;
    let (first, second) = answers.unwrap();
    assert!(first.reusable);
    assert!(matches!(second, Err(ExchangeFailure::ClosedBeforeAnswer(_))), "closed silently: {second:?}");
}
