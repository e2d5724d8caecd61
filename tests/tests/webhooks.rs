//! Outbound webhooks end to end: subscriptions through the API, the fan-out
//! reaction handed an event (as the events function does), the local
//! runner playing the delivery queue into the webhooks function, and a real
//! receiver on a free port that checks every signature.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, KeyInit, Mac};
use parley::adapters::sqs::SqsQueue;
use parley::app::reactions::Reaction;
use parley::app::webhook_fanout::WebhookFanout;
use parley::domain::{Event, EventKind, Millis};
use parley_e2e::TestStack;
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One POST the receiver got.
#[derive(Debug, Clone)]
struct Received {
    event_id: String,
    event_type: String,
    signature: String,
    body: Vec<u8>,
}

/// A receiver that answers the scripted statuses in turn, then `otherwise`.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<VecDeque<u16>>>,
    otherwise: Arc<Mutex<u16>>,
}

impl Receiver {
    async fn start(script: &[u16], otherwise: u16) -> (Self, String) {
        let receiver = Receiver::default();
        *receiver.script.lock().unwrap() = script.iter().copied().collect();
        *receiver.otherwise.lock().unwrap() = otherwise;
        let app = axum::Router::new().route("/hook", post(receive)).with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://127.0.0.1:{}/hook", listener.local_addr().unwrap().port());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (receiver, url)
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    fn answer(&self, status: u16) {
        *self.otherwise.lock().unwrap() = status;
    }
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    receiver.got.lock().unwrap().push(Received {
        event_id: header("parley-event-id"),
        event_type: header("parley-event-type"),
        signature: header("parley-signature"),
        body: body.to_vec(),
    });
    let next = receiver.script.lock().unwrap().pop_front();
    let status = next.unwrap_or(*receiver.otherwise.lock().unwrap());
    StatusCode::from_u16(status).unwrap()
}

/// Checks the header as a receiver following the README would: with the
/// hmac crate directly, over "<t>.<raw body>", and a fresh timestamp.
fn verifies(secret: &str, received: &Received) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in received.signature.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = value.parse::<i64>().ok(),
            Some(("v1", value)) => v1 = hex::decode(value).ok(),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else { return false };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(&received.body);
    (now - t).abs() <= 300 && mac.verify_slice(&v1).is_ok()
}

async fn fanout(t: &TestStack) -> WebhookFanout {
    let sqs = parley::adapters::sqs_client::SqsClient::new(&parley::adapters::aws::load_config().await);
    WebhookFanout::new(t.stack.store.clone(), Arc::new(SqsQueue::new(sqs, t.stack.webhook_queue_url.clone())))
}

async fn register(t: &TestStack, admin: &str, url: &str, kinds: &[&str]) -> (String, String) {
    let (status, created) =
        t.post(admin, "/api/webhooks", &json!({"name": "Receiver", "url": url, "kinds": kinds}), None).await;
    assert_eq!(status, 201, "{created}");
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() > 40, "{secret}");
    (created["webhook"]["id"].as_str().unwrap().to_owned(), secret)
}

fn stage_changed(id: &str) -> Event {
    let now = parley::ports::Clock::now(&parley::ports::SystemClock);
    Event::new(EventKind::DealStageChanged, id, now, json!({"deal_id": "d1", "from": "new", "to": "won"}))
        .by("admin@shop.test")
}

/// The subscription's deliveries once `done` holds for them (the queue is
/// played in the background; 30 s is far beyond the retry schedule).
async fn deliveries_when(t: &TestStack, admin: &str, id: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let mut last = Vec::new();
    for _ in 0..150 {
        let (status, page) = t.get(admin, &format!("/api/webhooks/{id}/deliveries")).await;
        assert_eq!(status, 200, "{page}");
        last = page["items"].as_array().cloned().unwrap_or_default();
        if done(&last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("deliveries never settled: {last:?}");
}

fn statuses(delivery: &Value) -> Vec<Value> {
    delivery["attempts"].as_array().unwrap().iter().map(|a| a["status"].clone()).collect()
}

#[tokio::test]
async fn a_delivery_is_signed_sent_once_per_event_and_only_for_wanted_kinds() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let (receiver, url) = Receiver::start(&[], 204).await;
    let (id, secret) = register(&t, &admin, &url, &["deal.stage_changed", "deal.created"]).await;
    let fanout = fanout(&t).await;

    let event = stage_changed("deal-d1-moved-1");
    // Published twice (the events function retried), before and after delivery.
    fanout.react(&event).await.unwrap();
    fanout.react(&event).await.unwrap();
    let unwanted = Event::new(EventKind::TaskDone, "task-t1-done", event.at, json!({"task_id": "t1"}));
    fanout.react(&unwanted).await.unwrap();
    let delivered = deliveries_when(&t, &admin, &id, |d| d.len() == 1 && d[0]["state"] == "delivered").await;
    fanout.react(&event).await.unwrap();

    // A later test event is delivered too, so the queue has been drained past any repeat.
    let (status, test) = t.post(&admin, &format!("/api/webhooks/{id}/test"), &json!({}), None).await;
    assert_eq!(status, 202, "{test}");
    let all = deliveries_when(&t, &admin, &id, |d| d.len() == 2 && d.iter().all(|d| d["state"] == "delivered")).await;
    assert_eq!(all[1]["id"], delivered[0]["id"], "newest first: the test event is on top");

    let got = receiver.got();
    let for_event: Vec<&Received> = got.iter().filter(|r| r.event_id == event.id).collect();
    assert_eq!(for_event.len(), 1, "one POST for the event however often it was published");
    let posted = for_event[0];
    assert_eq!(posted.event_type, "deal.stage_changed");
    assert!(verifies(&secret, posted), "the signature verifies with the secret shown at creation");
    assert!(!verifies("whsec_someone_else", posted));
    let body: Value = serde_json::from_slice(&posted.body).unwrap();
    assert_eq!((body["id"].as_str(), body["type"].as_str()), (Some(event.id.as_str()), Some("deal.stage_changed")));
    assert_eq!(body["data"]["to"], "won");
    assert!(got.iter().all(|r| r.event_type != "task.done"), "an unwanted kind is not posted");
    let test_post = got.iter().find(|r| r.event_id == test["event_id"].as_str().unwrap()).unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&test_post.body).unwrap()["data"]["test"], true);
    assert_eq!(statuses(&all[1]), vec![json!(204)]);

    // The secret is shown once: neither the list nor an edit returns it.
    let (_, list) = t.get(&admin, "/api/webhooks").await;
    let (_, edited) = t.request(&admin, "PATCH", &format!("/api/webhooks/{id}"), Some(&json!({"name": "CRM"}))).await;
    assert_eq!(edited["name"], "CRM");
    assert!(!list.to_string().contains(&secret) && !edited.to_string().contains(&secret));
}

#[tokio::test]
async fn a_receiver_answering_500_is_retried_until_it_succeeds() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let (receiver, url) = Receiver::start(&[500, 503], 200).await;
    let (id, secret) = register(&t, &admin, &url, &["deal.stage_changed"]).await;
    fanout(&t).await.react(&stage_changed("deal-d2-moved-1")).await.unwrap();

    let settled = deliveries_when(&t, &admin, &id, |d| d.len() == 1 && d[0]["state"] == "delivered").await;
    assert_eq!(statuses(&settled[0]), vec![json!(500), json!(503), json!(200)]);
    let got = receiver.got();
    assert_eq!(got.len(), 3);
    assert!(
        got.iter().all(|r| r.event_id == "deal-d2-moved-1" && verifies(&secret, r)),
        "every retry is signed afresh"
    );
}

#[tokio::test]
async fn a_receiver_that_keeps_failing_ends_dead_in_the_log_and_redelivers() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let (receiver, url) = Receiver::start(&[], 500).await;
    let (id, _) = register(&t, &admin, &url, &["deal.stage_changed"]).await;
    fanout(&t).await.react(&stage_changed("deal-d3-moved-1")).await.unwrap();

    // The test stack allows 3 attempts.
    let dead = deliveries_when(&t, &admin, &id, |d| d.len() == 1 && d[0]["state"] == "dead").await;
    assert_eq!(statuses(&dead[0]), vec![json!(500), json!(500), json!(500)]);
    let delivery = dead[0]["id"].as_str().unwrap().to_owned();
    let redeliver = format!("/api/webhooks/{id}/deliveries/{delivery}/redeliver");

    receiver.answer(200);
    let (status, body) = t.post(&admin, &redeliver, &json!({}), None).await;
    assert_eq!((status, body["state"].as_str()), (202, Some("pending")), "{body}");
    let delivered = deliveries_when(&t, &admin, &id, |d| d[0]["state"] == "delivered").await;
    assert_eq!(statuses(&delivered[0]), vec![json!(500), json!(500), json!(500), json!(200)]);
    assert_eq!(receiver.got().len(), 4);

    let (status, body) = t.post(&admin, &redeliver, &json!({}), None).await;
    assert_eq!(status, 409, "a delivered one is not sent again: {body}");
    let (_, audit) = t.get(&admin, &format!("/api/audit?day={}", parley_e2e::business_day_of(Millis(now_ms())))).await;
    let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().filter_map(|a| a["action"].as_str()).collect();
    assert!(actions.contains(&"webhook_create") && actions.contains(&"webhook_redeliver"), "{actions:?}");
}

#[tokio::test]
async fn a_receiver_refusing_with_a_4xx_fails_at_once_and_a_paused_one_gets_nothing() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let (refusing, url) = Receiver::start(&[], 410).await;
    let (id, _) = register(&t, &admin, &url, &["deal.stage_changed"]).await;
    let (paused, paused_url) = Receiver::start(&[], 200).await;
    let (paused_id, _) = register(&t, &admin, &paused_url, &["deal.stage_changed"]).await;
    let path = format!("/api/webhooks/{paused_id}");
    let (status, body) = t.request(&admin, "PATCH", &path, Some(&json!({"active": false}))).await;
    assert_eq!((status, body["active"].as_bool()), (200, Some(false)), "{body}");

    fanout(&t).await.react(&stage_changed("deal-d4-moved-1")).await.unwrap();
    let failed = deliveries_when(&t, &admin, &id, |d| d.len() == 1 && d[0]["state"] == "failed").await;
    assert_eq!(statuses(&failed[0]), vec![json!(410)]);
    assert_eq!(refusing.got().len(), 1);
    let (_, log) = t.get(&admin, &format!("/api/webhooks/{paused_id}/deliveries")).await;
    assert_eq!(log["items"], json!([]), "a paused subscription records nothing");
    assert!(paused.got().is_empty());
}

#[tokio::test]
async fn only_admins_manage_webhooks_and_bad_fields_are_refused() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let manager = t.teammate(&admin, "manager@shop.test", "manager").await;
    let body = json!({"name": "CRM", "url": "https://hooks.example.test/x", "kinds": ["deal.created"]});
    let (status, answer) = t.post(&manager, "/api/webhooks", &body, None).await;
    assert_eq!((status, answer["error"]["code"].as_str()), (403, Some("forbidden")));
    assert_eq!(t.get(&manager, "/api/webhooks").await.0, 403);
    for (bad, field) in [
        (json!({"name": "x", "url": "http://hooks.example.test/x", "kinds": ["deal.created"]}), "plain http"),
        (json!({"name": "x", "url": "https://hooks.example.test/x", "kinds": ["deal.moved"]}), "unknown kind"),
        (json!({"name": "x", "url": "https://hooks.example.test/x", "kinds": []}), "no kinds"),
        (json!({"name": " ", "url": "https://hooks.example.test/x", "kinds": ["deal.created"]}), "blank name"),
    ] {
        let (status, answer) = t.post(&admin, "/api/webhooks", &bad, None).await;
        assert_eq!((status, answer["error"]["code"].as_str()), (422, Some("invalid")), "{field}: {answer}");
    }
    let (_, list) = t.get(&admin, "/api/webhooks").await;
    assert_eq!(list["items"], json!([]), "nothing refused was stored");

    // Rotating gives a new secret that signs from then on.
    let (receiver, url) = Receiver::start(&[], 200).await;
    let (id, old) = register(&t, &admin, &url, &["deal.created"]).await;
    let (status, rotated) = t.post(&admin, &format!("/api/webhooks/{id}/secret"), &json!({}), None).await;
    assert_eq!(status, 200, "{rotated}");
    let new = rotated["secret"].as_str().unwrap();
    assert_ne!(new, old);
    let (status, _) = t.post(&admin, &format!("/api/webhooks/{id}/test"), &json!({}), None).await;
    assert_eq!(status, 202);
    deliveries_when(&t, &admin, &id, |d| d.len() == 1 && d[0]["state"] == "delivered").await;
    let got = receiver.got();
    assert!(verifies(new, &got[0]) && !verifies(&old, &got[0]));
    assert_eq!(t.request(&admin, "DELETE", &format!("/api/webhooks/{id}"), None).await.0, 204);
    assert_eq!(t.request(&admin, "DELETE", &format!("/api/webhooks/{id}"), None).await.0, 404);
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}
