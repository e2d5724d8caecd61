//! A customer's WhatsApp call: on the timeline, opening the window, and a
//! missed one becoming a call-back follow-up.

use super::fixture::{World, PHONE_NUMBER_ID, T0};
use crate::app::missed_call_follow_up::MissedCallFollowUp;
use crate::app::reactions::Reaction;
use crate::app::{IngestStores, IngestWebhook};
use crate::domain::{EventKind, MessageContent, Role};
use crate::ports::{ConversationStore, ListFilter, PageRequest, TaskLedger};
use crate::whatsapp::signature::sign;
use serde_json::{json, Value};

const SECRET: &str = "app-secret";

fn call(id: &str, answered_for: Option<i64>) -> Vec<u8> {
    let ended = T0.0 / 1000;
    let mut call = json!({"id": id, "from": "15550001111", "to": "15550783881", "event": "terminate",
        "direction": "USER_INITIATED", "timestamp": ended.to_string(), "status": "FAILED"});
    if let Some(seconds) = answered_for {
        call["status"] = json!("COMPLETED");
        call["start_time"] = json!((ended - seconds).to_string());
        call["duration"] = json!(seconds);
    }
    let value = json!({"messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": "Asha"}, "wa_id": "15550001111"}], "calls": [call]});
    let body: Value = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "calls", "value": value}]}]});
    body.to_string().into_bytes()
}

async fn post(w: &World, body: &[u8]) -> crate::app::IngestReport {
    let ingest = IngestWebhook::new(IngestStores::over(w.store.clone()), w.clock.clone(), SECRET);
    ingest.handle(body, Some(&sign(SECRET.as_bytes(), body))).await.expect("accepted")
}

fn follow_up(w: &World) -> MissedCallFollowUp {
    MissedCallFollowUp::new(w.store.clone(), w.store.clone(), w.store.clone(), w.scheduler.clone())
}

/// Hands every published `message.received` to the reaction, twice, as a
/// redelivered batch would.
async fn react_twice(w: &World) {
    let reaction = follow_up(w);
    for _ in 0..2 {
        for event in w.store.events().iter().filter(|e| e.kind == EventKind::MessageReceived) {
            reaction.react(event).await.unwrap();
        }
    }
}

#[tokio::test]
async fn a_missed_call_is_on_the_timeline_opens_the_window_and_becomes_one_call_back_for_a_manager() {
    let w = World::new();
    w.teammate("agent@shop.test", Role::Agent).await;
    w.teammate("boss@shop.test", Role::Manager).await;
    assert_eq!(post(&w, &call("wacid.MISSED", None)).await.stored, 1);
    assert_eq!(post(&w, &call("wacid.MISSED", None)).await.duplicates, 1, "a redelivery is stored once");
    let contact =
        w.store.list_contacts(&PageRequest::default(), None, &ListFilter::default()).await.unwrap().items.remove(0);
    assert!(contact.window.is_open(T0), "a call opens the service window");
    let timeline = w.store.timeline(&contact.id, &PageRequest::default()).await.unwrap().items;
    assert!(matches!(&timeline[0].content, Some(MessageContent::Call { missed: true, duration_seconds: None, .. })));

    react_twice(&w).await;
    let tasks = w.store.contact_tasks(&contact.id, &PageRequest::default()).await.unwrap().items;
    assert_eq!(tasks.len(), 1, "one follow-up: {tasks:?}");
    assert_eq!(tasks[0].owner, "boss@shop.test", "nobody owns the conversation: a manager calls back");
    assert!(tasks[0].title.contains("Asha"));
    assert!(tasks[0].due_at > T0);
    assert!(w.scheduler.scheduled().keys().any(|name| name.contains(&tasks[0].id)), "its due wake-up is set");
}

#[tokio::test]
async fn an_answered_call_is_kept_with_its_duration_and_needs_no_call_back() {
    let w = World::new();
    w.teammate("boss@shop.test", Role::Manager).await;
    post(&w, &call("wacid.ANSWERED", Some(95))).await;
    let contact =
        w.store.list_contacts(&PageRequest::default(), None, &ListFilter::default()).await.unwrap().items.remove(0);
    let timeline = w.store.timeline(&contact.id, &PageRequest::default()).await.unwrap().items;
    assert!(matches!(
        &timeline[0].content,
        Some(MessageContent::Call { missed: false, duration_seconds: Some(95), .. })
    ));
    react_twice(&w).await;
    assert!(w.store.contact_tasks(&contact.id, &PageRequest::default()).await.unwrap().items.is_empty());
}
