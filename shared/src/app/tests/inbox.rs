use super::fixture::World;
use crate::app::inbox::{Inbox, InboxError, InboxSettings};
use crate::domain::conversation::ConversationStatus;
use crate::domain::Role;
use crate::ports::{ListFilter, PageRequest};

fn inbox(w: &World) -> Inbox {
    Inbox::new(
        w.store.clone(),
        w.store.clone(),
        w.store.clone(),
        w.store.clone(),
        w.clock.clone(),
        InboxSettings::default(),
    )
}

#[tokio::test]
async fn two_agents_taking_one_conversation_leave_it_with_the_first() {
    let w = World::new();
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let b = w.teammate("b@shop.test", Role::Agent).await;
    let contact = w.customer_says("15550001111", "wamid.1", "hi").await;
    let inbox = inbox(&w);
    let taken = inbox.assign(&a, &contact, Some("a@shop.test".into())).await.unwrap();
    assert_eq!(taken.conversation.owner.as_deref(), Some("a@shop.test"));
    // B loaded the conversation while it was unassigned; A's is now theirs, so B cannot see it.
    assert!(matches!(inbox.assign(&b, &contact, Some("b@shop.test".into())).await, Err(InboxError::NotFound)));
    let page = PageRequest::default();
    assert!(inbox.queue(&b, "unassigned", &ListFilter::default(), &page).await.unwrap().items.is_empty());
    assert_eq!(inbox.queue(&a, "mine", &ListFilter::default(), &page).await.unwrap().items.len(), 1);
    let audit = w.store.audit_lines();
    assert_eq!(audit.iter().filter(|e| e.action == "assign").count(), 1);
}

#[tokio::test]
async fn agents_hand_back_their_own_but_only_managers_transfer_to_someone_else() {
    let w = World::new();
    let a = w.teammate("a@shop.test", Role::Agent).await;
    w.teammate("b@shop.test", Role::Agent).await;
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    let contact = w.customer_says("15550001111", "wamid.1", "hi").await;
    let inbox = inbox(&w);
    inbox.assign(&a, &contact, Some("a@shop.test".into())).await.unwrap();
    assert!(matches!(inbox.assign(&a, &contact, Some("b@shop.test".into())).await, Err(InboxError::Forbidden(_))));
    let moved = inbox.assign(&boss, &contact, Some("b@shop.test".into())).await.unwrap();
    assert_eq!(moved.conversation.owner.as_deref(), Some("b@shop.test"));
    assert!(matches!(
        inbox.assign(&boss, &contact, Some("ghost@shop.test".into())).await,
        Err(InboxError::UnknownOwner(_))
    ));
    let actions: Vec<String> = w.store.audit_lines().into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["assign", "transfer"]);
}

#[tokio::test]
async fn closing_takes_a_conversation_out_of_the_queues_and_the_next_message_reopens_it() {
    let w = World::new();
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let contact = w.customer_says("15550001111", "wamid.1", "hi").await;
    let inbox = inbox(&w);
    let page = PageRequest::default();
    assert_eq!(inbox.queue(&a, "waiting_on_us", &ListFilter::default(), &page).await.unwrap().items.len(), 1);
    let closed = inbox.close(&a, &contact, true).await.unwrap();
    assert_eq!(closed.conversation.status, Some(ConversationStatus::Closed));
    assert!(inbox.queue(&a, "unassigned", &ListFilter::default(), &page).await.unwrap().items.is_empty());
    assert_eq!(inbox.queue(&a, "closed", &ListFilter::default(), &page).await.unwrap().items.len(), 1);
    let reopened = inbox.close(&a, &contact, false).await.unwrap();
    assert_eq!(reopened.conversation.status, Some(ConversationStatus::Open));
    assert_eq!(inbox.queue(&a, "unassigned", &ListFilter::default(), &page).await.unwrap().items.len(), 1);
    inbox.close(&a, &contact, true).await.unwrap();
    w.customer_says("15550001111", "wamid.2", "still there?").await;
    assert_eq!(inbox.queue(&a, "waiting_on_us", &ListFilter::default(), &page).await.unwrap().items.len(), 1);
    assert!(matches!(
        inbox.queue(&a, "someday", &ListFilter::default(), &page).await,
        Err(InboxError::UnknownQueue(_))
    ));
}

#[tokio::test]
async fn only_supervisors_read_the_audit_log() {
    let w = World::new();
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    let contact = w.customer_says("15550001111", "wamid.1", "hi").await;
    let inbox = inbox(&w);
    inbox.assign(&a, &contact, Some("a@shop.test".into())).await.unwrap();
    let page = PageRequest::default();
    assert!(matches!(inbox.audit_for_contact(&a, &contact, &page).await, Err(InboxError::Forbidden(_))));
    assert_eq!(inbox.audit_for_contact(&boss, &contact, &page).await.unwrap().items.len(), 1);
    // T0 is 22:13 UTC on the 14th: already the 15th in India, the default
    // business calendar.
    assert_eq!(inbox.audit_for_day(&boss, "2023-11-15", &page).await.unwrap().items.len(), 1);
    assert!(inbox.audit_for_day(&boss, "2023-11-14", &page).await.unwrap().items.is_empty());
}
