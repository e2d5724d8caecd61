//! Answering a customer's WhatsApp call in the browser: the ring on the
//! contact, one teammate winning it, Meta's actions in order, and the end.

use super::fixture::{World, PHONE_NUMBER_ID, T0};
use crate::app::call_desk::{CallDesk, CallDeskError};
use crate::app::{IngestStores, IngestWebhook};
use crate::domain::ringing_call::RING_MS;
use crate::domain::{Contact, EventKind};
use crate::ports::memory::ScriptedCalls;
use crate::ports::{ConversationStore, ListFilter, PageRequest};
use crate::whatsapp::signature::sign;
use serde_json::json;
use std::sync::Arc;

const SECRET: &str = "app-secret";
const OFFER: &str = "v=0\r\no=- 1 2 IN IP4 157.240.0.1\r\ns=-\r\n";
const ANSWER: &str = "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\n";

fn calls_change(call: serde_json::Value) -> Vec<u8> {
    let value = json!({"messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": "Asha"}, "wa_id": "15550001111"}], "calls": [call]});
    json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "calls", "value": value}]}]})
        .to_string()
        .into_bytes()
}

fn connect(id: &str, at_s: i64) -> Vec<u8> {
    calls_change(json!({"id": id, "from": "15550001111", "to": "15550783881", "event": "connect",
        "direction": "USER_INITIATED", "timestamp": at_s.to_string(), "session": {"sdp_type": "offer", "sdp": OFFER}}))
}

fn terminate(id: &str, at_s: i64) -> Vec<u8> {
    calls_change(json!({"id": id, "from": "15550001111", "to": "15550783881", "event": "terminate",
        "direction": "USER_INITIATED", "timestamp": at_s.to_string(), "status": "COMPLETED",
        "start_time": (at_s - 30).to_string(), "end_time": at_s.to_string(), "duration": 30}))
}

async fn post(w: &World, body: &[u8]) -> crate::app::IngestReport {
    let ingest = IngestWebhook::new(IngestStores::over(w.store.clone()), w.clock.clone(), SECRET);
    ingest.handle(body, Some(&sign(SECRET.as_bytes(), body))).await.expect("accepted")
}

async fn the_contact(w: &World) -> Contact {
    w.store.list_contacts(&PageRequest::default(), None, &ListFilter::default()).await.unwrap().items.remove(0)
}

fn desk(w: &World, meta: &Arc<ScriptedCalls>) -> CallDesk {
    CallDesk::new(w.store.clone(), meta.clone(), w.clock.clone())
}

#[tokio::test]
async fn a_ringing_call_sits_on_its_contact_once_and_fires_no_message_rule() {
    let w = World::new();
    let at = T0.0 / 1000;
    assert_eq!(post(&w, &connect("wacid.R1", at)).await.stored, 1);
    assert_eq!(post(&w, &connect("wacid.R1", at)).await.duplicates, 1, "a redelivered connect is kept once");
    let ringing = the_contact(&w).await.ringing.expect("ringing");
    assert_eq!((ringing.call_id.as_str(), ringing.offer_sdp.as_str(), ringing.answered_by), ("wacid.R1", OFFER, None));
    let kinds: Vec<EventKind> = w.store.events().iter().map(|e| e.kind).collect();
    assert_eq!(kinds.iter().filter(|k| **k == EventKind::CallRinging).count(), 1);
    assert!(!kinds.contains(&EventKind::MessageReceived), "a ring is no message for rules: {kinds:?}");

    post(&w, &terminate("wacid.R1", at + 40)).await;
    assert_eq!(the_contact(&w).await.ringing, None, "its end takes it off the contact");
}

#[tokio::test]
async fn a_connect_that_arrives_after_its_terminate_does_not_ring_again() {
    let w = World::new();
    let at = T0.0 / 1000;
    post(&w, &terminate("wacid.LATE", at + 40)).await;
    post(&w, &connect("wacid.LATE", at)).await;
    assert_eq!(the_contact(&w).await.ringing, None);
}

#[tokio::test]
async fn the_first_teammate_to_answer_connects_the_call_and_the_second_hears_who() {
    let w = World::new();
    post(&w, &connect("wacid.R2", T0.0 / 1000)).await;
    let meta = Arc::new(ScriptedCalls::default());
    let contact = the_contact(&w).await;
    desk(&w, &meta).answer(&contact, "wacid.R2", ANSWER, "asha@shop.test").await.unwrap();
    // The second read the contact before the first answered.
    let late = desk(&w, &meta).answer(&contact, "wacid.R2", ANSWER, "ravi@shop.test").await;
    assert!(matches!(late, Err(CallDeskError::Taken { ref by }) if by == "asha@shop.test"), "{late:?}");
    let actions: Vec<_> = meta.actions().into_iter().map(|(id, action, sdp)| (id, action, sdp.is_some())).collect();
    assert_eq!(
        actions,
        vec![("wacid.R2".to_owned(), "pre_accept", true), ("wacid.R2".to_owned(), "accept", true)],
        "Meta heard from the winner only, pre-accept first"
    );
    assert_eq!(the_contact(&w).await.ringing.unwrap().answered_by.as_deref(), Some("asha@shop.test"));
    let answered: Vec<_> = w.store.events().into_iter().filter(|e| e.kind == EventKind::CallAnswered).collect();
    assert_eq!(answered.len(), 1);
    assert_eq!(answered[0].actor.as_deref(), Some("asha@shop.test"));

    desk(&w, &meta).hang_up(&the_contact(&w).await, "wacid.R2").await.unwrap();
    assert_eq!(meta.actions().last().map(|a| a.1), Some("terminate"));
}

#[tokio::test]
async fn a_call_meta_will_not_connect_is_given_back_for_someone_else() {
    let w = World::new();
    post(&w, &connect("wacid.R3", T0.0 / 1000)).await;
    let meta = Arc::new(ScriptedCalls::default());
    meta.refuse("accept");
    let contact = the_contact(&w).await;
    let refused = desk(&w, &meta).answer(&contact, "wacid.R3", ANSWER, "asha@shop.test").await;
    assert!(matches!(refused, Err(CallDeskError::Meta(_))), "{refused:?}");
    assert_eq!(the_contact(&w).await.ringing.unwrap().answered_by, None, "released");
}

#[tokio::test]
async fn a_call_that_rang_out_or_ended_or_is_another_cannot_be_answered() {
    let w = World::new();
    post(&w, &connect("wacid.R4", T0.0 / 1000)).await;
    let meta = Arc::new(ScriptedCalls::default());
    let contact = the_contact(&w).await;
    let other = desk(&w, &meta).answer(&contact, "wacid.OTHER", ANSWER, "asha@shop.test").await;
    assert!(matches!(other, Err(CallDeskError::Over)), "{other:?}");
    let no_sdp = desk(&w, &meta).answer(&contact, "wacid.R4", "hello", "asha@shop.test").await;
    assert!(matches!(no_sdp, Err(CallDeskError::BadAnswer)), "{no_sdp:?}");
    w.clock.advance_ms(RING_MS);
    let rang_out = desk(&w, &meta).answer(&contact, "wacid.R4", ANSWER, "asha@shop.test").await;
    assert!(matches!(rang_out, Err(CallDeskError::Over)), "{rang_out:?}");
    assert!(meta.actions().is_empty(), "Meta was never asked");

    post(&w, &terminate("wacid.R4", T0.0 / 1000 + 40)).await;
    let ended = desk(&w, &meta).decline(&the_contact(&w).await, "wacid.R4").await;
    assert!(matches!(ended, Err(CallDeskError::Over)), "{ended:?}");
}

#[tokio::test]
async fn declining_a_ringing_call_asks_meta_to_reject_it() {
    let w = World::new();
    post(&w, &connect("wacid.R5", T0.0 / 1000)).await;
    let meta = Arc::new(ScriptedCalls::default());
    desk(&w, &meta).decline(&the_contact(&w).await, "wacid.R5").await.unwrap();
    assert_eq!(meta.actions(), vec![("wacid.R5".to_owned(), "reject", None)]);
}
