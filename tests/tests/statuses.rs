//! Status webhooks end to end: monotonic, idempotent, kept when they arrive
//! before Parley knows their message.
//!
//! The outbound messages here are written the way the sender stores them
//! (`queued`, rank 0) straight into the table, since these tests are about
//! the status path, not the send path.

use aws_sdk_dynamodb::types::AttributeValue;
use parley::adapters::dynamo::keys;
use parley::domain::identity::IdentityKey;
use parley::domain::{BusinessNumber, ContactId, Millis};
use parley::ports::StatusStore;
use parley_e2e::{fixture, TestStack};
use parley_simulator::webhook::{envelope, messages_change, status, BusinessPhone};
use serde_json::{json, Value};
use std::collections::HashMap;

const RECIPIENT: &str = "16315551181";

fn contact_id(phone: &BusinessPhone) -> ContactId {
    ContactId::derive(&BusinessNumber(phone.phone_number_id.clone()), &IdentityKey::WaId(RECIPIENT.into()))
}

/// Writes a queued outbound message; returns its sort key.
async fn queued_message(t: &TestStack, contact: &ContactId, id: &str) -> String {
    let sk = keys::message_sk(Millis(1_700_000_000_000), id);
    let s = |v: &str| AttributeValue::S(v.to_owned());
    let item = HashMap::from([
        ("pk".to_owned(), s(&keys::contact_pk(contact))),
        ("sk".to_owned(), s(&sk)),
        ("id".to_owned(), s(id)),
        ("contact_id".to_owned(), s(contact.as_str())),
        ("direction".to_owned(), s("out")),
        ("type".to_owned(), s("text")),
        ("text".to_owned(), s("Your order has shipped")),
        ("at".to_owned(), AttributeValue::N("1700000000000".into())),
        ("status".to_owned(), s("queued")),
        ("status_rank".to_owned(), AttributeValue::N("0".into())),
    ]);
    t.dynamo().await.put_item().table_name(&t.table).set_item(Some(item)).send().await.unwrap();
    sk
}

async fn message_item(t: &TestStack, contact: &ContactId, sk: &str) -> HashMap<String, AttributeValue> {
    let key = HashMap::from([
        ("pk".to_owned(), AttributeValue::S(keys::contact_pk(contact))),
        ("sk".to_owned(), AttributeValue::S(sk.to_owned())),
    ]);
    t.dynamo()
        .await
        .get_item()
        .table_name(&t.table)
        .set_key(Some(key))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
        .unwrap()
}

fn text(item: &HashMap<String, AttributeValue>, name: &str) -> Option<String> {
    item.get(name).and_then(|v| v.as_s().ok()).cloned()
}

fn statuses_webhook(statuses: Vec<Value>) -> Value {
    envelope(vec![messages_change(&BusinessPhone::default(), vec![], vec![], statuses)])
}

#[tokio::test]
async fn a_status_before_its_message_is_kept_and_applied_when_the_message_appears() {
    let t = TestStack::start().await;
    let phone = BusinessPhone::default();
    let contact = contact_id(&phone);
    let body = statuses_webhook(vec![
        status("wamid.EARLY", "delivered", 1_700_000_010, RECIPIENT),
        status("wamid.EARLY", "sent", 1_700_000_005, RECIPIENT),
    ]);
    assert_eq!(t.post_json_webhook(&body).await.status(), 200);

    let sk = queued_message(&t, &contact, "m-1").await;
    t.stack.store.link_wamid(&keys::message_ref(&contact, &sk), "wamid.EARLY").await.unwrap();
    let item = message_item(&t, &contact, &sk).await;
    assert_eq!(text(&item, "status").as_deref(), Some("delivered"), "the parked statuses applied, in order");
    assert_eq!(text(&item, "wamid").as_deref(), Some("wamid.EARLY"));
    assert!(text(&item, "pricing").unwrap().contains("utility"), "pricing from the parked sent status is kept");

    // Parked statuses are consumed: a later read still applies normally.
    let read = statuses_webhook(vec![status("wamid.EARLY", "read", 1_700_000_020, RECIPIENT)]);
    assert_eq!(t.post_json_webhook(&read).await.status(), 200);
    assert_eq!(text(&message_item(&t, &contact, &sk).await, "status").as_deref(), Some("read"));
}

#[tokio::test]
async fn duplicated_and_shuffled_statuses_end_at_the_furthest_state() {
    let t = TestStack::start().await;
    let contact = contact_id(&BusinessPhone::default());
    // The customer wrote first, so the contact exists for the timeline.
    let customer = parley_simulator::Customer::new(RECIPIENT, "test user name");
    t.post_json_webhook(&customer.webhook(vec![customer.text("wamid.HELLO", 1_600_000_000, "hello")])).await;
    let sk = queued_message(&t, &contact, "m-2").await;
    t.stack.store.link_wamid(&keys::message_ref(&contact, &sk), "ABGGFlA5Fpa").await.unwrap();
    // Meta's own samples: read first, then delivered twice, then a late sent.
    for file in [
        "meta_sample_status_read_v25.json",
        "meta_sample_status_delivered_v25.json",
        "meta_sample_status_delivered_v25.json",
        "meta_sample_status_sent_v25.json",
    ] {
        assert_eq!(t.post_webhook(&fixture(file)).await.status(), 200, "{file}");
    }
    let item = message_item(&t, &contact, &sk).await;
    assert_eq!(text(&item, "status").as_deref(), Some("read"));
    let pricing: Value = serde_json::from_str(&text(&item, "pricing").unwrap()).unwrap();
    assert_eq!(pricing["category"], "marketing", "a late sent still leaves its pricing");
    assert_eq!(item.get("billable").and_then(|b| b.as_bool().ok()), Some(&true));

    let cookie = t.login().await;
    let timeline = t.timeline(&cookie, contact.as_str()).await;
    assert_eq!(timeline[1]["status"], "read");
    assert_eq!(timeline[1]["direction"], "out");
    assert_eq!(timeline[1]["pricing"]["pricing_model"], "PMP");
}

#[tokio::test]
async fn a_failure_after_read_is_a_note_and_a_failure_before_delivery_sticks() {
    let t = TestStack::start().await;
    let contact = contact_id(&BusinessPhone::default());
    let read_sk = queued_message(&t, &contact, "m-read").await;
    let failed_sk = queued_message(&t, &contact, "m-failed").await;
    t.stack.store.link_wamid(&keys::message_ref(&contact, &read_sk), "wamid.R").await.unwrap();
    t.stack.store.link_wamid(&keys::message_ref(&contact, &failed_sk), "wamid.F").await.unwrap();
    let body = statuses_webhook(vec![
        status("wamid.R", "read", 1_700_000_010, RECIPIENT),
        status("wamid.R", "failed", 1_700_000_011, RECIPIENT),
        status("wamid.R", "failed", 1_700_000_011, RECIPIENT),
        status("wamid.F", "failed", 1_700_000_010, RECIPIENT),
        status("wamid.F", "sent", 1_700_000_005, RECIPIENT),
    ]);
    assert_eq!(t.post_json_webhook(&body).await.status(), 200);

    let read = message_item(&t, &contact, &read_sk).await;
    assert_eq!(text(&read, "status").as_deref(), Some("read"));
    let notes = read.get("error_notes").and_then(|n| n.as_ss().ok()).cloned().unwrap();
    assert_eq!(notes.len(), 1, "the duplicate failure is noted once: {notes:?}");
    assert!(notes[0].contains("131026"));

    let failed = message_item(&t, &contact, &failed_sk).await;
    assert_eq!(text(&failed, "status").as_deref(), Some("failed"), "a late sent does not hide a failure");
    let errors: Value = serde_json::from_str(&text(&failed, "errors").unwrap()).unwrap();
    assert_eq!(errors[0]["code"], 131026);
    assert_eq!(errors[0]["title"], "Message undeliverable");
    assert_eq!(errors[0]["details"], "Receiver is incapable of receiving this message");
}

#[tokio::test]
async fn our_callback_key_maps_a_status_home_without_a_lookup() {
    let t = TestStack::start().await;
    let contact = contact_id(&BusinessPhone::default());
    let sk = queued_message(&t, &contact, "m-cb").await;
    let mut sent = status("wamid.CB", "sent", 1_700_000_001, RECIPIENT);
    sent["biz_opaque_callback_data"] = json!(keys::message_ref(&contact, &sk).callback_data());
    let before = t.round_trips();
    assert_eq!(t.post_json_webhook(&statuses_webhook(vec![sent])).await.status(), 200);
    assert_eq!(t.round_trips() - before, 2, "one UpdateItem, no pointer read, plus the once-only spend count");
    let item = message_item(&t, &contact, &sk).await;
    assert_eq!(text(&item, "status").as_deref(), Some("sent"));
    assert_eq!(
        text(&item, "wamid").as_deref(),
        Some("wamid.CB"),
        "the wamid is learnt even if the send response was lost"
    );
}

#[tokio::test]
async fn a_status_for_a_message_never_seen_is_parked_not_dropped() {
    let t = TestStack::start().await;
    assert_eq!(t.post_webhook(&fixture("meta_sample_status_delivered_v25.json")).await.status(), 200);
    assert_eq!(t.post_webhook(&fixture("meta_sample_status_delivered_v25.json")).await.status(), 200);
    let parked = t
        .dynamo()
        .await
        .query()
        .table_name(&t.table)
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(":pk", AttributeValue::S(keys::wamid_pk("ABGGFlA5Fpa")))
        .send()
        .await
        .unwrap();
    assert_eq!(parked.items().len(), 1, "kept once, however often Meta repeats it");
    let raw = parked.items()[0].get("raw").and_then(|r| r.as_s().ok()).unwrap();
    assert!(raw.contains("\"delivered\""));
}
