//! What the functions log over a busy stretch of a shop's day: the info-level
//! JSON lines of every function the local stack runs (webhook, API, sender,
//! events, reminders) name contacts by id and messages by wamid, never by
//! the customer's phone number, the words of a message or note, or a secret.

use parley_e2e::{TestStack, ACCESS_TOKEN, ADMIN_PASSWORD, APP_SECRET, VERIFY_TOKEN};
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Every line the process logs, as the functions write them in AWS.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("not poisoned")).into_owned()
    }
}

const CUSTOMER: &str = "919812300001";
const LEAD: &str = "919812300002";
const SAYS: &str = "Five Banarasi sarees for the wedding";
const REPLY: &str = "Twelve in stock in maroon and gold";
const NOTE: &str = "Budget near forty thousand";
const AI_KEY: &str = "sk-log-hygiene-ai-key";

#[tokio::test]
async fn a_day_of_messages_replies_notes_and_leads_logs_no_phone_number_words_or_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    // The same subscriber the functions install (`parley::telemetry`), at
    // info, writing here; the stack's own install is then a no-op.
    tracing_subscriber::util::SubscriberInitExt::init(parley::telemetry::subscriber(
        move || writer.clone(),
        Some("info"),
    ));

    let t = TestStack::start().await;
    let admin = t.login().await;
    t.customer_says(CUSTOMER, "Meera", SAYS).await;
    let contact = t.contacts(&admin).await[0]["id"].as_str().expect("an id").to_owned();
    let path = format!("/api/contacts/{contact}/messages");
    let (status, _) = t.post(&admin, &path, &json!({"type": "text", "text": REPLY}), Some("reply-1")).await;
    assert_eq!(status, 202);
    let (status, _) = t.post(&admin, &format!("/api/contacts/{contact}/notes"), &json!({"text": NOTE}), None).await;
    assert_eq!(status, 201);
    let (status, lead) =
        t.post(&admin, "/api/contacts", &json!({"phone": format!("+{LEAD}"), "name": "Kiran"}), None).await;
    assert_eq!(status, 201, "{lead}");
    // A bad request names what is wrong, not the number it was given.
    let (status, refused) = t.post(&admin, "/api/contacts", &json!({"phone": "98123 00003 abc"}), None).await;
    assert_eq!(status, 422);
    assert!(!refused.to_string().contains("98123"), "the API error repeats the number: {refused}");
    // A missed call becomes a call-back task; an approved template goes out.
    let call = json!({"from": CUSTOMER, "name": "Meera", "answered_seconds": null});
    let answer = t.http.post(format!("{}/sim/customer/call", t.simulator_url)).json(&call).send().await.expect("sim");
    assert!(answer.status().is_success());
    let (status, _) = t.post(&admin, "/api/templates/sync", &json!({}), None).await;
    assert_eq!(status, 200);
    let template =
        json!({"type": "template", "template": {"name": "diwali_sale", "language": "en_US", "params": ["Meera"]}});
    let (status, queued) = t.post(&admin, &path, &template, Some("offer-1")).await;
    assert_eq!(status, 202, "{queued}");
    // The reply reaches Meta and comes back read (sender, webhook and events).
    t.contact_once(&admin, &contact, |_| true).await;
    for _ in 0..300 {
        let timeline = t.timeline(&admin, &contact).await;
        let read = timeline.iter().filter(|m| m["direction"] == "out" && m["status"] == "read").count();
        let called = timeline.iter().any(|m| m["type"] == "call");
        if read == 2 && called {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // AI assist: a summary, then a draft while the provider is down.
    let ai = json!({"enabled": true, "provider": "open_ai", "endpoint": format!("{}/openai/v1", t.simulator_url),
        "model": "m", "business_facts": "Sarees from Rs 4,000", "api_key": AI_KEY});
    assert_eq!(t.request(&admin, "PUT", "/api/ai_settings", Some(&ai)).await.0, 200);
    let assist = format!("/api/contacts/{contact}/assist");
    assert_eq!(t.post(&admin, &assist, &json!({"task": "summary"}), None).await.0, 200);
    let faults = format!("{}/sim/ai/faults", t.simulator_url);
    assert!(t.http.put(&faults).json(&json!({"status": 500})).send().await.is_ok_and(|r| r.status().is_success()));
    assert_eq!(t.post(&admin, &assist, &json!({"task": "draft"}), None).await.0, 502);

    // The lead is erased.
    let lead_id = lead["id"].as_str().expect("an id");
    let (status, erased) = t.request(&admin, "DELETE", &format!("/api/contacts/{lead_id}"), None).await;
    assert_eq!(status, 200, "{erased}");

    let logs = captured.text();
    assert!(logs.contains("\"kind\":\"call\""), "the missed call was stored: {logs}");
    assert!(logs.contains(&contact), "the logs name the contact by id, so they were captured: {logs}");
    assert!(logs.contains("wamid."), "the logs name messages by wamid");
    let national = |number: &str| number[2..].to_owned();
    for secret in [CUSTOMER.to_owned(), national(CUSTOMER), LEAD.to_owned(), national(LEAD)] {
        assert!(!logs.contains(&secret), "a phone number is logged: {}", line_with(&logs, &secret));
    }
    assert!(logs.contains("ai assist answered"), "the assist was logged");
    for words in [SAYS, REPLY, NOTE, APP_SECRET, ACCESS_TOKEN, VERIFY_TOKEN, ADMIN_PASSWORD, AI_KEY] {
        assert!(!logs.contains(words), "{words:?} is logged: {}", line_with(&logs, words));
    }
}

fn line_with<'a>(logs: &'a str, needle: &str) -> &'a str {
    logs.lines().find(|l| l.contains(needle)).unwrap_or_default()
}
