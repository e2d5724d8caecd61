use super::fixture::World;
use crate::app::inbox::{Inbox, InboxError, InboxSettings};
use crate::app::live_feed::{LiveFeed, LiveFeedError};
use crate::domain::live_cursor::COUNTS_EVERY_MS;
use crate::domain::Role;
use std::sync::Arc;

fn feed(w: &World) -> (Arc<Inbox>, LiveFeed) {
    let inbox = Arc::new(Inbox::new(
        w.store.clone(),
        w.store.clone(),
        w.store.clone(),
        w.store.clone(),
        w.clock.clone(),
        InboxSettings::default(),
    ));
    let feed = LiveFeed::new(inbox.clone(), w.store.clone(), w.store.clone(), w.clock.clone());
    (inbox, feed)
}

#[tokio::test]
async fn a_new_message_shows_once_and_then_nothing_does() {
    let w = World::new();
    let admin = w.teammate("admin@shop.test", Role::Admin).await;
    let contact = w.customer_says("15550001111", "wamid.1", "hi").await;
    let (_, feed) = feed(&w);
    let first = feed.since(&admin, None, Some(&contact)).await.unwrap();
    assert_eq!(first.messages.len(), 1);
    assert!(first.counts.is_some());
    let idle = feed.since(&admin, Some(&first.cursor), Some(&contact)).await.unwrap();
    assert!(idle.messages.is_empty() && idle.rows.is_empty() && idle.contact.is_none() && idle.counts.is_none());

    w.clock.advance_ms(1_000);
    w.customer_says("15550001111", "wamid.2", "still there?").await;
    let news = feed.since(&admin, Some(&idle.cursor), Some(&contact)).await.unwrap();
    assert_eq!(news.messages.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["wamid.2"]);
    assert_eq!(news.rows.len(), 1, "its row moved");
    let after = feed.since(&admin, Some(&news.cursor), Some(&contact)).await.unwrap();
    assert!(after.messages.is_empty() && after.rows.is_empty());
}

#[tokio::test]
async fn counts_are_sent_when_a_recount_finds_them_changed() {
    let w = World::new();
    let admin = w.teammate("admin@shop.test", Role::Admin).await;
    w.customer_says("15550001111", "wamid.1", "hi").await;
    let (_, feed) = feed(&w);
    let first = feed.since(&admin, None, None).await.unwrap();
    let overdue = |changes: &crate::app::live_feed::Changes| {
        changes.counts.as_ref().and_then(|c| c.iter().find(|q| q.queue == "overdue")).map(|q| q.shown)
    };
    assert_eq!(overdue(&first), Some(0));
    // Past the SLA and the recount interval: overdue moved, nothing else did.
    w.clock.advance_ms(COUNTS_EVERY_MS.max(16 * 60_000));
    let later = feed.since(&admin, Some(&first.cursor), None).await.unwrap();
    assert_eq!(overdue(&later), Some(1));
    assert!(later.rows.is_empty());
    w.clock.advance_ms(COUNTS_EVERY_MS);
    let same = feed.since(&admin, Some(&later.cursor), None).await.unwrap();
    assert!(same.counts.is_none(), "a recount that found the same counts sends none");
}

#[tokio::test]
async fn an_agent_is_not_told_of_a_teammates_conversation() {
    let w = World::new();
    let admin = w.teammate("admin@shop.test", Role::Admin).await;
    let agent = w.teammate("a@shop.test", Role::Agent).await;
    w.teammate("b@shop.test", Role::Agent).await;
    let theirs = w.customer_says("15550001111", "wamid.1", "hi").await;
    let (inbox, feed) = feed(&w);
    inbox.assign(&admin, &theirs, Some("b@shop.test".into())).await.unwrap();
    let open = feed.since(&agent, None, Some(&theirs)).await;
    assert!(matches!(open, Err(LiveFeedError::Inbox(InboxError::NotFound))));
    let list = feed.since(&agent, None, None).await.unwrap();
    assert!(list.rows.is_empty());
    assert!(matches!(feed.since(&agent, Some("forged"), None).await, Err(LiveFeedError::BadCursor(_))));
}
