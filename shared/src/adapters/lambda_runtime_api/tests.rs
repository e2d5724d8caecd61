//! The loop against a Runtime API of the test's own on a real socket: it
//! hands out the events it is given, keeps what is posted back, and then
//! answers the next poll with a 500, which ends the loop.

use super::*;
use serde::Deserialize;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Default)]
struct Seen {
    connections: usize,
    /// Each post's path and body.
    posts: Vec<(String, String)>,
    /// Each post's `Lambda-Runtime-Function-Error-Type`, if it had one.
    error_types: Vec<Option<String>>,
    /// Posts whose next poll had come with them, before their answer.
    polls_sent_with_posts: usize,
}

/// When the test's Runtime API closes a connection.
#[derive(Clone, Copy, PartialEq)]
enum Closing {
    Never,
    /// After every answer, saying so in it, as a server may.
    AfterEveryAnswer,
    /// After answering a post, without saying so, as a server restarting
    /// may.
    SilentlyAfterPosts,
}

/// Serves `events` (request id, body) in turn, closing as `closing` says.
async fn runtime_api(events: Vec<(&'static str, &'static str)>, closing: Closing) -> (String, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let kept = seen.clone();
    tokio::spawn(async move {
        let mut events = events.into_iter();
        while let Ok((socket, _)) = listener.accept().await {
            kept.lock().unwrap().connections += 1;
            let mut socket = BufReader::new(socket);
            loop {
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if socket.read_line(&mut line).await.unwrap_or(0) == 0 {
                        break;
                    }
                    if line == "\r\n" {
                        break;
                    }
                    head.push_str(&line);
                }
                if head.is_empty() {
                    break;
                }
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length: ").map(|n| n.parse::<usize>().unwrap()))
                    .unwrap_or(0);
                let mut body = vec![0; length];
                socket.read_exact(&mut body).await.unwrap();
                let path = head.split(' ').nth(1).unwrap().to_owned();
                let close = closing == Closing::AfterEveryAnswer;
                let connection = if close { "connection: close\r\n" } else { "" };
                let answer = if head.starts_with("GET ") {
                    match events.next() {
                        Some((id, event)) => format!(
                            "HTTP/1.1 200 OK\r\nlambda-runtime-aws-request-id: {id}\r\nlambda-runtime-trace-id: Root=1-a\r\n{connection}content-length: {}\r\n\r\n{event}",
                            event.len()
                        ),
                        None => "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n".to_owned(),
                    }
                } else {
                    let mut seen = kept.lock().unwrap();
                    seen.posts.push((path, String::from_utf8(body).unwrap()));
                    let error_type = head.lines().find_map(|l| l.strip_prefix("lambda-runtime-function-error-type: "));
                    seen.error_types.push(error_type.map(str::to_owned));
                    seen.polls_sent_with_posts += usize::from(socket.buffer().starts_with(b"GET "));
                    format!("HTTP/1.1 202 Accepted\r\n{connection}content-length: 0\r\n\r\n")
                };
                socket.write_all(answer.as_bytes()).await.unwrap();
                if close || (closing == Closing::SilentlyAfterPosts && head.starts_with("POST ")) {
                    break;
                }
            }
        }
    });
    (address, seen)
}

#[derive(Deserialize)]
struct Event {
    n: i64,
}

async fn doubling(event: Event) -> Result<serde_json::Value, String> {
    tracing::info!("doubling");
    match event.n {
        n if n < 0 => Err(format!("{n} is below zero")),
        n => Ok(serde_json::json!({"doubled": n * 2})),
    }
}

fn events() -> Vec<(&'static str, &'static str)> {
    vec![("id-1", r#"{"n":2}"#), ("id-2", r#"{"x":1}"#), ("id-3", r#"{"n":-1}"#), ("id-4", r#"{"n":5}"#)]
}

#[tokio::test(flavor = "current_thread")]
async fn each_event_is_answered_or_failed_in_turn_over_one_kept_connection_inside_its_requests_span() {
    let (address, seen) = runtime_api(events(), Closing::Never).await;
    let logs = crate::adapters::test_log_capture::CapturedLogs::default();
    let writer = logs.clone();
    let _logging = tracing::subscriber::set_default(crate::telemetry::subscriber(move || writer.clone(), Some("info")));
    let stopped = serve(address, doubling).await;
    assert!(matches!(&stopped, Err(RuntimeApiFailure::Unexpected(why)) if why.contains("500")), "{stopped:?}");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.connections, 1, "one connection, kept alive");
    assert_eq!(seen.polls_sent_with_posts, 4, "each answer's post carried the next poll with it");
    let posts: Vec<(&str, &str)> = seen.posts.iter().map(|(path, body)| (path.as_str(), body.as_str())).collect();
    assert_eq!(posts[0], ("/2018-06-01/runtime/invocation/id-1/response", r#"{"doubled":4}"#));
    assert_eq!(posts[1].0, "/2018-06-01/runtime/invocation/id-2/error");
    assert!(
        posts[1].1.starts_with(
            r#"{"errorType":"InvalidEventDataError","errorMessage":"the event did not read: missing field `n`"#
        ),
        "{}",
        posts[1].1
    );
    assert_eq!(
        posts[2],
        (
            "/2018-06-01/runtime/invocation/id-3/error",
            r#"{"errorType":"HandlerError","errorMessage":"-1 is below zero"}"#
        )
    );
    assert_eq!(posts[3], ("/2018-06-01/runtime/invocation/id-4/response", r#"{"doubled":10}"#));
    assert_eq!(posts.len(), 4);
    let error_types: Vec<Option<&str>> = seen.error_types.iter().map(Option::as_deref).collect();
    assert_eq!(error_types, [None, Some("InvalidEventDataError"), Some("HandlerError"), None]);
    let lines: Vec<serde_json::Value> = logs.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let doubling: Vec<&serde_json::Value> = lines.iter().filter(|l| l["fields"]["message"] == "doubling").collect();
    assert_eq!(doubling.len(), 3);
    assert_eq!(doubling[0]["spans"][0]["requestId"], "id-1", "the handler's lines name its request: {}", doubling[0]);
    assert_eq!(doubling[0]["spans"][0]["name"], "Lambda runtime invoke");
    assert_eq!(doubling[2]["spans"][0]["requestId"], "id-4");
}

#[tokio::test]
async fn a_connection_the_api_closes_after_each_answer_is_opened_again() {
    let (address, closing) = runtime_api(events(), Closing::AfterEveryAnswer).await;
    let stopped = serve(address, doubling).await;
    assert!(matches!(stopped, Err(RuntimeApiFailure::Unexpected(_))));
    let closing = closing.lock().unwrap();
    assert_eq!(closing.posts.len(), 4, "every invocation answered though each connection closed after one answer");
    assert_eq!(
        closing.connections, 9,
        "a connection for each poll and each post, and the last poll: a poll sent with a post the \
         answer closed on goes again"
    );
}

#[tokio::test]
async fn a_poll_sent_with_a_post_goes_again_when_the_connection_closes_before_answering_it() {
    let (address, closing) = runtime_api(events(), Closing::SilentlyAfterPosts).await;
    let stopped = serve(address, doubling).await;
    assert!(matches!(&stopped, Err(RuntimeApiFailure::Unexpected(why)) if why.contains("500")), "{stopped:?}");
    let closing = closing.lock().unwrap();
    let answered: Vec<&str> = closing.posts.iter().map(|(path, _)| path.as_str()).collect();
    assert_eq!(answered.len(), 4, "each invocation answered once: {answered:?}");
    assert_eq!(closing.connections, 5, "the first poll's, then one more after each post");
}
