use super::fixture::{new_task, World};
use crate::app::tasks::{NewTask, TaskChange, TaskError, Tasks};
use crate::domain::snooze::Snooze;
use crate::domain::task::Due;
use crate::domain::{BusinessProfile, Millis, Role};
use crate::ports::PageRequest;

/// 2023-11-15T10:00:00+05:30, a morning in the business's time zone.
const MORNING: Millis = Millis(1_700_022_600_000);
const HOUR: i64 = 3_600_000;

#[tokio::test]
async fn today_ends_at_the_business_midnight_and_overdue_is_before_now() {
    let w = World::new();
    w.clock.set(MORNING);
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let tasks = w.tasks();
    tasks.create(&a, new_task("yesterday", Millis(MORNING.0 - 20 * HOUR))).await.unwrap();
    tasks.create(&a, new_task("tonight", Millis(MORNING.0 + 13 * HOUR))).await.unwrap();
    // 00:30 tomorrow in India, though still "today" in UTC.
    tasks.create(&a, new_task("tomorrow", Millis(MORNING.0 + 14 * HOUR + 30 * 60_000))).await.unwrap();
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
    assert_eq!(titles(Due::Upcoming).await, ["tomorrow"], "after the business midnight");
}

#[tokio::test]
async fn a_snooze_lands_in_business_time_and_a_done_task_is_not_changed() {
    let w = World::new();
    w.clock.set(MORNING);
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let b = w.teammate("b@shop.test", Role::Agent).await;
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    let tasks = w.tasks();
    let made = tasks.create(&a, new_task("call back", Millis(MORNING.0 + HOUR))).await.unwrap();
    let snooze = |s| TaskChange { snooze: Some(s), ..TaskChange::default() };
    let moved = tasks.update(&a, &made.id, snooze(Snooze::Tomorrow)).await.unwrap();
    assert_eq!(moved.due_at.to_rfc3339(), "2023-11-16T03:30:00Z", "9:00 tomorrow in India");
    let to_b = TaskChange { owner: Some("b@shop.test".into()), ..TaskChange::default() };
    assert!(matches!(tasks.update(&a, &made.id, to_b.clone()).await, Err(TaskError::Forbidden(_))));
    assert!(matches!(tasks.update(&b, &made.id, snooze(Snooze::Hour)).await, Err(TaskError::Forbidden(_))));
    let both = TaskChange { due_at: Some(MORNING), snooze: Some(Snooze::Hour), ..TaskChange::default() };
    assert!(matches!(tasks.update(&a, &made.id, both).await, Err(TaskError::Invalid(_))));
    assert_eq!(tasks.update(&boss, &made.id, to_b).await.unwrap().owner, "b@shop.test");

    tasks.complete(&b, &made.id).await.unwrap();
    assert!(matches!(tasks.update(&boss, &made.id, snooze(Snooze::NextWeek)).await, Err(TaskError::Conflict(_))));
    let done = tasks.list(&b, false, Due::Done, &PageRequest::default()).await.unwrap().items;
    assert_eq!((done.len(), done[0].due_at), (1, moved.due_at), "done, and not moved again");
    let actions: Vec<String> = w.store.audit_lines().into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["task_update", "task_update"], "the snooze and the reassignment, not the refusals");
}

#[tokio::test]
async fn owners_and_supervisors_complete_tasks_and_agents_keep_to_their_own() {
    let w = World::new();
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let b = w.teammate("b@shop.test", Role::Agent).await;
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    let tasks = w.tasks();
    let for_b = NewTask { owner: Some("b@shop.test".into()), ..new_task("call back", MORNING) };
    assert!(matches!(tasks.create(&a, for_b.clone()).await, Err(TaskError::Forbidden(_))));
    let created = tasks.create(&boss, for_b).await.unwrap();
    assert!(matches!(tasks.complete(&a, &created.id).await, Err(TaskError::Forbidden(_))));
    assert!(tasks.complete(&b, &created.id).await.unwrap().done);
    assert!(matches!(tasks.list(&a, true, Due::Open, &PageRequest::default()).await, Err(TaskError::Forbidden(_))));
    let ghost = NewTask { owner: Some("ghost@shop.test".into()), ..new_task("x", MORNING) };
    assert!(matches!(tasks.create(&boss, ghost).await, Err(TaskError::Invalid(_))));
}

/// Saves a profile in `zone`, as an admin would from Settings.
async fn business_in(w: &World, zone: &str) {
    let profile = BusinessProfile { time_zone: zone.into(), ..BusinessProfile::default() }.validated().unwrap();
    w.save_business(&profile).await;
}

async fn today_titles(tasks: &Tasks, who: &crate::domain::Session) -> Vec<String> {
    tasks
        .list(who, false, Due::Today, &PageRequest::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|t| t.title)
        .collect()
}

#[tokio::test]
async fn today_follows_the_business_zone_through_summer_time_once_one_is_saved() {
    let w = World::new();
    // 22:30 on 15 July in London (BST, +01:00), 21:30 UTC.
    w.clock.set(Millis::parse_rfc3339("2026-07-15T21:30:00Z").unwrap());
    let a = w.teammate("a@shop.test", Role::Agent).await;
    // The settings' fixed offset is UTC's.
    let tasks = w.tasks_in_utc();
    tasks
        .create(&a, new_task("before midnight", Millis::parse_rfc3339("2026-07-15T22:45:00Z").unwrap()))
        .await
        .unwrap();
    tasks.create(&a, new_task("after midnight", Millis::parse_rfc3339("2026-07-15T23:30:00Z").unwrap())).await.unwrap();
    // Without a profile, the fixed offset places midnight at 00:00Z.
    assert_eq!(today_titles(&tasks, &a).await, ["before midnight", "after midnight"]);
    // London's midnight that night is 23:00Z.
    business_in(&w, "Europe/London").await;
    assert_eq!(today_titles(&tasks, &a).await, ["before midnight"]);
    // In winter the same zone's midnight is 00:00Z.
    w.clock.set(Millis::parse_rfc3339("2026-01-15T21:30:00Z").unwrap());
    tasks.create(&a, new_task("winter night", Millis::parse_rfc3339("2026-01-15T23:30:00Z").unwrap())).await.unwrap();
    assert_eq!(today_titles(&tasks, &a).await, ["winter night"]);
}

#[tokio::test]
async fn today_ends_at_kolkata_midnight_whatever_the_fixed_offset_says() {
    let w = World::new();
    // 23:30 in India.
    w.clock.set(Millis::parse_rfc3339("2026-07-15T18:00:00Z").unwrap());
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let tasks = w.tasks_in_utc();
    tasks.create(&a, new_task("23:50 IST", Millis::parse_rfc3339("2026-07-15T18:20:00Z").unwrap())).await.unwrap();
    tasks.create(&a, new_task("00:10 IST", Millis::parse_rfc3339("2026-07-15T18:40:00Z").unwrap())).await.unwrap();
    business_in(&w, "Asia/Kolkata").await;
    assert_eq!(today_titles(&tasks, &a).await, ["23:50 IST"]);
}
