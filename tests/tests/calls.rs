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

/// An SDP offer as a browser or Meta writes one (enough for Meta's checks:
/// the simulator only reads that it is SDP).
const OFFER: &str =
    "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
const ANSWER: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";

async fn customer_rings(t: &TestStack) -> String {
    let body = json!({"from": CALLER, "name": "Meera", "offer_sdp": OFFER});
    let response = t.http.post(format!("{}/sim/customer/call", t.simulator_url)).json(&body).send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    response.json::<Value>().await.unwrap()["call_id"].as_str().unwrap().to_owned()
}

async fn meta_side(t: &TestStack, call_id: &str) -> Value {
    t.http.get(format!("{}/sim/calls/{call_id}", t.simulator_url)).send().await.unwrap().json().await.unwrap()
}

/// The caller's contact once `ready` holds of it (Meta's webhooks arrive
/// after its answers).
async fn caller_when(t: &TestStack, cookie: &str, ready: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..300 {
        let found = t.contacts(cookie).await.into_iter().find(|c| c["wa_id"] == CALLER);
        if let Some(contact) = found.filter(|c| ready(c)) {
            return contact;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the caller never reached the state waited for");
}

#[tokio::test]
async fn a_ringing_call_is_answered_by_one_teammate_in_the_browser_and_ends_on_the_timeline() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let manager = t.teammate(&admin, "neha@shop.test", "manager").await;
    let call_id = customer_rings(&t).await;
    let contact = caller_when(&t, &admin, |c| !c["ringing"].is_null()).await;
    let id = contact["id"].as_str().unwrap().to_owned();
    assert_eq!(contact["ringing"]["call_id"], call_id.as_str());
    assert_eq!(contact["ringing"]["offer_sdp"], OFFER);
    assert_eq!(contact["ringing"]["answered_by"], Value::Null);

    // Both press Answer at once: one connects it, the other hears who did.
    let path = format!("/api/contacts/{id}/calls/{call_id}/answer");
    let body = json!({"sdp": ANSWER});
    let ((a_status, a_body), (m_status, m_body)) =
        tokio::join!(t.post(&admin, &path, &body, None), t.post(&manager, &path, &body, None));
    let mut statuses = [a_status, m_status];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{a_body} {m_body}");
    let (winner, loser) = if a_status == 200 { (&a_body, &m_body) } else { (&m_body, &a_body) };
    assert_eq!(loser["error"]["code"], "call_taken");
    assert_eq!(loser["error"]["answered_by"], winner["answered_by"]);
    let meta = meta_side(&t, &call_id).await;
    assert_eq!(meta["actions"], json!(["pre_accept", "accept"]), "Meta heard from the winner only: {meta}");
    assert_eq!(meta["answer_sdp"], ANSWER);
    let contact = caller_when(&t, &admin, |c| !c["ringing"]["answered_by"].is_null()).await;
    assert_eq!(contact["ringing"]["answered_by"], winner["answered_by"]);

    let (status, body) = t.post(&admin, &format!("/api/contacts/{id}/calls/{call_id}/hang_up"), &json!({}), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(meta_side(&t, &call_id).await["state"], "terminated");
    caller_when(&t, &admin, |c| c["ringing"].is_null()).await;
    let timeline = t.timeline(&admin, &id).await;
    let ended = timeline.iter().find(|m| m["id"] == call_id.as_str()).expect("the call's end is on the timeline");
    assert_eq!(ended["content"]["missed"], false, "{ended}");

    // Over: nobody answers it again.
    let (status, body) = t.post(&admin, &path, &json!({"sdp": ANSWER}), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (410, Some("call_over")), "{body}");
}

#[tokio::test]
async fn a_declined_call_is_rejected_at_meta_and_a_bad_answer_reaches_nobody() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let call_id = customer_rings(&t).await;
    let id = caller_when(&t, &admin, |c| !c["ringing"].is_null()).await["id"].as_str().unwrap().to_owned();
    let (status, body) =
        t.post(&admin, &format!("/api/contacts/{id}/calls/{call_id}/answer"), &json!({"sdp": "hello"}), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid")), "{body}");
    assert_eq!(meta_side(&t, &call_id).await["actions"], json!([]));

    let (status, body) = t.post(&admin, &format!("/api/contacts/{id}/calls/{call_id}/decline"), &json!({}), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(meta_side(&t, &call_id).await["actions"], json!(["reject"]));
    caller_when(&t, &admin, |c| c["ringing"].is_null()).await;
}
