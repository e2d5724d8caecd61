//! Issue 12 §5 on the local stack: a customer's WhatsApp call reaches the
//! timeline through the signed `calls` webhook, and a missed one becomes a
//! call-back follow-up through the events function.

use parley_e2e::TestStack;
use serde_json::{json, Value};
use std::time::Duration;

const CALLER: &str = "919812377001";

async fn customer_calls(t: &TestStack, answered_seconds: Option<i64>) -> String {
    let body = json!({"from": CALLER, "name": "Meera", "answered_seconds": answered_seconds});
    let response = t.http.post(format!("{}/sim/customer/call", t.simulator_url)).json(&body).send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let answer: Value = response.json().await.unwrap();
    answer["call_id"].as_str().unwrap().to_owned()
}

async fn call_backs(t: &TestStack, cookie: &str) -> Vec<Value> {
    let (_, tasks) = t.get(cookie, "/api/tasks?due=open").await;
    tasks["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|t| t["title"].as_str().is_some_and(|s| s.starts_with("Call back")))
        .collect()
}

#[tokio::test]
async fn a_missed_call_shows_on_the_timeline_and_becomes_a_call_back_follow_up() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let missed = customer_calls(&t, None).await;
    let contact = t.contacts(&admin).await.into_iter().find(|c| c["wa_id"] == CALLER).expect("the caller is a contact");
    let id = contact["id"].as_str().unwrap().to_owned();
    assert_eq!(contact["window"]["open"], true, "a call opens the service window");

    let mut tasks = Vec::new();
    for _ in 0..300 {
        tasks = call_backs(&t, &admin).await;
        if !tasks.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let [task] = tasks.as_slice() else { panic!("one call-back follow-up: {tasks:?}") };
    assert_eq!(task["contact_id"], id.as_str());
    assert!(task["title"].as_str().unwrap().contains("Meera"), "{task}");

    let answered = customer_calls(&t, Some(140)).await;
    let timeline = t.timeline(&admin, &id).await;
    let calls: Vec<&Value> = timeline.iter().filter(|m| m["type"] == "call").collect();
    assert_eq!(calls.len(), 2, "{timeline:?}");
    let missed_entry = calls.iter().find(|m| m["id"] == missed.as_str()).unwrap();
    assert_eq!(
        (missed_entry["content"]["missed"].as_bool(), missed_entry["direction"].as_str()),
        (Some(true), Some("in"))
    );
    let answered_entry = calls.iter().find(|m| m["id"] == answered.as_str()).unwrap();
    assert_eq!(answered_entry["content"]["duration_seconds"], 140);
}

#[tokio::test]
async fn a_logged_call_sits_with_the_notes_and_sets_the_caller_s_follow_up() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    t.customer_says(CALLER, "Meera", "Please call me about the bulk order").await;
    let agent = t.teammate(&admin, "ravi@shop.test", "agent").await;
    let id = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    let (status, _) =
        t.post(&admin, &format!("/api/contacts/{id}/assign"), &json!({"owner": "ravi@shop.test"}), None).await;
    assert_eq!(status, 200);
    let path = format!("/api/contacts/{id}/calls");

    // Refused whole: nothing is stored from a bad log.
    let (status, body) = t.post(&agent, &path, &json!({"outcome": "busy", "duration_seconds": 30}), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid")), "{body}");
    let (status, _) =
        t.post(&agent, &path, &json!({"outcome": "no_answer", "follow_up_at": "tomorrow at 5"}), None).await;
    assert_eq!(status, 422);
    let (_, notes) = t.get(&agent, &format!("/api/contacts/{id}/notes")).await;
    assert_eq!(notes["items"], json!([]));

    let log = json!({"outcome": "connected", "duration_seconds": 240, "notes": "Wants 40 pcs, send the price list",
        "follow_up_at": "2030-01-15T11:00:00+05:30"});
    let (status, logged) = t.post(&agent, &path, &log, None).await;
    assert_eq!(status, 201, "{logged}");
    assert_eq!(logged["note"]["call"], json!({"outcome": "connected", "duration_seconds": 240}));
    assert_eq!(logged["follow_up"]["owner"], "ravi@shop.test");
    assert_eq!(logged["follow_up"]["contact_id"], id.as_str());
    let (_, notes) = t.get(&agent, &format!("/api/contacts/{id}/notes")).await;
    assert_eq!(notes["items"][0]["text"], "Wants 40 pcs, send the price list");
    assert_eq!(notes["items"][0]["call"]["outcome"], "connected");
    let (_, tasks) = t.get(&agent, "/api/tasks?due=open").await;
    assert!(tasks["items"].as_array().unwrap().iter().any(|t| t["title"] == "Call Meera again"), "{tasks}");
}
