use super::fixture::World;
use crate::app::data_ownership::{DataError, DataOwnership, Format};
use crate::domain::Role;
use crate::ports::{ConversationStore, PageRequest};

fn data(w: &World) -> DataOwnership {
    DataOwnership::new(w.store.clone(), w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone())
}

#[tokio::test]
async fn erasure_is_for_admins_audited_first_and_removes_the_timeline() {
    let w = World::new();
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    let admin = w.teammate("admin@shop.test", Role::Admin).await;
    let contact = w.customer_says("15550001111", "wamid.1", "hi").await;
    let data = data(&w);
    assert!(matches!(data.erase(&boss, &contact).await, Err(DataError::Forbidden(_))));
    assert!(data.erase(&admin, &contact).await.unwrap() >= 2);
    assert!(w.store.contact(&contact).await.unwrap().is_none());
    assert!(w.store.timeline(&contact, &PageRequest::default()).await.unwrap().items.is_empty());
    let audit = w.store.audit_lines();
    assert_eq!((audit[0].action.as_str(), audit[0].contact.as_ref()), ("erase", Some(&contact)));
    assert!(matches!(data.erase(&admin, &contact).await, Err(DataError::NotFound)));
}

#[tokio::test]
async fn merging_joins_the_histories_and_exports_are_for_supervisors() {
    let w = World::new();
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let into = w.customer_says("15550001111", "wamid.1", "hi").await;
    let from = w.customer_says("15550002222", "wamid.2", "it's me, new phone").await;
    let data = data(&w);
    assert!(matches!(data.merge(&boss, &into, &into).await, Err(DataError::SameContact)));
    data.merge(&boss, &into, &from).await.unwrap();
    assert!(w.store.contact(&from).await.unwrap().is_none());
    assert_eq!(w.store.timeline(&into, &PageRequest::default()).await.unwrap().items.len(), 2);
    assert!(matches!(data.export_contacts(&a, Format::Csv).await, Err(DataError::Forbidden(_))));
    let csv = data.export_conversations(&boss, Format::Csv).await.unwrap();
    assert_eq!(csv.lines().count(), 3, "a header and both messages: {csv}");
}
