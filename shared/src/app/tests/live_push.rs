use super::fixture::{World, T0};
use crate::app::live_push::LivePush;
use crate::app::reactions::Reaction;
use crate::domain::live_connection::LiveConnection;
use crate::domain::{ContactId, Event, EventKind, Millis, Role};
use crate::ports::memory::{MemoryLiveConnections, RecordingPush};
use crate::ports::{ConversationStore, LiveConnections};
use std::sync::Arc;

struct Push {
    world: World,
    connections: Arc<MemoryLiveConnections>,
    channel: Arc<RecordingPush>,
}

impl Push {
    async fn new() -> Self {
        let connections = Arc::new(MemoryLiveConnections::default());
        for (id, email, role) in [
            ("a1-phone", "a1@x", Role::Agent),
            ("a1-laptop", "a1@x", Role::Agent),
            ("a2", "a2@x", Role::Agent),
            ("m", "m@x", Role::Manager),
            ("boss", "boss@x", Role::Admin),
        ] {
            connections.put_connection(&LiveConnection::opened(id, email, role, T0)).await.unwrap();
        }
        Push { world: World::new(), connections, channel: Arc::new(RecordingPush::default()) }
    }

    fn reaction(&self, agents_see_all: bool) -> LivePush {
        LivePush::new(
            self.connections.clone(),
            self.world.store.clone(),
            self.channel.clone(),
            self.world.clock.clone(),
            agents_see_all,
        )
    }

    async fn owned_by(&self, contact: &ContactId, owner: &str) {
        let mut c = self.world.store.contact(contact).await.unwrap().unwrap();
        c.conversation.owner = Some(owner.into());
        self.world.store.put_contact(c);
    }
}

fn received(contact: &ContactId) -> Event {
    Event::new(EventKind::MessageReceived, "message.received:w1", T0, serde_json::json!({"text": "hello"}))
        .about(contact)
}

#[tokio::test]
async fn an_unassigned_conversation_is_pushed_to_everyone() {
    let push = Push::new().await;
    let contact = push.world.customer_says("919800000001", "w1", "hi").await;
    push.reaction(false).react(&received(&contact)).await.unwrap();
    assert_eq!(push.channel.recipients(), ["a1-laptop", "a1-phone", "a2", "boss", "m"]);
    let (_, text) = &push.channel.posted()[0];
    let notice: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(notice, serde_json::json!({"type": "message.received", "contact_id": contact.to_string(), "at": T0.0}));
}

#[tokio::test]
async fn an_owned_conversation_reaches_its_owner_and_those_who_see_all_only() {
    let push = Push::new().await;
    let contact = push.world.customer_says("919800000001", "w1", "hi").await;
    push.owned_by(&contact, "a1@x").await;
    push.reaction(false).react(&received(&contact)).await.unwrap();
    assert_eq!(push.channel.recipients(), ["a1-laptop", "a1-phone", "boss", "m"], "a2 may not see it");
}

#[tokio::test]
async fn the_agent_a_conversation_was_taken_from_hears_of_the_transfer() {
    let push = Push::new().await;
    let contact = push.world.customer_says("919800000001", "w1", "hi").await;
    push.owned_by(&contact, "a2@x").await;
    let transfer = Event::new(
        EventKind::ConversationAssigned,
        "conversation.assigned:1",
        T0,
        serde_json::json!({"from": "a1@x", "to": "a2@x"}),
    )
    .about(&contact);
    push.reaction(false).react(&transfer).await.unwrap();
    assert_eq!(push.channel.recipients(), ["a1-laptop", "a1-phone", "a2", "boss", "m"]);
}

#[tokio::test]
async fn agents_who_see_all_get_every_push() {
    let push = Push::new().await;
    let contact = push.world.customer_says("919800000001", "w1", "hi").await;
    push.owned_by(&contact, "a1@x").await;
    push.reaction(true).react(&received(&contact)).await.unwrap();
    assert_eq!(push.channel.recipients(), ["a1-laptop", "a1-phone", "a2", "boss", "m"]);
}

#[tokio::test]
async fn a_gone_socket_is_forgotten_and_the_others_still_hear() {
    let push = Push::new().await;
    let contact = push.world.customer_says("919800000001", "w1", "hi").await;
    push.channel.close("a1-phone");
    let report = push.reaction(false).push(&received(&contact)).await.unwrap();
    assert_eq!((report.delivered, report.gone), (4, 1));
    assert!(!push.connections.ids().contains(&"a1-phone".to_owned()));
    assert_eq!(push.connections.ids().len(), 4);
}

#[tokio::test]
async fn expired_sockets_and_contactless_events_get_nothing() {
    let push = Push::new().await;
    let contact = push.world.customer_says("919800000001", "w1", "hi").await;
    push.world.clock.set(Millis(T0.0 + crate::domain::live_connection::CONNECTION_TTL_MS));
    push.reaction(false).react(&received(&contact)).await.unwrap();
    assert!(push.channel.posted().is_empty(), "every socket outlived its TTL");

    push.world.clock.set(T0);
    let no_contact = Event::new(EventKind::RuleExecuted, "r", T0, serde_json::json!({}));
    push.reaction(false).react(&no_contact).await.unwrap();
    assert!(push.channel.posted().is_empty());
}
