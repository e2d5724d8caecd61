//! Due work on the local stack: the Scheduler adapter against moto's
//! EventBridge Scheduler, tasks falling due once, replies cancelling
//! follow-ups, and the notifications API, with the stack's clock moved by
//! hand.

use parley::adapters::scheduler::{EventBridgeScheduler, ScheduleTarget};
use parley::app::due_work::Fired;
use parley::app::follow_up_cancellation::FollowUpCancellation;
use parley::app::reactions::Reaction;
use parley::domain::scheduled_job::ScheduledJob;
use parley::domain::{ContactId, Event, EventKind, Millis};
use parley::ports::{Clock, Scheduler, TaskStore};
use parley_e2e::{require_emulators, unique_table, TestStack};
use serde_json::{json, Value};
use std::time::Duration;

fn in_minutes(t: &TestStack, minutes: i64) -> Millis {
    Millis(t.clock.now().0 + minutes * 60_000)
}

async fn create_task(t: &TestStack, cookie: &str, body: Value) -> Value {
    let (status, created) = t.post(cookie, "/api/tasks", &body, None).await;
    assert_eq!(status, 201, "{created}");
    created
}

#[tokio::test]
async fn the_scheduler_adapter_creates_moves_and_deletes_one_time_schedules_in_moto() {
    require_emulators();
    let sdk = parley::adapters::aws::load_config().await;
    let client = aws_sdk_scheduler::Client::new(&sdk);
    let group = unique_table("due");
    client.create_schedule_group().name(&group).send().await.expect("moto creates the group");
    let target = ScheduleTarget {
        group: group.clone(),
        function_arn: "arn:aws:lambda:us-east-1:123456789012:function:parley-reminders".into(),
        role_arn: "arn:aws:iam::123456789012:role/parley-scheduler".into(),
    };
    let scheduler = EventBridgeScheduler::new(&sdk, parley::adapters::aws::connector(&sdk), target);
    let job = ScheduledJob::TaskDue { task_id: "tk.1".into(), due_at: Millis(1_795_464_000_000) };
    scheduler.schedule(Millis(1_795_464_000_000), &job).await.expect("created");
    let got = client.get_schedule().name(job.name()).group_name(&group).send().await.expect("it exists");
    assert_eq!(got.schedule_expression(), Some("at(2026-11-23T20:00:00)"));
    let input: ScheduledJob = serde_json::from_str(got.target().and_then(|t| t.input()).unwrap_or_default()).unwrap();
    assert_eq!(input, job, "the job travels as the target's input");
    assert_eq!(got.target().map(|t| t.arn()), Some("arn:aws:lambda:us-east-1:123456789012:function:parley-reminders"));

    // The same name again is a move, not a second schedule.
    let moved = ScheduledJob::TaskDue { task_id: "tk.1".into(), due_at: Millis(1_795_467_600_000) };
    scheduler.schedule(Millis(1_795_467_600_000), &moved).await.expect("moved");
    let got = client.get_schedule().name(job.name()).group_name(&group).send().await.expect("still there");
    assert_eq!(got.schedule_expression(), Some("at(2026-11-23T21:00:00)"));
    let listed = client.list_schedules().group_name(&group).send().await.expect("listed");
    assert_eq!(listed.schedules().len(), 1);

    scheduler.cancel(&job.name()).await.expect("deleted");
    assert!(client.get_schedule().name(job.name()).group_name(&group).send().await.is_err(), "gone");
    scheduler.cancel(&job.name()).await.expect("deleting what is gone is not an error");
}

#[tokio::test]
async fn a_due_task_notifies_its_owner_once_under_overlapping_runs() {
    let t = TestStack::start().await;
    t.clock.pin();
    let admin = t.login().await;
    let due = in_minutes(&t, 60);
    let task = create_task(&t, &admin, json!({"title": "Call Asha back", "due_at": due.to_rfc3339()})).await;
    let id = task["id"].as_str().unwrap();
    let pending = t.stack.scheduler.pending();
    let (at, job) = pending.get(&format!("task-{id}")).expect("creating the task armed its wake-up").clone();
    assert_eq!(at, due);

    t.clock.advance(Duration::from_secs(3600));
    let work = t.stack.due_work.clone();
    let runs: Vec<_> = (0..3)
        .map(|_| {
            let (work, job) = (work.clone(), job.clone());
            tokio::spawn(async move { work.run(&job).await.unwrap() })
        })
        .collect();
    let mut outcomes: Vec<Fired> = Vec::new();
    for run in runs {
        outcomes.push(run.await.unwrap());
    }
    assert_eq!(outcomes.iter().filter(|f| matches!(f, Fired::Notified { .. })).count(), 1, "{outcomes:?}");
    assert_eq!(work.run(&job).await.unwrap(), Fired::Stale, "a repeated wake-up does nothing");

    let (status, list) = t.get(&admin, "/api/notifications").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["unread"], 1);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!((items[0]["kind"].as_str(), items[0]["task_id"].as_str()), (Some("task_due"), Some(id)));
    assert_eq!(items[0]["title"], "Call Asha back");
    let (_, shown) = t.get(&admin, "/api/tasks?due=open").await;
    assert!(shown["items"][0]["fired_at"].is_string(), "{shown}");
}

#[tokio::test]
async fn a_snoozed_tasks_old_wake_up_does_nothing() {
    let t = TestStack::start().await;
    t.clock.pin();
    let admin = t.login().await;
    let task = create_task(&t, &admin, json!({"title": "Quote", "due_at": in_minutes(&t, 30).to_rfc3339()})).await;
    let id = task["id"].as_str().unwrap();
    let (_, old) = t.stack.scheduler.pending().remove(&format!("task-{id}")).unwrap();
    let later = in_minutes(&t, 300).to_rfc3339();
    let (status, _) = t.request(&admin, "PATCH", &format!("/api/tasks/{id}"), Some(&json!({"due_at": later}))).await;
    assert_eq!(status, 200);
    let (at, _) = t.stack.scheduler.pending().remove(&format!("task-{id}")).unwrap();
    assert_eq!(at.to_rfc3339(), later, "the snooze moved the wake-up");
    t.clock.advance(Duration::from_secs(3600));
    assert_eq!(t.stack.due_work.run(&old).await.unwrap(), Fired::Stale);
    let (_, list) = t.get(&admin, "/api/notifications").await;
    assert_eq!(list["unread"], 0, "{list}");
}

#[tokio::test]
async fn a_customer_reply_cancels_a_pending_unless_they_reply_follow_up() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    t.customer_says("919800000010", "Asha", "how much?").await;
    let contacts = t.contacts(&admin).await;
    let contact = contacts[0]["id"].as_str().unwrap().to_owned();
    t.clock.advance(Duration::from_secs(60));
    let body = json!({"title": "Chase", "due_at": in_minutes(&t, 24 * 60).to_rfc3339(), "contact_id": contact,
        "cancel_on_reply": true});
    let task = create_task(&t, &admin, body).await;
    let id = task["id"].as_str().unwrap();
    assert!(t.stack.scheduler.pending().contains_key(&format!("task-{id}")));
    t.clock.advance(Duration::from_secs(60));
    t.customer_says("919800000010", "Asha", "ok, yes").await;

    let cancellation = FollowUpCancellation::new(t.stack.store.clone(), t.stack.scheduler.clone());
    let event = Event::new(EventKind::MessageReceived, "message.received:reply", t.clock.now(), json!({}))
        .about(&ContactId::parse(&contact).unwrap());
    cancellation.react(&event).await.unwrap();
    cancellation.react(&event).await.expect("a redelivered event changes nothing");

    let stored = t.stack.store.task(id).await.unwrap().unwrap();
    assert!(stored.done && stored.cancelled_at.is_some(), "{stored:?}");
    assert!(!t.stack.scheduler.pending().contains_key(&format!("task-{id}")), "its wake-up is removed");
    let (_, done) = t.get(&admin, "/api/tasks?due=done").await;
    assert!(done["items"][0]["cancelled_at"].is_string(), "the list shows it cancelled: {done}");
}

#[tokio::test]
async fn notifications_are_newest_first_marked_read_and_private() {
    let t = TestStack::start().await;
    t.clock.pin();
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let mut jobs = Vec::new();
    for (title, minutes) in [("first", 10), ("second", 20)] {
        let task =
            create_task(&t, &admin, json!({"title": title, "due_at": in_minutes(&t, minutes).to_rfc3339()})).await;
        let id = task["id"].as_str().unwrap().to_owned();
        jobs.push(t.stack.scheduler.pending().remove(&format!("task-{id}")).unwrap().1);
    }
    for job in &jobs {
        t.clock.advance(Duration::from_secs(20 * 60));
        t.stack.due_work.run(job).await.unwrap();
    }
    let (_, list) = t.get(&admin, "/api/notifications").await;
    let titles: Vec<&str> = list["items"].as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["second", "first"], "newest first");
    assert_eq!(list["unread"], 2);
    let first_id = list["items"][1]["id"].as_str().unwrap().to_owned();

    let (_, theirs) = t.get(&agent, "/api/notifications").await;
    assert_eq!((theirs["items"].as_array().unwrap().len(), &theirs["unread"]), (0, &json!(0)));
    let (status, _) = t.post(&agent, &format!("/api/notifications/{first_id}/read"), &json!({}), None).await;
    assert_eq!(status, 404, "nobody marks another's notification");

    let (status, after) = t.post(&admin, &format!("/api/notifications/{first_id}/read"), &json!({}), None).await;
    assert_eq!((status, &after["unread"]), (200, &json!(1)));
    let (_, again) = t.post(&admin, &format!("/api/notifications/{first_id}/read"), &json!({}), None).await;
    assert_eq!(again["unread"], 1, "reading it twice counts once");
    let (_, changes) = t.get(&admin, "/api/changes").await;
    assert_eq!(changes["unread_notifications"], 1, "the live poll carries the count");
    let (status, all) = t.post(&admin, "/api/notifications/read_all", &json!({}), None).await;
    assert_eq!((status, &all["unread"]), (200, &json!(0)));
    let (_, list) = t.get(&admin, "/api/notifications").await;
    assert!(list["items"].as_array().unwrap().iter().all(|n| n["read"] == true), "{list}");
}

#[tokio::test]
async fn the_local_runner_fires_a_wake_up_at_its_time() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    // Due two seconds from now by the stack's own clock: the local
    // scheduler's timer fires it, with nobody running the job by hand.
    let due = Millis(t.clock.now().0 + 2_000);
    create_task(&t, &admin, json!({"title": "Soon", "due_at": due.to_rfc3339()})).await;
    let mut unread = json!(0);
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        unread = t.get(&admin, "/api/notifications").await.1["unread"].clone();
        if unread == 1 {
            break;
        }
    }
    assert_eq!(unread, 1);
}
