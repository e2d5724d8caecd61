//! Coexistence with the WhatsApp Business app: echoes, the history
//! backfill and the address book, through the webhook use case.

use super::fixture::{World, PHONE_NUMBER_ID, T0};
use crate::app::inbox::{Inbox, InboxSettings};
use crate::app::{IngestStores, IngestWebhook};
use crate::domain::conversation::ConversationStatus;
use crate::domain::routing::RoutingRule;
use crate::domain::{ContactPatch, Direction, EventKind, Role};
use crate::ports::{ContactRecordStore, ConversationStore, ListFilter, PageRequest};
use crate::whatsapp::signature::sign;
use serde_json::{json, Value};
use std::sync::Arc;

const SECRET: &str = "app-secret";
const ASHA: &str = "15550001111";

fn change(field: &str, mut value: Value) -> Vec<u8> {
    value["messaging_product"] = json!("whatsapp");
    value["metadata"] = json!({"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID});
    json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": field, "value": value}]}]})
        .to_string()
        .into_bytes()
}

fn text(from: &str, wamid: &str, seconds: i64, body: &str) -> Value {
    json!({"from": from, "id": wamid, "timestamp": seconds.to_string(), "type": "text", "text": {"body": body}})
}

fn customer_writes(wamid: &str, seconds: i64) -> Vec<u8> {
    change(
        "messages",
        json!({"contacts": [{"profile": {"name": "Asha"}, "wa_id": ASHA}], "messages": [text(ASHA, wamid, seconds, "hi")]}),
    )
}

fn typed_on_phone(to: &str, wamid: &str, seconds: i64) -> Vec<u8> {
    let mut echo = text("15550783881", wamid, seconds, "Yes, we deliver today");
    echo["to"] = json!(to);
    change("smb_message_echoes", json!({"message_echoes": [echo]}))
}

fn address_book(phone: &str, action: &str, name: Option<&str>, seconds: i64) -> Vec<u8> {
    let mut contact = json!({"phone_number": phone});
    if let Some(name) = name {
        contact["full_name"] = json!(name);
    }
    let sync = json!({"type": "contact", "contact": contact, "action": action, "metadata": {"timestamp": seconds.to_string()}});
    change("smb_app_state_sync", json!({"state_sync": [sync]}))
}

fn ingest(w: &World) -> IngestWebhook {
    IngestWebhook::new(IngestStores::over(w.store.clone()), w.clock.clone(), SECRET)
}

/// With round-robin routing on, so that anything routed would show.
fn routed_ingest(w: &World) -> IngestWebhook {
    let settings = InboxSettings { routing: RoutingRule::RoundRobin, ..InboxSettings::default() };
    let inbox =
        Inbox::new(w.store.clone(), w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone(), settings);
    ingest(w).with_routing(Arc::new(inbox))
}

async fn post(ingest: &IngestWebhook, body: &[u8]) -> crate::app::IngestReport {
    ingest.handle(body, Some(&sign(SECRET.as_bytes(), body))).await.expect("accepted")
}

async fn whole_timeline(w: &World, contact: &crate::domain::ContactId) -> Vec<crate::domain::Message> {
    let mut messages = Vec::new();
    let mut page = PageRequest::default();
    loop {
        let got = w.store.timeline(contact, &page).await.unwrap();
        messages.extend(got.items);
        match got.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => return messages,
        }
    }
}

async fn all_contacts(w: &World) -> Vec<crate::domain::Contact> {
    let page = PageRequest { cursor: None, limit: Some(100) };
    w.store.list_contacts(&page, None, &ListFilter::default()).await.unwrap().items
}

async fn only_contact(w: &World) -> crate::domain::Contact {
    let mut contacts = all_contacts(w).await;
    assert_eq!(contacts.len(), 1, "one contact");
    contacts.remove(0)
}

#[tokio::test]
async fn a_message_typed_in_the_phone_app_is_the_team_s_answer_and_leaves_the_window_as_it_was() {
    let w = World::new();
    let ingest = routed_ingest(&w);
    let seconds = T0.0 / 1000;
    post(&ingest, &customer_writes("wamid.ASK", seconds)).await;
    let asked = only_contact(&w).await;
    assert_eq!(asked.conversation.status, Some(ConversationStatus::WaitingOnUs));

    let report = post(&ingest, &typed_on_phone(&format!("+{ASHA}"), "wamid.ECHO", seconds + 60)).await;
    assert_eq!(report.echoes, 1);
    let again = post(&ingest, &typed_on_phone(ASHA, "wamid.ECHO", seconds + 60)).await;
    assert_eq!((again.echoes, again.duplicates), (0, 1), "a redelivery is stored once");

    let answered = only_contact(&w).await;
    assert_eq!(answered.id, asked.id, "the `+` in Meta's `to` names the same customer");
    assert_eq!(answered.conversation.status, Some(ConversationStatus::WaitingOnCustomer));
    assert_eq!(answered.conversation.awaiting_since, None, "the SLA clock stopped");
    assert_eq!(answered.window, asked.window, "Meta does not count it for the service window");
    assert_eq!(answered.last_inbound_at, asked.last_inbound_at);
    let timeline = w.store.timeline(&asked.id, &PageRequest::default()).await.unwrap().items;
    let echo = timeline.iter().find(|m| m.id == "wamid.ECHO").expect("on the timeline");
    assert_eq!((echo.direction, echo.origin.as_deref()), (Direction::Out, Some("phone_app")));
    assert_eq!(echo.text.as_deref(), Some("Yes, we deliver today"));
    let kinds: Vec<EventKind> = w.store.events().iter().map(|e| e.kind).collect();
    assert_eq!(kinds.iter().filter(|k| **k == EventKind::MessageReceived).count(), 1, "only the customer's");
    assert_eq!(kinds.iter().filter(|k| **k == EventKind::MessageSentFromPhoneApp).count(), 1);
}

#[tokio::test]
async fn a_number_the_business_writes_to_first_from_its_phone_becomes_a_contact_with_no_window() {
    let w = World::new();
    let ingest = routed_ingest(&w);
    w.teammate("a@shop.test", Role::Agent).await;
    post(&ingest, &typed_on_phone("15550009999", "wamid.FIRST", T0.0 / 1000)).await;
    let contact = only_contact(&w).await;
    assert_eq!(contact.wa_id.as_deref(), Some("15550009999"));
    assert!(!contact.window.is_open(T0), "only the customer opens the window");
    assert_eq!(contact.conversation.owner, None, "the phone's messages are routed nowhere");
}

/// `threads` threads of `per_thread` messages, alternating customer and
/// business, as Meta's backfill sends them.
fn history(threads: usize, per_thread: usize) -> Vec<u8> {
    let threads: Vec<Value> = (0..threads)
        .map(|t| {
            let customer = format!("1555100{t:04}");
            let messages: Vec<Value> = (0..per_thread)
                .map(|i| {
                    let wamid = format!("wamid.H{t}.{i}");
                    let at = T0.0 / 1000 - 86_400 + i as i64 * 60;
                    match i % 2 {
                        0 => text(&customer, &wamid, at, "Price of the blue kurta?"),
                        _ => {
                            let mut reply = text("15550783881", &wamid, at, "Rs 899, in stock");
                            reply["to"] = json!(customer);
                            reply["history_context"] = json!({"status": "READ", "from_me": true});
                            reply
                        }
                    }
                })
                .collect();
            json!({"id": customer, "messages": messages})
        })
        .collect();
    change(
        "history",
        json!({"history": [{"metadata": {"phase": 0, "chunk_order": 1, "progress": 100}, "threads": threads}]}),
    )
}

#[tokio::test]
async fn a_history_of_5000_messages_delivered_twice_is_stored_once_and_sets_nothing_off() {
    let w = World::new();
    w.teammate("a@shop.test", Role::Agent).await;
    w.teammate("b@shop.test", Role::Agent).await;
    let ingest = routed_ingest(&w);
    let backfill = history(50, 100);
    let first = post(&ingest, &backfill).await;
    assert_eq!((first.history_stored, first.history_duplicates), (5_000, 0));
    let again = post(&ingest, &backfill).await;
    assert_eq!((again.history_stored, again.history_duplicates), (0, 5_000));

    assert!(w.store.events().is_empty(), "no event: no rule, notification or push; {:?}", w.store.events());
    let contacts = all_contacts(&w).await;
    assert_eq!(contacts.len(), 50);
    let mut stored = 0;
    for contact in &contacts {
        assert_eq!(contact.conversation.owner, None, "not routed");
        assert_eq!(contact.conversation.status, Some(ConversationStatus::Closed), "nobody owes an answer");
        assert!(!contact.window.is_open(T0), "history opens no window");
        assert_eq!(contact.source.as_deref(), Some("whatsapp"));
        assert!(contact.last_inbound_at.is_some_and(|at| at < T0), "the customer wrote, in the past");
        let timeline = whole_timeline(&w, &contact.id).await;
        assert!(timeline.iter().all(|m| m.origin.as_deref() == Some("history")));
        assert_eq!(timeline.iter().filter(|m| m.direction == Direction::Out).count(), 50);
        stored += timeline.len();
    }
    assert_eq!(stored, 5_000);

    // The customer writes again: the live message lands on the same record
    // and is routed as any other.
    let live = change(
        "messages",
        json!({"contacts": [{"profile": {"name": "Ravi"}, "wa_id": "15551000007"}], "messages": [text("15551000007", "wamid.LIVE", T0.0 / 1000, "Still in stock?")]}),
    );
    post(&ingest, &live).await;
    let contacts = all_contacts(&w).await;
    assert_eq!(contacts.len(), 50, "no second record");
    let ravi = contacts.iter().find(|c| c.wa_id.as_deref() == Some("15551000007")).unwrap();
    assert!(ravi.conversation.owner.is_some(), "the live message is routed");
    assert_eq!(whole_timeline(&w, &ravi.id).await.len(), 101);
}

#[tokio::test]
async fn an_address_book_name_shows_unless_staff_named_the_contact_and_a_late_change_undoes_nothing() {
    let w = World::new();
    let ingest = ingest(&w);
    let seconds = T0.0 / 1000;
    let unknown = post(&ingest, &address_book("15550002222", "add", Some("Nobody"), seconds)).await;
    assert_eq!(unknown.address_book, 0, "no contact has that number");
    post(&ingest, &customer_writes("wamid.1", seconds)).await;
    let id = only_contact(&w).await.id;

    post(&ingest, &address_book(&format!("+{ASHA}"), "add", Some("Asha Rao (Pune)"), seconds + 10)).await;
    assert_eq!(only_contact(&w).await.shown_name(), Some("Asha Rao (Pune)"));
    // Removed at +30; the add of +20 arrives after it and changes nothing.
    post(&ingest, &address_book(ASHA, "remove", None, seconds + 30)).await;
    let late = post(&ingest, &address_book(ASHA, "add", Some("Asha R."), seconds + 20)).await;
    assert_eq!(late.address_book, 0);
    assert_eq!(only_contact(&w).await.shown_name(), Some("Asha"), "back to the WhatsApp profile name");

    post(&ingest, &address_book(ASHA, "add", Some("Asha Rao"), seconds + 40)).await;
    let patch = ContactPatch { display_name: Some(Some("Asha (wholesale)".into())), ..ContactPatch::default() };
    w.store.patch_contact(&id, &patch).await.unwrap();
    let contact = only_contact(&w).await;
    assert_eq!(contact.shown_name(), Some("Asha (wholesale)"), "staff's name wins");
    assert_eq!(contact.address_book_name.as_deref(), Some("Asha Rao"));
}
