use super::fixture::World;
use crate::app::business_calendar::BusinessCalendar;
use crate::app::deals::{Deals, NewDeal};
use crate::app::inbox::{Inbox, InboxSettings};
use crate::app::reports::{ReportError, Reports, Workload};
use crate::domain::Role;

#[tokio::test]
async fn workload_counts_unassigned_overdue_and_due_follow_ups_for_supervisors_only() {
    let w = World::new();
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    let first = w.customer_says("15550001111", "wamid.1", "hi").await;
    w.clock.advance_ms(30 * 60_000);
    w.customer_says("15550002222", "wamid.2", "hello").await;
    let inbox = Inbox::new(
        w.store.clone(),
        w.store.clone(),
        w.store.clone(),
        w.store.clone(),
        w.clock.clone(),
        InboxSettings::default(),
    );
    inbox.assign(&a, &first, Some("a@shop.test".into())).await.unwrap();
    let reports = Reports::new(w.store.clone(), w.clock.clone(), 15, BusinessCalendar::new(w.store.clone()));
    assert!(matches!(reports.workload(&a).await, Err(ReportError::Forbidden)));
    let workload = reports.workload(&boss).await.unwrap();
    assert_eq!(workload, Workload { unassigned: 1, overdue: 1, tasks_due_today: 0, tasks_overdue: 0 });
    // 22:13 UTC on the 14th is already the 15th in the default zone, Asia/Kolkata.
    let counts = reports.messages(&boss, "2023-11-14", "2023-11-15").await.unwrap();
    assert_eq!(counts, [("2023-11-15".to_owned(), 2, 0)]);
    let deals = Deals::new(w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone(), false);
    let deal = deals
        .create(&a, NewDeal { contact: Some(first), title: "Sofa".into(), value_minor: 900, ..NewDeal::default() })
        .await
        .unwrap();
    deals.move_to(&a, &deal.id, "won").await.unwrap();
    let (steps, won) = reports.funnel(&boss, &deals, "sales").await.unwrap();
    assert_eq!(won, 900);
    assert!(!steps.is_empty());
}

#[tokio::test]
async fn tasks_due_today_on_the_dashboard_follow_the_business_zone() {
    use crate::app::tasks::{NewTask, Tasks};
    use crate::domain::{BusinessProfile, Millis};

    let w = World::new();
    // 22:30 BST in London.
    w.clock.set(Millis::parse_rfc3339("2026-07-15T21:30:00Z").unwrap());
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    let calendar = BusinessCalendar::with_unsaved(w.store.clone(), crate::domain::BusinessDay::FixedOffset(0));
    let tasks = Tasks::new(
        w.store.clone(),
        w.store.clone(),
        w.store.clone(),
        w.clock.clone(),
        calendar.clone(),
        w.scheduler.clone(),
        w.store.clone(),
    );
    for (title, due) in [("tonight", "2026-07-15T22:45:00Z"), ("tomorrow in London", "2026-07-15T23:30:00Z")] {
        let new = NewTask {
            title: title.into(),
            due_at: Millis::parse_rfc3339(due).unwrap(),
            owner: None,
            contact_id: None,
            deal_id: None,
            cancel_on_reply: false,
            template: None,
        };
        tasks.create(&a, new).await.unwrap();
    }
    let reports = Reports::new(w.store.clone(), w.clock.clone(), 15, calendar);
    assert_eq!(reports.workload(&boss).await.unwrap().tasks_due_today, 2);
    let profile = BusinessProfile { time_zone: "Europe/London".into(), ..BusinessProfile::default() };
    w.save_business(&profile).await;
    assert_eq!(reports.workload(&boss).await.unwrap().tasks_due_today, 1);
}
