//! Issue 9's "Done when" scenarios on the local stack, wired as `make dev`
//! wires them, with the stack's clock moved by hand: a follow-up due in two
//! minutes notifies once however often its wake-up fires, and a customer
//! writing at 23:00 local time gets the away message once per closed period.

use parley::domain::Millis;
use parley::ports::Clock;
use parley_e2e::TestStack;
use parley_simulator::Customer;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

const AWAY: &str = "Thanks for your message! We're closed right now and will reply as soon as we open.";
const DAY: i64 = 86_400_000;

#[tokio::test]
async fn a_follow_up_due_in_two_minutes_notifies_once_even_when_its_wake_up_fires_twice() {
    let t = TestStack::start().await;
    t.clock.pin();
    let admin = t.login().await;
    t.customer_says("919812345678", "Asha", "Can you call me back?").await;
    let contact = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    // As the conversation's follow-up form sends it.
    let due = Millis(t.clock.now().0 + 2 * 60_000);
    let body = json!({"title": "Call Asha back", "due_at": due.to_rfc3339(), "contact_id": contact});
    let (status, task) = t.post(&admin, "/api/tasks", &body, None).await;
    assert_eq!(status, 201, "{task}");
    let id = task["id"].as_str().unwrap().to_owned();
    let (at, job) = t.stack.scheduler.pending().remove(&format!("task-{id}")).expect("its wake-up is set");
    assert_eq!(at, due);
    assert_eq!(t.get(&admin, "/api/notifications").await.1["unread"], 0, "nothing before it is due");

    t.clock.advance(Duration::from_secs(2 * 60 + 1));
    // Scheduler delivers at least once: the wake-up arrives twice at once,
    // and once more later, through what the reminders function runs.
    let work = t.stack.due_work.clone();
    let (a, b) = tokio::join!(work.run(&job), work.run(&job));
    a.unwrap();
    b.unwrap();
    work.run(&job).await.unwrap();

    let (status, list) = t.get(&admin, "/api/notifications").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["unread"], 1, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "one notification: {list}");
    assert_eq!(items[0]["kind"], "task_due");
    assert_eq!(items[0]["task_id"], id.as_str());
    assert_eq!(items[0]["contact_id"], contact.as_str(), "it links to the conversation");
}

/// The next instant after `now` (by at least a minute) whose UTC time of day is `hh:mm`.
fn next_utc(now: Millis, hh: i64, mm: i64) -> Millis {
    let time = (hh * 60 + mm) * 60_000;
    let mut at = now.0.div_euclid(DAY) * DAY + time;
    while at < now.0 + 60_000 {
        at += DAY;
    }
    Millis(at)
}

/// Moves the pinned clock to `at` (never backwards).
fn move_clock_to(t: &TestStack, at: Millis) {
    let by = at.0 - t.clock.now().0;
    assert!(by >= 0, "the clock only moves forward");
    t.clock.advance(Duration::from_millis(by as u64));
}

/// The away messages the Cloud API (the simulator) accepted for sending.
async fn away_replies(t: &TestStack) -> usize {
    t.accepted().await.iter().filter(|a| a["body"].to_string().contains("closed right now")).count()
}

/// Posts a customer's message at `at` and waits until the events function
/// has run on it (the reactions, the rules among them, run in that invocation).
async fn customer_writes_at(t: &TestStack, customer: &Customer, wamid: &str, at: Millis, text: &str) {
    let before = handled(t);
    let webhook = customer.webhook(vec![customer.text(wamid, at.0 / 1000, text)]);
    assert_eq!(t.post_json_webhook(&webhook).await.status(), 200);
    wait_until_handled(t, before, wamid).await;
}

/// Events function invocations that have finished.
fn handled(t: &TestStack) -> u64 {
    t.stack.events_invocations.finished.load(Ordering::SeqCst)
}

async fn wait_until_handled(t: &TestStack, before: u64, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while handled(t) == before && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(handled(t) > before, "the events function ran on {what}");
}

async fn wait_for_replies(t: &TestStack, expected: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let replies = away_replies(t).await;
        if replies >= expected || Instant::now() > deadline {
            // A second reply, if the product wrongly sent one, lands meanwhile.
            tokio::time::sleep(Duration::from_secs(1)).await;
            return away_replies(t).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_customer_writing_at_2300_local_time_gets_the_away_message_once_per_closed_period() {
    let t = TestStack::start().await;
    t.clock.pin();
    // The stack's day starts at 10:00 in India (04:30 UTC), inside the hours
    // set below.
    move_clock_to(&t, next_utc(t.clock.now(), 4, 30));
    let admin = t.login().await;
    let asha = Customer::new("919812345678", "Asha");
    // Asha wrote earlier today, while no hours were set (always open): the
    // simulator, which keeps real time, holds her 24-hour window open.
    // Her message carries the real time, which may be night in India: the
    // hours are saved only once the rules have run on it (as always open).
    let before = handled(&t);
    t.customer_says("919812345678", "Asha", "Hello").await;
    wait_until_handled(&t, before, "Asha's hello").await;
    let contact = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    let every_day = Value::Array((0..7).map(|_| json!([{"open": "09:00", "close": "18:00"}])).collect());
    let hours = json!({"time_zone": "Asia/Kolkata", "weekly": every_day});
    let path = format!("/api/business/hours/{}", asha.phone.phone_number_id);
    let (status, saved) = t.request(&admin, "PUT", &path, Some(&hours)).await;
    assert_eq!(status, 200, "{saved}");

    // 23:00 in India is 17:30 UTC.
    let eleven_pm = next_utc(t.clock.now(), 17, 30);
    move_clock_to(&t, eleven_pm);
    customer_writes_at(&t, &asha, "wamid.AWAY1", eleven_pm, "Is the blue kurta in stock?").await;
    assert_eq!(wait_for_replies(&t, 1).await, 1, "the away message went out");

    // 23:10, the same closed evening: no second away message.
    let ten_past = Millis(eleven_pm.0 + 10 * 60_000);
    move_clock_to(&t, ten_past);
    customer_writes_at(&t, &asha, "wamid.AWAY2", ten_past, "Hello?").await;
    assert_eq!(wait_for_replies(&t, 2).await, 1, "once per closed period");

    // 10:00 the next morning: open, no away message.
    let ten_am = Millis(eleven_pm.0 + 11 * 3_600_000);
    move_clock_to(&t, ten_am);
    customer_writes_at(&t, &asha, "wamid.AWAY3", ten_am, "Good morning").await;
    assert_eq!(wait_for_replies(&t, 2).await, 1, "open hours get no away message");

    // 23:00 the next evening is another closed period: one more.
    let next_night = Millis(eleven_pm.0 + DAY);
    move_clock_to(&t, next_night);
    customer_writes_at(&t, &asha, "wamid.AWAY4", next_night, "Still there?").await;
    assert_eq!(wait_for_replies(&t, 2).await, 2, "the next closed period answers again");
    // Sessions follow the stack's clock, which has moved a day on.
    let admin = t.login().await;
    let timeline = t.timeline(&admin, &contact).await;
    let away: Vec<&Value> = timeline.iter().filter(|m| m.to_string().contains(AWAY)).collect();
    assert_eq!(away.len(), 2, "both in the conversation's timeline: {timeline:?}");
    assert!(away.iter().all(|m| m["direction"] == "out"));
}
