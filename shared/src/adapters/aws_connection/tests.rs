//! The connector against a real socket: a small HTTP/1.1 server of the
//! test's own, over plain TCP or rustls, that counts its connections and
//! keeps the request heads it read.

use super::*;
use crate::adapters::test_request_reader::next_request_head;
use http_body_util::BodyExt;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const CA: &[u8] = include_bytes!("test_ca.pem");
const CERTIFICATE: &[u8] = include_bytes!("test_localhost.pem");
const KEY: &[u8] = include_bytes!("test_localhost.key");

#[derive(Clone, Copy)]
enum Behaviour {
    /// Answers every request, keeping the connection.
    KeepAlive,
    /// Answers a connection's first request; reads its second and drops
    /// the connection unanswered, as a server does with one idle too long.
    DropTheSecond,
    /// Reads the request and never answers.
    Silent,
}

#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    heads: Mutex<Vec<String>>,
}

/// A server on a free port: its port and what it saw.
async fn server(behaviour: Behaviour, tls: Option<tokio_rustls::TlsAcceptor>) -> (u16, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Seen::default());
    let counted = seen.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counted.connections.fetch_add(1, Ordering::SeqCst);
            let (seen, tls) = (counted.clone(), tls.clone());
            tokio::spawn(async move {
                match tls {
                    Some(acceptor) => answer(acceptor.accept(socket).await.unwrap(), behaviour, seen).await,
                    None => answer(socket, behaviour, seen).await,
                }
            });
        }
    });
    (port, seen)
}

async fn answer<S: AsyncRead + AsyncWrite + Unpin>(stream: S, behaviour: Behaviour, seen: Arc<Seen>) {
    let mut stream = BufReader::new(stream);
    for request in 1.. {
        let Some(head) = next_request_head(&mut stream).await else { return };
        seen.heads.lock().unwrap().push(head);
        match behaviour {
            Behaviour::Silent => std::future::pending::<()>().await,
            Behaviour::DropTheSecond if request == 2 => return,
            _ => {}
        }
        let answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{\"ok\":true}";
        stream.write_all(answer).await.unwrap();
        stream.flush().await.unwrap();
    }
}

fn settings(read_timeout: Duration) -> HttpConnectorSettings {
    HttpConnectorSettings::builder().connect_timeout(Duration::from_secs(5)).read_timeout(read_timeout).build()
}

fn post(url: &str) -> HttpRequest {
    let request = http::Request::builder().method("POST").uri(url).header("x-amz-target", "Test.Call");
    HttpRequest::try_from(request.body(SdkBody::from("{\"n\":1}")).unwrap()).unwrap()
}

async fn body(response: HttpResponse) -> String {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test]
async fn requests_share_one_connection_and_go_in_origin_form_with_their_host() {
    let (port, seen) = server(Behaviour::KeepAlive, None).await;
    let connector = KeptAliveConnector::new(&settings(Duration::from_secs(5)));
    for _ in 0..3 {
        let response = connector.call(post(&format!("http://127.0.0.1:{port}/"))).await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(body(response).await, "{\"ok\":true}");
    }
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1, "one connection, kept alive");
    let heads = seen.heads.lock().unwrap();
    assert_eq!(heads.len(), 3);
    let head = heads[0].to_ascii_lowercase();
    assert!(head.starts_with("post / http/1.1\r\n"), "origin form: {head}");
    assert!(head.contains(&format!("host: 127.0.0.1:{port}\r\n")), "the host header: {head}");
    assert!(head.contains("x-amz-target: test.call\r\n"), "the request's own headers: {head}");
}

#[tokio::test]
async fn concurrent_requests_open_a_connection_each_and_the_next_ones_reuse_them() {
    let (port, seen) = server(Behaviour::KeepAlive, None).await;
    let connector = KeptAliveConnector::new(&settings(Duration::from_secs(5)));
    for _ in 0..2 {
        let calls = (0..8).map(|_| connector.call(post(&format!("http://127.0.0.1:{port}/"))));
        for answered in futures_util::future::join_all(calls).await {
            assert_eq!(answered.unwrap().status().as_u16(), 200);
        }
    }
    assert_eq!(seen.connections.load(Ordering::SeqCst), 8, "the second eight went over the first eight's");
    assert_eq!(seen.heads.lock().unwrap().len(), 16);
}

#[tokio::test]
async fn each_host_has_its_own_connections() {
    let ((first, seen_first), (second, seen_second)) =
        (server(Behaviour::KeepAlive, None).await, server(Behaviour::KeepAlive, None).await);
    let connector = KeptAliveConnector::new(&settings(Duration::from_secs(5)));
    for port in [first, second, first, second] {
        let response = connector.call(post(&format!("http://127.0.0.1:{port}/"))).await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
    }
    for seen in [seen_first, seen_second] {
        assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
        assert_eq!(seen.heads.lock().unwrap().len(), 2, "each server read its own two requests");
    }
}

#[tokio::test]
async fn a_request_a_kept_connection_dropped_unanswered_goes_again_on_a_new_one() {
    let (port, seen) = server(Behaviour::DropTheSecond, None).await;
    let connector = KeptAliveConnector::new(&settings(Duration::from_secs(5)));
    for _ in 0..3 {
        let response = connector.call(post(&format!("http://127.0.0.1:{port}/"))).await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
    }
    // The second and third requests were each read on a kept connection
    // that dropped them, and answered on the next.
    assert_eq!(seen.connections.load(Ordering::SeqCst), 3);
    assert_eq!(seen.heads.lock().unwrap().len(), 5);
}

#[tokio::test]
async fn an_answer_slower_than_the_read_timeout_fails_as_a_timeout() {
    let (port, _) = server(Behaviour::Silent, None).await;
    let connector = KeptAliveConnector::new(&settings(Duration::from_millis(200)));
    let error = connector.call(post(&format!("http://127.0.0.1:{port}/"))).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
}

#[tokio::test]
async fn nobody_listening_is_an_io_error_the_caller_may_retry() {
    let port = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
    let connector = KeptAliveConnector::new(&settings(Duration::from_secs(5)));
    let error = connector.call(post(&format!("http://127.0.0.1:{port}/"))).await.unwrap_err();
    assert!(error.is_io(), "{error:?}");
}

fn acceptor() -> tokio_rustls::TlsAcceptor {
    let chain = CertificateDer::pem_slice_iter(CERTIFICATE).collect::<Result<Vec<_>, _>>().unwrap();
    let key = PrivateKeyDer::from_pem_slice(KEY).unwrap();
    let config = rustls::ServerConfig::builder().with_no_client_auth().with_single_cert(chain, key).unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

#[tokio::test]
async fn https_goes_to_a_host_the_roots_vouch_for_and_nowhere_else() {
    let (port, seen) = server(Behaviour::KeepAlive, Some(acceptor())).await;
    let url = format!("https://localhost:{port}/");
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from_pem_slice(CA).unwrap()).unwrap();
    let mut trusting = KeptAliveConnector::new(&settings(Duration::from_secs(5)));
    trusting.tls = Some(rustls::ClientConfig::builder().with_root_certificates(roots).with_no_client_auth());
    for _ in 0..2 {
        let response = trusting.call(post(&url)).await.unwrap();
        assert_eq!(body(response).await, "{\"ok\":true}");
    }
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1, "one TLS connection, kept alive");

    // The public roots do not know the test's authority: no request is read.
    let public = KeptAliveConnector::new(&settings(Duration::from_secs(5)));
    let error = public.call(post(&url)).await.unwrap_err();
    assert!(error.is_io(), "{error:?}");
    assert_eq!(seen.heads.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_signed_json_call_goes_straight_onto_the_kept_connections() {
    use crate::adapters::aws_json::{JsonProtocol, DYNAMODB};
    let (port, seen) = server(Behaviour::DropTheSecond, None).await;
    let config = crate::adapters::aws_signed::tests::config()
        .into_builder()
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .build();
    let connector = KeptAliveConnector::new(&settings(Duration::from_secs(5)));
    let dynamodb = JsonProtocol::new(&DYNAMODB, &config, connector);
    for _ in 0..2 {
        let answer = dynamodb.call("DynamoDB_20120810.TransactWriteItems", bytes::Bytes::from_static(b"{}")).await;
        assert_eq!(answer.unwrap(), &b"{\"ok\":true}"[..]);
    }
    // The second call's kept connection was dropped unanswered: it went
    // again on a new one.
    assert_eq!(seen.connections.load(Ordering::SeqCst), 2);
    let heads = seen.heads.lock().unwrap();
    assert_eq!(heads.len(), 3);
    let head = heads[2].to_ascii_lowercase();
    assert!(head.starts_with("post / http/1.1\r\n"), "origin form: {head}");
    assert!(head.contains(&format!("host: 127.0.0.1:{port}\r\n")), "the host header: {head}");
    assert!(head.contains("x-amz-target: dynamodb_20120810.transactwriteitems\r\n"), "{head}");
    assert!(head.contains("authorization: aws4-hmac-sha256 credential=akidexample/"), "signed: {head}");
}
