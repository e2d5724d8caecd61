//! Due work over the in-memory ports with a controllable clock: each job
//! fires once, and a wake-up whose subject moved on does nothing.

use super::fixture::{new_task, World, T0};
use crate::app::deal_idle_watch::DealIdleWatch;
use crate::app::deals::{Deals, NewDeal};
use crate::app::due_work::{DueWork, DueWorkPorts, Fired, SlaPolicy};
use crate::app::follow_up_cancellation::FollowUpCancellation;
use crate::app::index_backfill::IndexBackfill;
use crate::app::reactions::Reaction;
use crate::app::send_message::SendMessage;
use crate::app::sla_watch::SlaWatch;
use crate::app::sweep::{Sweep, SweepPolicy};
use crate::app::tasks::{NewTask, TaskChange};
use crate::domain::notification::NotificationKind;
use crate::domain::pipeline::Pipeline;
use crate::domain::pricing::RateCards;
use crate::domain::scheduled_job::ScheduledJob;
use crate::domain::{Event, EventKind, Millis, Role};
use crate::ports::{
    BackfillPage, BackfillProgress, BackfillStep, Clock, ConversationStore, IndexBackfillStore, StoreError, TaskStore,
};
use std::sync::Arc;

const HOUR: i64 = 3_600_000;

struct NothingToBackfill;

#[async_trait::async_trait]
impl IndexBackfillStore for NothingToBackfill {
    async fn backfill_progress(&self, _: BackfillStep) -> Result<BackfillProgress, StoreError> {
        Ok(BackfillProgress::Done)
    }
    async fn backfill_page(&self, _: BackfillStep, _: Option<&str>, _: i32) -> Result<BackfillPage, StoreError> {
        Err(StoreError::Unavailable("a finished backfill reads no page".into()))
    }
    async fn save_backfill_progress(&self, _: BackfillStep, _: &BackfillProgress) -> Result<(), StoreError> {
        Ok(())
    }
}

fn due_work(w: &World) -> DueWork {
    let s = w.store.clone();
    let send = std::sync::Arc::new(w.send_message());
    let policy = SweepPolicy::default();
    let sweep = Sweep::new(s.clone(), s.clone(), w.queue.clone(), w.clock.clone(), policy);
    DueWork::new(
        DueWorkPorts {
            tasks: s.clone(),
            ledger: s.clone(),
            conversations: s.clone(),
            deals: s.clone(),
            users: s.clone(),
            notifications: w.notifications.clone(),
            scheduler: w.scheduler.clone(),
            outbox: s.clone(),
            clock: w.clock.clone(),
        },
        send,
        (sweep, policy),
        IndexBackfill::new(Arc::new(NothingToBackfill), 3),
        None,
        SlaPolicy { minutes: 15 },
    )
}

#[tokio::test]
async fn a_due_task_fires_once_under_overlapping_runs() {
    let w = World::new();
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let task = w.tasks_in_utc().create(&a, new_task("call back", T0.plus_hours(2))).await.unwrap();
    let armed = w.scheduler.scheduled();
    assert_eq!(armed.get(&format!("task-{}", task.id)).map(|(at, _)| *at), Some(T0.plus_hours(2)));
    w.clock.set(T0.plus_hours(2));
    let jobs = w.scheduler.take_due(w.clock.now());
    assert_eq!(jobs.len(), 1);
    let work = due_work(&w);
    // Two runs at once (a retried invocation overlapping the first), then a late repeat.
    let (first, second) = tokio::join!(work.run(&jobs[0]), work.run(&jobs[0]));
    let third = work.run(&jobs[0]).await.unwrap();
    let outcomes = [first.unwrap(), second.unwrap(), third];
    assert_eq!(outcomes.iter().filter(|f| matches!(f, Fired::Notified { .. })).count(), 1, "{outcomes:?}");
    let raised = w.notifications.raised();
    assert_eq!(raised.len(), 1);
    assert_eq!((raised[0].kind, raised[0].recipient.as_str()), (NotificationKind::TaskDue, "a@shop.test"));
    assert_eq!(w.store.task(&task.id).await.unwrap().unwrap().fired_at, Some(T0.plus_hours(2)));
}

#[tokio::test]
async fn a_snoozed_tasks_old_wake_up_does_nothing() {
    let w = World::new();
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let tasks = w.tasks_in_utc();
    let task = tasks.create(&a, new_task("call back", T0.plus_hours(1))).await.unwrap();
    let old = ScheduledJob::TaskDue { task_id: task.id.clone(), due_at: task.due_at };
    let change = TaskChange { due_at: Some(T0.plus_hours(5)), ..TaskChange::default() };
    tasks.update(&a, &task.id, change).await.unwrap();
    assert_eq!(w.scheduler.scheduled().len(), 1, "the snooze moved the wake-up, it did not add one");
    w.clock.set(T0.plus_hours(1));
    assert!(w.scheduler.take_due(w.clock.now()).is_empty());
    assert_eq!(due_work(&w).run(&old).await.unwrap(), Fired::Stale);
    assert!(w.notifications.raised().is_empty());
    w.clock.set(T0.plus_hours(5));
    let jobs = w.scheduler.take_due(w.clock.now());
    assert!(matches!(due_work(&w).run(&jobs[0]).await.unwrap(), Fired::Notified { .. }));
}

#[tokio::test]
async fn done_tasks_lose_their_wake_up() {
    let w = World::new();
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let tasks = w.tasks_in_utc();
    let task = tasks.create(&a, new_task("call back", T0.plus_hours(1))).await.unwrap();
    tasks.complete(&a, &task.id).await.unwrap();
    assert!(w.scheduler.scheduled().is_empty());
    let job = ScheduledJob::TaskDue { task_id: task.id.clone(), due_at: task.due_at };
    assert_eq!(due_work(&w).run(&job).await.unwrap(), Fired::Stale);
}

#[tokio::test]
async fn a_customer_reply_cancels_a_pending_follow_up() {
    let w = World::new();
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let contact = w.customer_says("919800000001", "wamid.1", "price?").await;
    w.clock.advance_ms(60_000);
    let new =
        NewTask { contact_id: Some(contact.clone()), cancel_on_reply: true, ..new_task("chase", T0.plus_hours(24)) };
    let task = w.tasks_in_utc().create(&a, new).await.unwrap();
    let plain = w
        .tasks_in_utc()
        .create(&a, NewTask { contact_id: Some(contact.clone()), ..new_task("ring", T0.plus_hours(24)) })
        .await
        .unwrap();
    w.clock.advance_ms(HOUR);
    w.customer_says("919800000001", "wamid.2", "yes please").await;
    let cancel = FollowUpCancellation::new(w.store.clone(), w.scheduler.clone());
    let event =
        Event::new(EventKind::MessageReceived, "message.received:wamid.2", w.clock.now(), serde_json::json!({}))
            .about(&contact);
    cancel.react(&event).await.unwrap();
    cancel.react(&event).await.unwrap();
    let stored = w.store.task(&task.id).await.unwrap().unwrap();
    assert!(stored.done && stored.cancelled_at.is_some(), "{stored:?}");
    assert!(!w.store.task(&plain.id).await.unwrap().unwrap().done, "a plain follow-up stays");
    assert!(!w.scheduler.scheduled().contains_key(&format!("task-{}", task.id)));
}

#[tokio::test]
async fn the_runner_cancels_a_replied_follow_up_even_before_the_reaction_ran() {
    let w = World::new();
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let contact = w.customer_says("919800000001", "wamid.1", "price?").await;
    w.clock.advance_ms(60_000);
    let new =
        NewTask { contact_id: Some(contact.clone()), cancel_on_reply: true, ..new_task("chase", T0.plus_hours(2)) };
    let task = w.tasks_in_utc().create(&a, new).await.unwrap();
    w.clock.advance_ms(HOUR);
    w.customer_says("919800000001", "wamid.2", "yes please").await;
    w.clock.set(T0.plus_hours(2));
    let job = ScheduledJob::TaskDue { task_id: task.id.clone(), due_at: task.due_at };
    assert_eq!(due_work(&w).run(&job).await.unwrap(), Fired::Cancelled);
    assert!(w.notifications.raised().is_empty());
    assert!(w.store.task(&task.id).await.unwrap().unwrap().cancelled_at.is_some());
}

#[tokio::test]
async fn an_sla_breach_notifies_the_owner_and_managers_once() {
    let w = World::new();
    let _agent = w.teammate("a@shop.test", Role::Agent).await;
    let _boss = w.teammate("boss@shop.test", Role::Manager).await;
    let _admin = w.teammate("admin@shop.test", Role::Admin).await;
    let _other = w.teammate("other@shop.test", Role::Agent).await;
    let contact = w.customer_says("919800000001", "wamid.1", "hello?").await;
    let audit = crate::domain::AuditEntry {
        at: w.clock.now(),
        actor: "boss@shop.test".into(),
        action: "assign".into(),
        contact: Some(contact.clone()),
        detail: String::new(),
    };
    crate::ports::InboxStore::assign(&*w.store, &contact, None, Some("a@shop.test"), false, &audit).await.unwrap();
    let watch = SlaWatch::new(w.store.clone(), w.scheduler.clone(), SlaPolicy { minutes: 15 });
    let event =
        Event::new(EventKind::MessageReceived, "message.received:wamid.1", T0, serde_json::json!({})).about(&contact);
    watch.react(&event).await.unwrap();
    w.clock.advance_ms(15 * 60_000);
    let jobs = w.scheduler.take_due(w.clock.now());
    assert_eq!(jobs.len(), 1, "the SLA check is armed for when the SLA runs out");
    let work = due_work(&w);
    work.run(&jobs[0]).await.unwrap();
    work.run(&jobs[0]).await.unwrap();
    let mut told: Vec<String> = w.notifications.raised().into_iter().map(|n| n.recipient).collect();
    told.sort();
    assert_eq!(told, ["a@shop.test", "admin@shop.test", "boss@shop.test"]);
}

#[tokio::test]
async fn an_answered_conversation_breaches_nothing() {
    let w = World::new();
    w.teammate("boss@shop.test", Role::Manager).await;
    let contact = w.customer_says("919800000001", "wamid.1", "hello?").await;
    let since = w.store.contact(&contact).await.unwrap().unwrap().conversation.awaiting_since.unwrap();
    w.clock.advance_ms(60_000);
    // The customer writes again: still waiting since the first message.
    w.customer_says("919800000001", "wamid.2", "anyone?").await;
    let stale = ScheduledJob::SlaCheck { contact_id: contact.clone(), waiting_since: Millis(since.0 - 1) };
    w.clock.advance_ms(HOUR);
    assert_eq!(due_work(&w).run(&stale).await.unwrap(), Fired::Stale);
    assert!(w.notifications.raised().is_empty());
}

#[tokio::test]
async fn an_idle_deal_notifies_its_owner_once_and_a_move_makes_it_stale() {
    let w = World::new();
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    let contact = w.customer_says("919800000001", "wamid.1", "quote?").await;
    let deals = Deals::new(w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone(), true);
    let mut pipeline = Pipeline::default_sales();
    pipeline.stages[0].idle_days = Some(3);
    deals.put_pipeline(&boss, pipeline.clone()).await.unwrap();
    let new = NewDeal {
        contact: Some(contact),
        pipeline: None,
        stage: None,
        title: "Sofa".into(),
        value_minor: 100,
        currency: None,
        owner: None,
        expected_close: None,
        custom_fields: Default::default(),
    };
    let deal = deals.create(&boss, new).await.unwrap();
    let watch = DealIdleWatch::new(w.store.clone(), w.scheduler.clone());
    let event = Event::new(EventKind::DealCreated, "deal.created:1", T0, serde_json::json!({"deal": deal.id}));
    watch.react(&event).await.unwrap();
    w.clock.advance_ms(3 * 24 * HOUR);
    let jobs = w.scheduler.take_due(w.clock.now());
    assert_eq!(jobs.len(), 1, "{:?}", pipeline.stages[0]);
    let work = due_work(&w);
    work.run(&jobs[0]).await.unwrap();
    work.run(&jobs[0]).await.unwrap();
    let raised = w.notifications.raised();
    assert_eq!(raised.len(), 1);
    assert_eq!((raised[0].kind, raised[0].recipient.as_str()), (NotificationKind::DealIdle, "boss@shop.test"));
    let moved = ScheduledJob::DealIdle { deal_id: deal.id.clone(), stage: "elsewhere".into(), since: T0 };
    assert_eq!(work.run(&moved).await.unwrap(), Fired::Stale);
}

#[tokio::test]
async fn a_burst_of_sends_arms_one_sweep_and_a_stuck_message_is_requeued_when_it_fires() {
    use crate::app::send_message::SendCommand;
    use crate::app::sweep_arming::SweepArming;
    use crate::domain::outbound::OutboundContent;
    use crate::domain::MessageRef;
    use crate::ports::{OutboundQueue, QueueError};

    /// A queue that loses every message, as a crash between the write and the enqueue would.
    struct Lost;
    #[async_trait::async_trait]
    impl OutboundQueue for Lost {
        async fn enqueue(&self, _: &MessageRef) -> Result<(), QueueError> {
            Err(QueueError("lost".into()))
        }
    }
    let w = World::new();
    let policy = SweepPolicy::default();
    let arming =
        Arc::new(SweepArming::new(Arc::new(Lost), w.scheduler.clone(), w.clock.clone(), policy.queued_after_ms));
    let s = w.store.clone();
    let send =
        SendMessage::new(s.clone(), s.clone(), s.clone(), arming, w.clock.clone(), RateCards::default(), s.clone());
    let contact = w.customer_says("919800000001", "wamid.1", "hi").await;
    for n in 0..3 {
        let command = SendCommand {
            contact: contact.clone(),
            content: OutboundContent::Text { text: format!("reply {n}") },
            reply_to: None,
            idempotency_key: None,
            actor: "a@shop.test".into(),
        };
        let _ = send.send(command).await;
    }
    let armed = w.scheduler.scheduled();
    assert_eq!(armed.len(), 1, "one sweep for the burst: {armed:?}");
    w.clock.advance_ms(policy.queued_after_ms + 1);
    let jobs = w.scheduler.take_due(w.clock.now());
    assert_eq!(jobs, [ScheduledJob::OutboxSweep]);
    let fired = due_work(&w).run(&jobs[0]).await.unwrap();
    assert!(matches!(fired, Fired::Swept { requeued: 3, .. }), "{fired:?}");
    assert_eq!(w.queue.enqueued().len(), 3, "the stuck messages are enqueued again");
}

#[tokio::test]
async fn a_due_follow_up_sends_its_template_filled_from_the_contact_and_refuses_a_bad_one_at_creation() {
    use crate::app::tasks::TaskError;
    use crate::domain::follow_up_template::FollowUpTemplate;
    use crate::domain::outbound::OutboundContent;
    use crate::domain::template::{Category, Template};
    use crate::ports::{OutboxStore, TemplateCatalog};

    let w = World::new();
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let contact = w.customer_says("919800000001", "wamid.1", "price?").await;
    let approved =
        Template::body_only("check_in", "en_US", Category::Utility, "APPROVED", "Hi {{1}}, still keen on {{2}}?");
    w.store.put_templates(&[approved]).await.unwrap();
    let with = |params: &[&str]| NewTask {
        contact_id: Some(contact.clone()),
        template: Some(FollowUpTemplate {
            name: "check_in".into(),
            language: "en_US".into(),
            params: params.iter().map(|p| (*p).to_owned()).collect(),
        }),
        ..new_task("check in", T0.plus_hours(1))
    };
    let tasks = w.tasks_in_utc();
    assert!(matches!(tasks.create(&a, with(&["{{contact.name}}"])).await, Err(TaskError::Invalid(_))), "too few");
    assert!(matches!(tasks.create(&a, with(&["{{deal.value}}", "x"])).await, Err(TaskError::Invalid(_))), "no deal");
    let task = tasks.create(&a, with(&["{{contact.name}}", "the blue sofa"])).await.unwrap();
    w.clock.set(T0.plus_hours(1));
    let job = ScheduledJob::TaskDue { task_id: task.id.clone(), due_at: task.due_at };
    let fired = due_work(&w).run(&job).await.unwrap();
    assert_eq!(fired, Fired::Notified { recipients: vec!["a@shop.test".into()], sent: true });
    let queued = w.queue.enqueued();
    assert_eq!(queued.len(), 1);
    let message = w.store.claim(&queued[0]).await.unwrap().expect("the template is queued");
    assert_eq!(
        message.content,
        OutboundContent::Template {
            name: "check_in".into(),
            language: "en_US".into(),
            params: vec!["Asha".into(), "the blue sofa".into()],
            inputs: Default::default(),
        }
    );
}
