use super::fixture::World;
use crate::app::tasks::{NewTask, TaskError, Tasks};
use crate::domain::task::Due;
use crate::domain::{Millis, Role};
use crate::ports::PageRequest;

/// 2023-11-15T10:00:00+05:30, a morning in the business's time zone.
const MORNING: Millis = Millis(1_700_022_600_000);
const HOUR: i64 = 3_600_000;

fn task(title: &str, due_at: Millis) -> NewTask {
    NewTask { title: title.into(), due_at, owner: None, contact_id: None, deal_id: None }
}

#[tokio::test]
async fn today_ends_at_the_business_midnight_and_overdue_is_before_now() {
    let w = World::new();
    w.clock.set(MORNING);
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let tasks = Tasks::new(w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone(), 330);
    tasks.create(&a, task("yesterday", Millis(MORNING.0 - 20 * HOUR))).await.unwrap();
    tasks.create(&a, task("tonight", Millis(MORNING.0 + 13 * HOUR))).await.unwrap();
    // 00:30 tomorrow in India, though still "today" in UTC.
    tasks.create(&a, task("tomorrow", Millis(MORNING.0 + 14 * HOUR + 30 * 60_000))).await.unwrap();
    let page = PageRequest::default();
    let titles = |due| {
        let tasks = &tasks;
        let a = &a;
        let page = &page;
        async move { tasks.list(a, false, due, page).await.unwrap().items.into_iter().map(|t| t.title).collect::<Vec<_>>() }
    };
    assert_eq!(titles(Due::Overdue).await, ["yesterday"]);
    assert_eq!(titles(Due::Today).await, ["tonight"]);
    assert_eq!(titles(Due::Open).await, ["yesterday", "tonight", "tomorrow"]);
}

#[tokio::test]
async fn owners_and_supervisors_complete_tasks_and_agents_keep_to_their_own() {
    let w = World::new();
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let b = w.teammate("b@shop.test", Role::Agent).await;
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    let tasks = Tasks::new(w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone(), 330);
    let for_b = NewTask { owner: Some("b@shop.test".into()), ..task("call back", MORNING) };
    assert!(matches!(tasks.create(&a, for_b.clone()).await, Err(TaskError::Forbidden(_))));
    let created = tasks.create(&boss, for_b).await.unwrap();
    assert!(matches!(tasks.complete(&a, &created.id).await, Err(TaskError::Forbidden(_))));
    assert!(tasks.complete(&b, &created.id).await.unwrap().done);
    assert!(matches!(tasks.list(&a, true, Due::Open, &PageRequest::default()).await, Err(TaskError::Forbidden(_))));
    let ghost = NewTask { owner: Some("ghost@shop.test".into()), ..task("x", MORNING) };
    assert!(matches!(tasks.create(&boss, ghost).await, Err(TaskError::Invalid(_))));
}
