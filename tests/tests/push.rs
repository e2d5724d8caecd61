//! Live push: the push function's socket routes against DynamoDB Local, the
//! LivePush reaction posting through the real management API client (to
//! moto, and to a stand-in answering API Gateway's 410 Gone), and the local
//! runner's `/ws`.

use aws_lambda_events::event::apigw::ApiGatewayWebsocketProxyRequest;
use aws_sdk_dynamodb::types::AttributeValue;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use parley::adapters::api_gateway_push::ApiGatewayPush;
use parley::app::live_sockets::LiveSockets;
use parley::domain::{ContactId, Event, EventKind, Millis, Role};
use parley::ports::{Clock, LiveConnections, PushChannel, PushError};
use parley_e2e::TestStack;
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

fn socket_event(route: &str, id: &str, cookie: Option<&str>) -> ApiGatewayWebsocketProxyRequest {
    let mut request = ApiGatewayWebsocketProxyRequest::default();
    request.request_context.route_key = Some(route.to_owned());
    request.request_context.connection_id = Some(id.to_owned());
    if let Some(cookie) = cookie {
        request.headers.insert("cookie", cookie.parse().expect("a header value"));
    }
    request
}

fn sockets(t: &TestStack) -> LiveSockets {
    push::sockets(t.stack.store.clone(), t.clock.clone())
}

async fn connection_item(t: &TestStack, id: &str) -> Option<std::collections::HashMap<String, AttributeValue>> {
    let out = t
        .dynamo()
        .await
        .get_item()
        .table_name(&t.table)
        .key("pk", AttributeValue::S(format!("L#{id}")))
        .key("sk", AttributeValue::S("L".into()))
        .consistent_read(true)
        .send()
        .await
        .expect("DynamoDB Local answers");
    out.item
}

async fn connect(t: &TestStack, id: &str, cookie: &str) {
    let answer = push::handle(&sockets(t), socket_event("$connect", id, Some(cookie))).await;
    assert_eq!(answer.status_code, 200, "{id} connects");
}

#[tokio::test]
async fn a_socket_without_a_live_session_is_refused_and_nothing_is_stored() {
    let t = TestStack::start().await;
    for cookie in [None, Some("parley_session=not-a-session"), Some("other=1")] {
        let answer = push::handle(&sockets(&t), socket_event("$connect", "c1", cookie)).await;
        assert_eq!(answer.status_code, 401, "{cookie:?}");
    }
    assert_eq!(connection_item(&t, "c1").await, None);
    // A session that ended (sign-out) no longer opens sockets.
    let cookie = t.login().await;
    let (status, _) = t.post(&cookie, "/api/logout", &json!({}), None).await;
    assert_eq!(status, 204);
    let answer = push::handle(&sockets(&t), socket_event("$connect", "c1", Some(&cookie))).await;
    assert_eq!(answer.status_code, 401);
    assert_eq!(connection_item(&t, "c1").await, None);
}

#[tokio::test]
async fn connect_keeps_an_item_with_a_two_hour_ttl_and_disconnect_deletes_it() {
    let t = TestStack::start().await;
    let cookie = t.login().await;
    let now = t.clock.now();
    connect(&t, "c1", &cookie).await;
    let item = connection_item(&t, "c1").await.expect("the socket is recorded");
    assert_eq!(item.get("email"), Some(&AttributeValue::S(parley_e2e::ADMIN_EMAIL.into())));
    assert_eq!(item.get("role"), Some(&AttributeValue::S("admin".into())));
    let ttl: i64 = item.get("expires_at").and_then(|v| v.as_n().ok()).and_then(|n| n.parse().ok()).expect("a TTL");
    assert!((ttl - (now.0 / 1000 + 7_200)).abs() <= 2, "TTL {ttl} is two hours after {now:?}");
    let mine = t.stack.store.connections_of(parley_e2e::ADMIN_EMAIL).await.expect("a Query");
    assert_eq!(mine.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["c1"]);
    assert_eq!(t.stack.store.connections_with_role(Role::Admin).await.expect("a Query").len(), 1);
    assert!(t.stack.store.connections_with_role(Role::Agent).await.expect("a Query").is_empty());

    let answer = push::handle(&sockets(&t), socket_event("$disconnect", "c1", None)).await;
    assert_eq!(answer.status_code, 200);
    assert_eq!(connection_item(&t, "c1").await, None);
    assert!(t.stack.store.connections_of(parley_e2e::ADMIN_EMAIL).await.expect("a Query").is_empty());
    // A repeated disconnect (API Gateway retries) is not an error.
    assert_eq!(push::handle(&sockets(&t), socket_event("$disconnect", "c1", None)).await.status_code, 200);
}

#[tokio::test]
async fn the_default_route_answers_pings() {
    let t = TestStack::start().await;
    let mut ping = socket_event("$default", "c1", None);
    ping.body = Some("ping".into());
    let answer = push::handle(&sockets(&t), ping).await;
    assert_eq!(answer.status_code, 200);
    assert_eq!(answer.body, Some(aws_lambda_events::encodings::Body::Text(r#"{"type":"pong"}"#.into())));
}

/// API Gateway's management endpoint as documented: `POST /@connections/{id}`
/// answers 200, or 410 `GoneException` for a closed socket. moto never
/// answers 410 and keeps no readable record of posts, hence this stand-in.
#[derive(Default)]
struct ManagementEndpoint {
    posted: Mutex<Vec<(String, String)>>,
    gone: Mutex<BTreeSet<String>>,
}

async fn post_to_connection(
    State(endpoint): State<Arc<ManagementEndpoint>>,
    Path(id): Path<String>,
    body: String,
) -> axum::response::Response {
    if endpoint.gone.lock().expect("lock").contains(&id) {
        return (StatusCode::GONE, [("x-amzn-errortype", "GoneException")], r#"{"message":null}"#).into_response();
    }
    endpoint.posted.lock().expect("lock").push((id, body));
    StatusCode::OK.into_response()
}

async fn management_endpoint() -> (Arc<ManagementEndpoint>, String) {
    let endpoint = Arc::new(ManagementEndpoint::default());
    let router = axum::Router::new()
        .route("/ws/@connections/{id}", axum::routing::post(post_to_connection))
        .with_state(endpoint.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let url = format!("http://{}/ws", listener.local_addr().expect("bound"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (endpoint, url)
}

async fn contact_of(t: &TestStack, cookie: &str) -> String {
    let contacts = t.contacts(cookie).await;
    contacts[0]["id"].as_str().expect("a contact id").to_owned()
}

#[tokio::test]
async fn live_push_posts_to_the_staff_who_may_see_the_contact_and_forgets_gone_sockets() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent_a = t.teammate(&admin, "a@shop.test", "agent").await;
    let agent_b = t.teammate(&admin, "b@shop.test", "agent").await;
    t.customer_says("919800000001", "Asha", "hello").await;
    let contact = contact_of(&t, &admin).await;
    let (status, body) =
        t.post(&agent_a, &format!("/api/contacts/{contact}/assign"), &json!({"owner": "a@shop.test"}), None).await;
    assert_eq!(status, 200, "{body}");
    for (id, cookie) in [("admin-1", &admin), ("a-phone", &agent_a), ("a-laptop", &agent_a), ("b-1", &agent_b)] {
        connect(&t, id, cookie).await;
    }

    let (endpoint, url) = management_endpoint().await;
    endpoint.gone.lock().expect("lock").insert("a-laptop".into());
    let sdk = parley::adapters::aws::load_config().await;
    let live = push::live_push(t.stack.store.clone(), push::api_gateway_channel(&sdk, &url), false);
    let id = ContactId::parse(&contact).expect("a contact id");
    let event = Event::new(
        EventKind::MessageReceived,
        "message.received:w1",
        Millis(1_700_000_000_000),
        json!({"text": "hello"}),
    )
    .about(&id);
    let report = live.push(&event).await.expect("pushed");
    assert_eq!((report.delivered, report.gone, report.failed), (2, 1, 0));

    let posted = endpoint.posted.lock().expect("lock").clone();
    let recipients: BTreeSet<&str> = posted.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(recipients, BTreeSet::from(["a-phone", "admin-1"]), "b may not see a's conversation");
    let notice: serde_json::Value = serde_json::from_str(&posted[0].1).expect("JSON");
    assert_eq!(notice, json!({"type": "message.received", "contact_id": contact, "at": 1_700_000_000_000_i64}));
    assert!(!posted[0].1.contains("hello") && !posted[0].1.contains("919800000001"), "no body, no phone");
    assert_eq!(connection_item(&t, "a-laptop").await, None, "the gone socket is forgotten");
    assert!(connection_item(&t, "a-phone").await.is_some());

    // Released to the queue, every agent may see it again.
    let (status, _) = t.post(&agent_a, &format!("/api/contacts/{contact}/assign"), &json!({"owner": null}), None).await;
    assert_eq!(status, 200);
    endpoint.posted.lock().expect("lock").clear();
    live.push(&event).await.expect("pushed");
    let recipients: BTreeSet<String> = endpoint.posted.lock().expect("lock").iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(recipients, BTreeSet::from(["a-phone".into(), "admin-1".into(), "b-1".into()]));
}

#[tokio::test]
async fn posts_go_through_the_management_api_of_moto() {
    parley_e2e::require_emulators();
    let Ok(moto) = std::env::var("AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI") else {
        panic!("AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI is not set: start the emulators with ./infra/emulators.sh");
    };
    let sdk = parley::adapters::aws::load_config().await;
    // moto serves the management API at its root, not under a stage path.
    let channel = ApiGatewayPush::new(&sdk, &moto);
    let posted = channel.post("c-moto", r#"{"type":"message.received","contact_id":null,"at":1}"#).await;
    assert!(matches!(posted, Ok(())), "{posted:?}");
    // A management endpoint that is down is not "gone": the socket is kept.
    let down = ApiGatewayPush::new(&sdk, "http://127.0.0.1:9/ws");
    assert!(matches!(down.post("c-moto", "{}").await, Err(PushError::Unavailable(_))));
}

async fn upgrade(t: &TestStack, cookie: Option<&str>) -> reqwest::Response {
    let mut request = t
        .http
        .get(t.url("/ws"))
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.expect("the runner answers")
}

#[tokio::test]
async fn the_local_runner_serves_the_socket_with_the_same_cookie_check() {
    let t = TestStack::start().await;
    assert_eq!(upgrade(&t, None).await.status(), 401);
    assert_eq!(upgrade(&t, Some("parley_session=forged")).await.status(), 401);
    assert!(t.stack.store.connections_with_role(Role::Admin).await.expect("a Query").is_empty());
    let cookie = t.login().await;
    // Held open while the item is checked: closing it runs `$disconnect`.
    let open = upgrade(&t, Some(&cookie)).await;
    assert_eq!(open.status(), 101);
    let recorded = t.stack.store.connections_of(parley_e2e::ADMIN_EMAIL).await.expect("a Query");
    assert_eq!(recorded.len(), 1, "the runner records its socket like the push function");
    drop(open);
}
