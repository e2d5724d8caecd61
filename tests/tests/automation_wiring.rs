//! Issue 9's pieces together on the local stack, wired as `make dev` and the
//! Lambdas wire them: a stage move commits its event, the runner's stream
//! reader hands it to the events function's reactions, a rule acts, and a
//! registered webhook is called. Nothing in the test hands an event over.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use parley_e2e::TestStack;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Posts = Arc<Mutex<Vec<(String, Value)>>>;

async fn receiver() -> (Posts, String) {
    async fn receive(State(posts): State<Posts>, headers: HeaderMap, body: Bytes) -> StatusCode {
        let kind = headers.get("parley-event-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
        posts.lock().unwrap().push((kind, body));
        StatusCode::OK
    }
    let posts = Posts::default();
    let app = axum::Router::new().route("/hook", post(receive)).with_state(posts.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://127.0.0.1:{}/hook", listener.local_addr().unwrap().port());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (posts, url)
}

#[tokio::test]
async fn moving_a_deal_to_won_runs_the_rule_and_calls_the_registered_webhook() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let (posts, url) = receiver().await;
    let hook = json!({"name": "CRM", "url": url, "kinds": ["deal.stage_changed"], "active": true});
    let (status, body) = t.post(&admin, "/api/webhooks", &hook, None).await;
    assert_eq!(status, 201, "{body}");
    let rule = json!({"name": "Won customers", "trigger": {"type": "stage_changed", "to": "won"},
        "actions": [{"type": "add_tag", "tag": "customer"}]});
    let (status, rule) = t.post(&admin, "/api/rules", &rule, None).await;
    assert_eq!(status, 201, "{rule}");
    let rule_id = rule["id"].as_str().unwrap().to_owned();

    t.customer_says("919812345678", "Asha", "I'll take the blue one").await;
    let (_, contacts) = t.get(&admin, "/api/contacts").await;
    let contact = contacts["items"][0]["id"].as_str().unwrap().to_owned();
    let deal = json!({"contact_id": contact, "title": "Blue kurta", "value_minor": 150_000});
    let (status, deal) = t.post(&admin, "/api/deals", &deal, None).await;
    assert_eq!(status, 201, "{deal}");
    let deal_id = deal["id"].as_str().unwrap().to_owned();
    let (status, moved) = t.post(&admin, &format!("/api/deals/{deal_id}/stage"), &json!({"stage": "won"}), None).await;
    assert_eq!(status, 200, "{moved}");

    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut tagged, mut called, mut logged) = (false, false, false);
    while Instant::now() < deadline && !(tagged && called && logged) {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (_, record) = t.get(&admin, &format!("/api/contacts/{contact}")).await;
        tagged = record.to_string().contains("\"customer\"");
        called = posts.lock().unwrap().iter().any(|(kind, body)| {
            kind == "deal.stage_changed" && body["data"]["to"] == "won" && body["data"]["deal"] == deal_id
        });
        let (_, log) = t.get(&admin, &format!("/api/rules/{rule_id}/log")).await;
        logged = log["items"].as_array().is_some_and(|items| items.len() == 1);
    }
    assert!(tagged, "the rule tagged the contact");
    assert!(called, "the registered webhook was called with the move to won: {:?}", posts.lock().unwrap());
    assert!(logged, "the rule's log has its one execution");
    // Once each: the stream may hand the batch over again, nothing repeats.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let won_posts = posts.lock().unwrap().iter().filter(|(_, body)| body["data"]["to"] == "won").count();
    assert_eq!(won_posts, 1);
}
