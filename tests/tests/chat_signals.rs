//! Read receipts and "typing…": what the customer's phone is told when
//! staff open their conversation or type, through the Cloud API simulator.

use parley_e2e::TestStack;
use serde_json::{json, Value};

async fn read_marks(t: &TestStack) -> Vec<Value> {
    let marks = t.http.get(format!("{}/sim/read_marks", t.simulator_url)).send().await.unwrap();
    marks.json::<Vec<Value>>().await.unwrap()
}

async fn only_contact(t: &TestStack, cookie: &str) -> String {
    t.contacts(cookie).await[0]["id"].as_str().unwrap().to_owned()
}

/// The wamid of the customer's message saying `text`.
async fn wamid_of(t: &TestStack, cookie: &str, contact: &str, text: &str) -> String {
    let timeline = t.timeline(cookie, contact).await;
    timeline.iter().find(|m| m["text"] == text).unwrap()["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn opening_a_conversation_marks_the_customers_latest_message_read_once() {
    let t = TestStack::start().await;
    t.customer_says("919812300001", "Kavya", "Do you deliver to Nashik?").await;
    t.customer_says("919812300001", "Kavya", "And what about Pune?").await;
    let admin = t.login().await;
    let id = only_contact(&t, &admin).await;
    let latest = wamid_of(&t, &admin, &id, "And what about Pune?").await;

    let (status, marker) = t.post(&admin, &format!("/api/contacts/{id}/read"), &json!({}), None).await;
    assert_eq!((status, marker["read_receipt"].as_str()), (200, Some("sent")), "{marker}");
    let marks = read_marks(&t).await;
    assert_eq!(marks.len(), 1, "{marks:?}");
    assert_eq!((&marks[0]["message_id"], &marks[0]["typing"]), (&json!(latest), &json!(false)));

    // A teammate opening it too, or the same person again: Meta was told.
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    t.post(&admin, &format!("/api/contacts/{id}/assign"), &json!({"owner": "agent@shop.test"}), None).await;
    let (_, again) = t.post(&agent, &format!("/api/contacts/{id}/read"), &json!({}), None).await;
    assert_eq!(again["read_receipt"], "not_due");
    assert_eq!(read_marks(&t).await.len(), 1);

    // The customer writes again: the next opening marks that one.
    t.customer_says("919812300001", "Kavya", "Hello?").await;
    let newest = wamid_of(&t, &admin, &id, "Hello?").await;
    let (_, marker) = t.post(&agent, &format!("/api/contacts/{id}/read"), &json!({}), None).await;
    assert_eq!(marker["read_receipt"], "sent");
    assert_eq!(read_marks(&t).await[1]["message_id"], json!(newest));
}

#[tokio::test]
async fn typing_shows_inside_the_window_and_each_switch_turns_its_signal_off() {
    let t = TestStack::start().await;
    t.customer_says("919812300002", "Imran", "Is the sherwani ready?").await;
    let admin = t.login().await;
    let id = only_contact(&t, &admin).await;
    let (status, typing) = t.post(&admin, &format!("/api/contacts/{id}/typing"), &json!({}), None).await;
    assert_eq!((status, typing["indicator"].as_str()), (200, Some("sent")), "{typing}");
    let marks = read_marks(&t).await;
    assert_eq!(marks.last().unwrap()["typing"], true, "{marks:?}");

    let business = |receipts: bool, typing: bool| {
        json!({"name": "Shop", "country": "IN", "currency": "INR", "time_zone": "Asia/Kolkata",
            "read_receipts": receipts, "typing_indicator": typing})
    };
    let (status, saved) = t.request(&admin, "PUT", "/api/business", Some(&business(true, false))).await;
    assert_eq!((status, &saved["typing_indicator"]), (200, &json!(false)), "{saved}");
    let (_, typing) = t.post(&admin, &format!("/api/contacts/{id}/typing"), &json!({}), None).await;
    assert_eq!(typing["indicator"], "off");

    t.request(&admin, "PUT", "/api/business", Some(&business(false, true))).await;
    t.customer_says("919812300002", "Imran", "Hello?").await;
    let (_, marker) = t.post(&admin, &format!("/api/contacts/{id}/read"), &json!({}), None).await;
    assert_eq!(marker["read_receipt"], "off");
    let (_, typing) = t.post(&admin, &format!("/api/contacts/{id}/typing"), &json!({}), None).await;
    assert_eq!(typing["indicator"], "off", "typing would mark the message read");
    assert_eq!(read_marks(&t).await.len(), marks.len(), "nothing more reached Meta");

    // A day on, the window has closed: no answer can go, so no "typing…".
    t.request(&admin, "PUT", "/api/business", Some(&business(true, true))).await;
    t.clock.advance(std::time::Duration::from_secs(25 * 3600));
    let admin = t.login().await;
    let (_, typing) = t.post(&admin, &format!("/api/contacts/{id}/typing"), &json!({}), None).await;
    assert_eq!(typing["indicator"], "not_due");
}

#[tokio::test]
async fn a_read_mark_meta_refuses_leaves_the_conversation_opened_and_is_tried_again() {
    let t = TestStack::start().await;
    t.customer_says("919812300003", "Leela", "Any discount?").await;
    let admin = t.login().await;
    let id = only_contact(&t, &admin).await;
    let faults = json!({"token_revoked": true});
    t.http.put(format!("{}/sim/faults", t.simulator_url)).json(&faults).send().await.unwrap();
    let (status, marker) = t.post(&admin, &format!("/api/contacts/{id}/read"), &json!({}), None).await;
    assert_eq!((status, marker["read_receipt"].as_str(), &marker["unread"]), (200, Some("failed"), &json!(false)));
    t.http.put(format!("{}/sim/faults", t.simulator_url)).json(&json!({})).send().await.unwrap();
    let (_, marker) = t.post(&admin, &format!("/api/contacts/{id}/read"), &json!({}), None).await;
    assert_eq!(marker["read_receipt"], "sent", "the next opening tries again");
    assert_eq!(read_marks(&t).await.len(), 1);
}
