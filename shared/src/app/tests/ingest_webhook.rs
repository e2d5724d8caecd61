use super::fixture::{World, PHONE_NUMBER_ID};
use crate::app::inbox::{Inbox, InboxSettings};
use crate::app::{IngestError, IngestWebhook};
use crate::domain::routing::RoutingRule;
use crate::domain::unprocessable::ItemKind;
use crate::domain::{DeliveryStatus, MessageRef, Role};
use crate::ports::{ConversationStore, PageRequest, StatusStore, StoreError};
use crate::whatsapp::signature::sign;
use serde_json::{json, Value};
use std::sync::Arc;

const SECRET: &str = "app-secret";

fn body(messages: Vec<Value>, statuses: Vec<Value>) -> Vec<u8> {
    let mut value = json!({
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550000000", "phone_number_id": PHONE_NUMBER_ID},
    });
    if !messages.is_empty() {
        value["contacts"] = json!([{"profile": {"name": "Asha"}, "wa_id": "15550001111"}]);
        value["messages"] = json!(messages);
    }
    if !statuses.is_empty() {
        value["statuses"] = json!(statuses);
    }
    json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}]})
        .to_string()
        .into_bytes()
}

fn text(wamid: &str, seconds: i64) -> Value {
    json!({"from": "15550001111", "id": wamid, "timestamp": seconds.to_string(), "type": "text", "text": {"body": "hi"}})
}

fn status(wamid: &str, status: &str, seconds: i64) -> Value {
    json!({"id": wamid, "status": status, "timestamp": seconds.to_string(), "recipient_id": "15550001111"})
}

fn ingest(w: &World) -> IngestWebhook {
    IngestWebhook::new(crate::app::ingest_webhook::IngestStores::over(w.store.clone()), w.clock.clone(), SECRET)
}

async fn post(ingest: &IngestWebhook, body: &[u8]) -> Result<crate::app::IngestReport, IngestError> {
    ingest.handle(body, Some(&sign(SECRET.as_bytes(), body))).await
}

#[tokio::test]
async fn a_redelivered_message_is_stored_once_and_a_bad_signature_stores_nothing() {
    let w = World::new();
    let ingest = ingest(&w);
    let delivery = body(vec![text("wamid.A", 1_700_000_000)], vec![]);
    let err = ingest.handle(&delivery, Some("sha256=00")).await.unwrap_err();
    assert!(matches!(err, IngestError::Signature(_)));
    assert!(w
        .store
        .list_contacts(&PageRequest::default(), None, &crate::ports::ListFilter::default())
        .await
        .unwrap()
        .items
        .is_empty());
    assert_eq!(post(&ingest, &delivery).await.unwrap().stored, 1);
    let again = post(&ingest, &delivery).await.unwrap();
    assert_eq!((again.stored, again.duplicates), (0, 1));
    let contacts =
        w.store.list_contacts(&PageRequest::default(), None, &crate::ports::ListFilter::default()).await.unwrap().items;
    assert_eq!(contacts.len(), 1);
    assert_eq!(w.store.timeline(&contacts[0].id, &PageRequest::default()).await.unwrap().items.len(), 1);
}

#[tokio::test]
async fn statuses_before_their_message_wait_for_it_and_then_apply_in_order() {
    let w = World::new();
    let ingest = ingest(&w);
    // An outbound message Parley is about to link to its wamid.
    let contact = w.customer_says("15550001111", "wamid.IN", "hello").await;
    let report = post(
        &ingest,
        &body(
            vec![],
            vec![status("wamid.OUT", "delivered", 1_700_000_010), status("wamid.OUT", "sent", 1_700_000_005)],
        ),
    )
    .await
    .unwrap();
    assert_eq!(report.statuses_pending, 2);
    let send = w.send_message();
    send.send(crate::app::send_message::SendCommand {
        contact,
        content: crate::domain::outbound::OutboundContent::Text { text: "hi".into() },
        reply_to: None,
        idempotency_key: None,
        actor: "agent@shop.test".into(),
    })
    .await
    .unwrap();
    let message: MessageRef = w.queue.enqueued().remove(0);
    w.store.link_wamid(&message, "wamid.OUT").await.unwrap();
    assert_eq!(w.store.message(&message).unwrap().status, Some(DeliveryStatus::Delivered));
    // A late `sent` after that changes nothing; `read` moves it on.
    let late = post(&ingest, &body(vec![], vec![status("wamid.OUT", "sent", 1_700_000_006)])).await.unwrap();
    assert_eq!(late.statuses_stale, 1);
    let read = post(&ingest, &body(vec![], vec![status("wamid.OUT", "read", 1_700_000_020)])).await.unwrap();
    assert_eq!(read.statuses_applied, 1);
    assert_eq!(w.store.message(&message).unwrap().status, Some(DeliveryStatus::Read));
}

#[tokio::test]
async fn with_round_robin_a_new_conversation_goes_to_the_next_available_agent() {
    let w = World::new();
    w.teammate("a@shop.test", Role::Agent).await;
    w.teammate("b@shop.test", Role::Agent).await;
    w.teammate("boss@shop.test", Role::Manager).await;
    let settings = InboxSettings { routing: RoutingRule::RoundRobin, ..InboxSettings::default() };
    let inbox =
        Inbox::new(w.store.clone(), w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone(), settings);
    let ingest = ingest(&w).with_routing(Arc::new(inbox));
    let first = json!({"from": "15550001111", "id": "wamid.1", "timestamp": "1700000000", "type": "text", "text": {"body": "hi"}});
    post(&ingest, &body(vec![first], vec![])).await.unwrap();
    let mut second = body(vec![text("wamid.2", 1_700_000_001)], vec![]);
    second = String::from_utf8(second).unwrap().replace("15550001111", "15550002222").into_bytes();
    post(&ingest, &second).await.unwrap();
    let mut owners: Vec<Option<String>> = w
        .store
        .list_contacts(&PageRequest::default(), None, &crate::ports::ListFilter::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.conversation.owner)
        .collect();
    owners.sort();
    assert_eq!(owners, [Some("a@shop.test".to_owned()), Some("b@shop.test".to_owned())], "managers get none");
}

/// The owners of the contacts, in contact order.
async fn owners(w: &World) -> Vec<Option<String>> {
    let page =
        w.store.list_contacts(&PageRequest::default(), None, &crate::ports::ListFilter::default()).await.unwrap();
    page.items.into_iter().map(|c| c.conversation.owner).collect()
}

#[tokio::test]
async fn a_number_s_default_owner_takes_its_new_conversations_while_available_then_the_rule_does() {
    use crate::domain::number_profile::{NumberProfile, NumberProfileEdit};
    use crate::ports::{NumberProfileStore, UserStore};
    let w = World::new();
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    w.teammate("a@shop.test", Role::Agent).await;
    let edit = NumberProfileEdit {
        name: "Sales".into(),
        display_phone: None,
        waba_id: None,
        default_owner: Some(boss.email.clone()),
        expected_updated_at: None,
    };
    let profile = NumberProfile::edited(PHONE_NUMBER_ID, &edit, crate::domain::Millis(1)).unwrap();
    let audit = crate::domain::AuditEntry {
        at: crate::domain::Millis(1),
        actor: boss.email.clone(),
        action: "number_saved".into(),
        contact: None,
        detail: "{}".into(),
    };
    assert!(w.store.save_number_profile(&profile, None, &audit).await.unwrap());
    let settings = InboxSettings { routing: RoutingRule::RoundRobin, ..InboxSettings::default() };
    let inbox =
        Inbox::new(w.store.clone(), w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone(), settings)
            .with_number_owners(w.store.clone());
    let ingest = ingest(&w).with_routing(Arc::new(inbox));
    post(&ingest, &body(vec![text("wamid.1", 1_700_000_000)], vec![])).await.unwrap();
    assert_eq!(owners(&w).await, [Some("boss@shop.test".to_owned())], "the number's default owner, a manager too");

    let away = crate::domain::UserPatch { available: Some(false), ..Default::default() };
    w.store.update_user(&boss.email, &away).await.unwrap();
    let second = String::from_utf8(body(vec![text("wamid.2", 1_700_000_001)], vec![])).unwrap();
    post(&ingest, second.replace("15550001111", "15550002222").as_bytes()).await.unwrap();
    let mut owners = owners(&w).await;
    owners.sort();
    assert_eq!(owners, [Some("a@shop.test".to_owned()), Some("boss@shop.test".to_owned())], "away: round robin");
}

fn text_saying(wamid: &str, seconds: i64, words: &str) -> Value {
    json!({"from": "15550001111", "id": wamid, "timestamp": seconds.to_string(), "type": "text", "text": {"body": words}})
}

#[tokio::test]
async fn a_poison_item_is_parked_and_the_rest_of_its_delivery_is_stored() {
    let w = World::new();
    let ingest = ingest(&w);
    // Over DynamoDB's item limit, and a wamid too long to be a key: no retry
    // will ever store either.
    let long_wamid = "wamid.LONG".repeat(300);
    let delivery = body(
        vec![
            text("wamid.A", 1_700_000_000),
            text_saying("wamid.POISON", 1_700_000_001, &"x".repeat(500_000)),
            text(&long_wamid, 1_700_000_002),
            text("wamid.B", 1_700_000_003),
        ],
        vec![status(&long_wamid, "delivered", 1_700_000_004)],
    );
    for _ in 0..2 {
        let report = post(&ingest, &delivery).await.unwrap();
        assert_eq!(report.parked, 3);
    }
    let contacts =
        w.store.list_contacts(&PageRequest::default(), None, &crate::ports::ListFilter::default()).await.unwrap().items;
    let timeline = w.store.timeline(&contacts[0].id, &PageRequest::default()).await.unwrap().items;
    let ids: Vec<&str> = timeline.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["wamid.A", "wamid.B"]);
    let parked = w.store.parked_items();
    assert_eq!(parked.len(), 3, "each parked once, however often Meta repeats it");
    let poison = parked.iter().find(|p| p.wamid == "wamid.POISON").unwrap();
    assert!(poison.raw.contains("wamid.POISON"));
    assert_eq!(poison.received_at, super::fixture::T0);
    assert!(!poison.reason.contains("15550001111"), "the reason is the store's, never the item's");
    assert_eq!(parked.iter().filter(|p| p.kind == ItemKind::Status).count(), 1);
}

#[tokio::test]
async fn an_outage_on_one_item_fails_the_delivery_after_storing_the_others() {
    let w = World::new();
    let ingest = ingest(&w);
    w.store.outage_for("wamid.FLAKY", true);
    let delivery = body(
        vec![
            text("wamid.A", 1_700_000_000),
            text("wamid.FLAKY", 1_700_000_001),
            text_saying("wamid.POISON", 1_700_000_002, &"x".repeat(500_000)),
            text("wamid.B", 1_700_000_003),
        ],
        vec![],
    );
    let answer = post(&ingest, &delivery).await;
    assert!(matches!(answer, Err(IngestError::Store(StoreError::Unavailable(_)))), "Meta must retry");
    let contacts =
        w.store.list_contacts(&PageRequest::default(), None, &crate::ports::ListFilter::default()).await.unwrap().items;
    let stored = w.store.timeline(&contacts[0].id, &PageRequest::default()).await.unwrap().items;
    assert_eq!(stored.len(), 2, "the rest is not held hostage");
    assert_eq!(w.store.parked_items().len(), 1);
    // Meta's retry, once the store is back, stores only what is missing.
    w.store.outage_for("wamid.FLAKY", false);
    let report = post(&ingest, &delivery).await.unwrap();
    assert_eq!((report.stored, report.duplicates, report.parked), (1, 2, 1));
}
