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
    ContactId::derive(
        &parley_e2e::contact_id_key(),
        &BusinessNumber(phone.phone_number_id.clone()),
        &IdentityKey::WaId(RECIPIENT.into()),
    )
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

    let sk = t.plant_outbound(&contact, "m-1", Millis(1_700_000_000_000), "queued").await;
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
    let sk = t.plant_outbound(&contact, "m-2", Millis(1_700_000_000_000), "queued").await;
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
    let read_sk = t.plant_outbound(&contact, "m-read", Millis(1_700_000_000_000), "queued").await;
    let failed_sk = t.plant_outbound(&contact, "m-failed", Millis(1_700_000_000_000), "queued").await;
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
    let sk = t.plant_outbound(&contact, "m-cb", Millis(1_700_000_000_000), "queued").await;
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

async fn contact_by(t: &TestStack, cookie: &str, query: &str) -> ContactId {
    let (_, found) = t.get(cookie, &format!("/api/contacts?q={query}")).await;
    ContactId::parse(found["items"][0]["id"].as_str().unwrap()).unwrap()
}

async fn item_at(t: &TestStack, pk: String, sk: &str) -> Option<HashMap<String, AttributeValue>> {
    let key =
        HashMap::from([("pk".to_owned(), AttributeValue::S(pk)), ("sk".to_owned(), AttributeValue::S(sk.to_owned()))]);
    t.dynamo().await.get_item().table_name(&t.table).set_key(Some(key)).consistent_read(true).send().await.unwrap().item
}

/// Two contacts of one customer (by phone and by BSUID); returns `(into, from)`
/// once `from` holds a queued outbound message, whose sort key is returned too.
async fn two_records_with_a_message_on_from(t: &TestStack, cookie: &str) -> (ContactId, ContactId, String) {
    let phone = parley_simulator::Customer::new("919800000001", "Into");
    t.post_json_webhook(&phone.webhook(vec![phone.text("wamid.IN1", 1_700_000_000, "hi")])).await;
    let from_customer = parley_simulator::Customer::new(RECIPIENT, "From");
    t.post_json_webhook(&from_customer.webhook(vec![from_customer.text("wamid.IN2", 1_700_000_010, "hi")])).await;
    let into = contact_by(t, cookie, "919800000001").await;
    let from = contact_by(t, cookie, RECIPIENT).await;
    let sk = t.plant_outbound(&from, "pm.merged", Millis(1_700_000_000_000), "queued").await;
    (into, from, sk)
}

async fn merge(t: &TestStack, cookie: &str, into: &ContactId, from: &ContactId) {
    let (status, body) = t.post(cookie, &format!("/api/contacts/{into}/merge"), &json!({"from": from}), None).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_status_for_a_merged_message_follows_the_wamid_pointer() {
    let t = TestStack::start().await;
    let cookie = t.login().await;
    let (into, from, sk) = two_records_with_a_message_on_from(&t, &cookie).await;
    let message = keys::message_ref(&from, &sk);
    let callback = message.callback_data();
    let mut sent = status("wamid.MOVED", "sent", 1_700_000_020, RECIPIENT);
    sent["biz_opaque_callback_data"] = json!(callback);
    assert_eq!(t.post_json_webhook(&statuses_webhook(vec![sent])).await.status(), 200);
    t.stack.store.link_wamid(&message, "wamid.MOVED").await.unwrap();
    merge(&t, &cookie, &into, &from).await;

    // Meta echoes the callback key it was given at send time: the old home.
    let mut delivered = status("wamid.MOVED", "delivered", 1_700_000_030, RECIPIENT);
    delivered["biz_opaque_callback_data"] = json!(callback);
    assert_eq!(t.post_json_webhook(&statuses_webhook(vec![delivered])).await.status(), 200);
    let moved = message_item(&t, &into, &sk).await;
    assert_eq!(text(&moved, "status").as_deref(), Some("delivered"), "the status reached the moved message");
    assert!(item_at(&t, keys::contact_pk(&from), &sk).await.is_none(), "nothing is left at the old home");
    let timeline = t.timeline(&cookie, into.as_str()).await;
    assert!(timeline.iter().any(|m| m["status"] == "delivered"), "{timeline:?}");
}

#[tokio::test]
async fn a_late_send_result_after_a_merge_neither_resurrects_nor_repoints() {
    use parley::ports::OutboxStore;
    let t = TestStack::start().await;
    let cookie = t.login().await;
    let (into, from, sk) = two_records_with_a_message_on_from(&t, &cookie).await;
    // The sender had the message in hand when staff merged the contacts.
    merge(&t, &cookie, &into, &from).await;
    OutboxStore::mark_sent(&*t.stack.store, &keys::message_ref(&from, &sk), "wamid.LATE").await.unwrap();

    assert!(item_at(&t, keys::contact_pk(&from), &sk).await.is_none(), "no stub appears at the old home");
    let moved = message_item(&t, &into, &sk).await;
    assert_eq!(text(&moved, "status").as_deref(), Some("sent"));
    assert_eq!(text(&moved, "wamid").as_deref(), Some("wamid.LATE"));
    let pointer = item_at(&t, keys::wamid_pk("wamid.LATE"), keys::WAMID).await.unwrap();
    assert_eq!(text(&pointer, "contact_id").as_deref(), Some(into.as_str()));

    // SQS redelivers the job: the sender links the wamid again, at the old home.
    t.stack.store.link_wamid(&keys::message_ref(&from, &sk), "wamid.LATE").await.unwrap();
    let pointer = item_at(&t, keys::wamid_pk("wamid.LATE"), keys::WAMID).await.unwrap();
    assert_eq!(text(&pointer, "contact_id").as_deref(), Some(into.as_str()), "the pointer is not overwritten");
    assert!(item_at(&t, keys::contact_pk(&from), &sk).await.is_none());
    let read = statuses_webhook(vec![status("wamid.LATE", "read", 1_700_000_040, RECIPIENT)]);
    assert_eq!(t.post_json_webhook(&read).await.status(), 200);
    assert_eq!(text(&message_item(&t, &into, &sk).await, "status").as_deref(), Some("read"));
}

#[tokio::test]
async fn a_parked_status_keeps_no_phone_number_and_expires() {
    let t = TestStack::start().await;
    let body = statuses_webhook(vec![status("wamid.PARKED", "delivered", 1_700_000_010, RECIPIENT)]);
    assert_eq!(t.post_json_webhook(&body).await.status(), 200);
    let parked = t
        .dynamo()
        .await
        .query()
        .table_name(&t.table)
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(":pk", AttributeValue::S(keys::wamid_pk("wamid.PARKED")))
        .send()
        .await
        .unwrap();
    assert_eq!(parked.items().len(), 1);
    let item = &parked.items()[0];
    assert!(!format!("{item:?}").contains(RECIPIENT), "no recipient phone is kept: {item:?}");
    let expires = item.get(keys::TTL).and_then(|v| v.as_n().ok()).and_then(|n| n.parse::<i64>().ok());
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!(expires.is_some_and(|at| at > now), "a TTL in the future: {item:?}");

    // It still applies once its message is known.
    let contact = contact_id(&BusinessPhone::default());
    let sk = t.plant_outbound(&contact, "m-parked", Millis(1_700_000_000_000), "queued").await;
    t.stack.store.link_wamid(&keys::message_ref(&contact, &sk), "wamid.PARKED").await.unwrap();
    assert_eq!(text(&message_item(&t, &contact, &sk).await, "status").as_deref(), Some("delivered"));
}
