use super::fixture::World;
use crate::app::deals::{DealError, DealPatch, Deals, NewDeal};
use crate::domain::Role;
use crate::ports::{ConversationStore, PageRequest};

fn new_deal(contact: &crate::domain::ContactId) -> NewDeal {
    NewDeal { contact: Some(contact.clone()), title: "Sofa".into(), value_minor: 45_000, ..NewDeal::default() }
}

#[tokio::test]
async fn moving_a_deal_keeps_its_history_and_emits_won_for_automation() {
    let w = World::new();
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let contact = w.customer_says("15550001111", "wamid.1", "hi").await;
    let deals = Deals::new(w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone(), false);
    let deal = deals.create(&a, new_deal(&contact)).await.unwrap();
    assert_eq!((deal.stage.as_str(), deal.owner.as_deref()), ("enquiry", Some("a@shop.test")));
    w.clock.advance_ms(1_000);
    let won = deals.move_to(&a, &deal.id, "won").await.unwrap();
    assert_eq!(won.history.len(), 2);
    let events: Vec<_> =
        w.store.events().into_iter().filter(|e| e.kind == crate::domain::EventKind::DealStageChanged).collect();
    assert_eq!(events.len(), 1);
    let payload = &events[0].data;
    assert_eq!(payload["value_minor"], 45_000, "what an extension needs to report a won deal");
    assert_eq!((payload["from"].as_str(), payload["won"].as_bool()), (Some("enquiry"), Some(true)));
    assert!(matches!(deals.move_to(&a, &deal.id, "nowhere").await, Err(DealError::Invalid(_))));
    let board = deals.board(&a, "sales").await.unwrap().1;
    let won_column = board.iter().find(|c| c.page.items.iter().any(|d| d.id == deal.id)).unwrap();
    assert_eq!(won_column.page.items[0].stage, "won");
}

#[tokio::test]
async fn agents_change_only_their_own_or_unowned_deals() {
    let w = World::new();
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let b = w.teammate("b@shop.test", Role::Agent).await;
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    let contact = w.customer_says("15550001111", "wamid.1", "hi").await;
    let deals = Deals::new(w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone(), false);
    let deal = deals.create(&a, new_deal(&contact)).await.unwrap();
    assert!(matches!(deals.move_to(&b, &deal.id, "qualified").await, Err(DealError::Forbidden(_))));
    let patch = DealPatch { value_minor: Some(50_000), ..DealPatch::default() };
    assert_eq!(deals.update(&boss, &deal.id, patch).await.unwrap().value_minor, 50_000);
    let bad = DealPatch { value_minor: Some(-1), ..DealPatch::default() };
    assert!(matches!(deals.update(&a, &deal.id, bad).await, Err(DealError::BadField(_))));
    assert_eq!(deals.for_contact(&contact, &PageRequest::default()).await.unwrap().items.len(), 1);
    assert!(matches!(deals.create(&a, NewDeal::default()).await, Err(DealError::BadField(_))));
}

#[tokio::test]
async fn an_agent_sees_on_the_board_only_the_deals_they_may_see() {
    let w = World::new();
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let b = w.teammate("b@shop.test", Role::Agent).await;
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    let contact = w.customer_says("15550001111", "wamid.1", "hi").await;
    let deals = Deals::new(w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone(), false);
    let deal = deals.create(&a, new_deal(&contact)).await.unwrap();
    let on_board = |columns: &[crate::app::deals::Column]| {
        columns.iter().flat_map(|c| c.page.items.iter()).any(|d| d.id == deal.id)
    };
    assert!(on_board(&deals.board(&a, "sales").await.unwrap().1));
    assert!(on_board(&deals.board(&boss, "sales").await.unwrap().1));
    // A's conversation: B may not see it, nor its deal.
    let mut owned = w.store.contact(&contact).await.unwrap().unwrap();
    owned.conversation.owner = Some("a@shop.test".into());
    w.store.put_contact(owned);
    assert!(!on_board(&deals.board(&b, "sales").await.unwrap().1));
    let widened = Deals::new(w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone(), true);
    assert!(on_board(&widened.board(&b, "sales").await.unwrap().1), "agents_see_all widens the board");
}
