//! Automation rules against DynamoDB Local: the `/api/rules` routes, and the
//! engine (driven with the stored events, as the events function will) running
//! the day-one defaults end to end through SQS, the sender and the simulator.

use async_trait::async_trait;
use parley::app::reactions::Reaction;
use parley::app::rules::{RuleEngine, RulePorts};
use parley::app::send_message::SendMessage;
use parley::domain::notification::Notification;
use parley::domain::scheduled_job::ScheduledJob;
use parley::domain::{BusinessNumber, Event, EventKind, Millis};
use parley::ports::{Clock, EventLog, Notifications, OpenState, OpeningHours, Scheduler, StoreError};
use parley_e2e::TestStack;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The wake-ups the engine asked for (the Scheduler adapter is the reminders feature's).
#[derive(Default)]
struct Wakeups(Mutex<Vec<(Millis, ScheduledJob)>>);

#[async_trait]
impl Scheduler for Wakeups {
    async fn schedule(&self, at: Millis, job: &ScheduledJob) -> Result<(), StoreError> {
        let mut jobs = self.0.lock().unwrap();
        jobs.retain(|(_, j)| j.name() != job.name());
        jobs.push((at, job.clone()));
        Ok(())
    }
    async fn cancel(&self, name: &str) -> Result<(), StoreError> {
        self.0.lock().unwrap().retain(|(_, j)| j.name() != name);
        Ok(())
    }
}

#[derive(Default)]
struct Bell(Mutex<Vec<Notification>>);

#[async_trait]
impl Notifications for Bell {
    async fn notify(&self, notification: &Notification) -> Result<(), StoreError> {
        self.0.lock().unwrap().push(notification.clone());
        Ok(())
    }
}

/// Closed from `since` on (the business-hours adapter is another feature's).
struct ClosedSince(Millis);

#[async_trait]
impl OpeningHours for ClosedSince {
    async fn state_at(&self, _: &BusinessNumber, at: Millis) -> Result<OpenState, StoreError> {
        Ok(if at >= self.0 { OpenState::Closed { since: self.0, reopens: None } } else { OpenState::Open })
    }
}

async fn engine(t: &TestStack, scheduler: Arc<Wakeups>, hours: Arc<dyn OpeningHours>) -> RuleEngine {
    let store = t.stack.store.clone();
    let clock: Arc<dyn Clock> = t.clock.clone();
    let sdk = parley::adapters::aws::load_config().await;
    let queue = Arc::new(parley::adapters::aws::queue(&sdk, &t.stack.outbound_queue_url));
    let send = Arc::new(SendMessage::over_table(store.clone(), queue, clock.clone(), parley_e2e::OWN_WABA_ID));
    RuleEngine::new(RulePorts::over_store(store, send, scheduler, Arc::new(Bell::default()), hours, clock))
}

async fn contact(t: &TestStack, cookie: &str) -> String {
    t.customer_says("919812345678", "Asha", "hello, are you open?").await;
    t.contacts(cookie).await[0]["id"].as_str().unwrap().to_owned()
}

/// Every event stored in the last hour, as the outbox kept it.
async fn recent_events(t: &TestStack) -> Vec<Event> {
    let now = t.clock.now();
    events_between(t, Millis(now.0 - Millis::HOUR)).await
}

/// Every event stored from `from` until now, in time order (the log pages per partition).
async fn events_between(t: &TestStack, from: Millis) -> Vec<Event> {
    let until = Millis(t.clock.now().0 + 1);
    let mut page = parley::ports::PageRequest::default();
    let mut events = Vec::new();
    loop {
        let got = t.stack.store.events_between(from, until, &page).await.unwrap();
        events.extend(got.items);
        match got.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => break,
        }
    }
    events.sort_by_key(|e| e.at);
    events
}

async fn accepted_eventually(t: &TestStack, count: usize) -> Vec<Value> {
    for _ in 0..100 {
        let accepted = t.accepted().await;
        if accepted.len() >= count {
            return accepted;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    t.accepted().await
}

#[tokio::test]
async fn rules_are_listed_with_the_defaults_edited_by_supervisors_and_refused_when_they_name_nothing() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let (status, list) = t.get(&agent, "/api/rules").await;
    assert_eq!(status, 200, "{list}");
    let ids: Vec<&str> = list["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["default-away-message", "default-quote-follow-up", "default-won-thanks"]);
    assert_eq!(list["items"][2]["enabled"], false, "the thank-you waits for a template");

    let rule = json!({"name": "Tag price askers", "trigger": {"type": "keyword", "keywords": ["price"]},
        "actions": [{"type": "add_tag", "tag": "pricing"}]});
    let (status, _) = t.post(&agent, "/api/rules", &rule, None).await;
    assert_eq!(status, 403);
    let bad = json!({"name": "Thanks", "trigger": {"type": "stage_changed", "to": "won"},
        "actions": [{"type": "send_template", "name": "no_such", "language": "en", "params": []}]});
    let (status, body) = t.post(&admin, "/api/rules", &bad, None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("unknown template no_such"), "{body}");
    let ghost = json!({"name": "Notify", "trigger": {"type": "message_received", "first_only": false},
        "actions": [{"type": "notify", "to": "ghost@shop.test"}]});
    let (status, body) = t.post(&admin, "/api/rules", &ghost, None).await;
    assert_eq!(status, 422, "{body}");
    let (status, created) = t.post(&admin, "/api/rules", &rule, None).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap();

    let path = format!("/api/rules/{id}");
    let (status, off) = t.request(&admin, "PATCH", &path, Some(&json!({"enabled": false}))).await;
    assert_eq!((status, off["enabled"].as_bool()), (200, Some(false)), "{off}");
    let (status, _) = t.request(&agent, "PATCH", &path, Some(&json!({"enabled": true}))).await;
    assert_eq!(status, 403);
    let (status, body) = t.request(&admin, "DELETE", "/api/rules/default-away-message", None).await;
    assert_eq!(status, 422, "{body}");
    let (status, log) = t.get(&agent, &format!("{path}/log")).await;
    assert_eq!((status, log["items"].as_array().map(Vec::len)), (200, Some(0)));
    let (status, _) = t.request(&admin, "DELETE", &path, None).await;
    assert_eq!(status, 204);
    let (status, _) = t.get(&admin, &path).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_dry_run_lists_last_weeks_matches_from_the_stored_events_and_acts_on_nothing() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let contact = contact(&t, &admin).await;
    let (_, deal) = t
        .post(&admin, "/api/deals", &json!({"contact_id": contact, "title": "Kurtas", "value_minor": 100}), None)
        .await;
    let deal = deal["id"].as_str().unwrap().to_owned();
    for stage in ["quote_sent", "negotiation"] {
        t.clock.advance(Duration::from_millis(5));
        let (status, body) = t.post(&admin, &format!("/api/deals/{deal}/stage"), &json!({"stage": stage}), None).await;
        assert_eq!(status, 200, "{body}");
    }
    // The rule comes after the moves: the runner's stream reader, however
    // late it hands them over, must not run it on them.
    t.clock.advance(Duration::from_millis(5));
    let rule = json!({"name": "Negotiating", "trigger": {"type": "stage_changed", "to": "negotiation"},
        "actions": [{"type": "add_tag", "tag": "hot"}, {"type": "create_task", "title": "Call {{contact.name}}", "due_in_hours": 1}]});
    let (_, created) = t.post(&admin, "/api/rules", &rule, None).await;
    let id = created["id"].as_str().unwrap();
    let (status, dry) = t.post(&admin, &format!("/api/rules/{id}/dry_run"), &json!({}), None).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(dry["days"], 7);
    let lines = dry["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1, "{dry}");
    assert_eq!(
        (lines[0]["event_type"].as_str(), lines[0]["outcome"].as_str()),
        (Some("deal.stage_changed"), Some("run"))
    );
    assert_eq!(lines[0]["actions"], json!(["add_tag", "create_task"]));
    let (_, after) = t.get(&admin, &format!("/api/contacts/{contact}")).await;
    assert_eq!(after["tags"], json!([]), "a dry run acts on nothing");
    let (_, log) = t.get(&admin, &format!("/api/rules/{id}/log")).await;
    assert_eq!(log["items"], json!([]));
}

#[tokio::test]
async fn the_away_message_goes_out_once_per_closed_period_through_the_sender() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    t.get(&admin, "/api/rules").await;
    let contact = contact(&t, &admin).await;
    let closed = Millis(t.clock.now().0 - 60_000);
    let engine = engine(&t, Arc::new(Wakeups::default()), Arc::new(ClosedSince(closed))).await;
    let id = parley::domain::ContactId::parse(&contact).unwrap();
    for n in 0..2 {
        let event = Event::new(
            EventKind::MessageReceived,
            format!("message.received:{n}"),
            t.clock.now(),
            json!({"first": n == 0}),
        )
        .about(&id);
        // Delivered twice, as at-least-once delivery may.
        engine.react(&event).await.unwrap();
        engine.react(&event).await.unwrap();
    }
    let accepted = accepted_eventually(&t, 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(t.accepted().await.len(), 1, "{accepted:?}");
    assert!(accepted[0]["body"]["text"]["body"].as_str().unwrap().contains("closed right now"), "{accepted:?}");
    let (_, log) = t.get(&admin, "/api/rules/default-away-message/log").await;
    assert_eq!(log["items"].as_array().unwrap().len(), 1, "{log}");
    assert_eq!(log["items"][0]["result"], "ok");
    let (_, audit) = t.get(&admin, &format!("/api/audit?contact={contact}")).await;
    assert!(audit["items"].as_array().unwrap().iter().any(|a| a["action"] == "rule_executed"), "{audit}");
    let executed = recent_events(&t).await.into_iter().filter(|e| e.kind == EventKind::RuleExecuted).count();
    assert_eq!(executed, 1, "rule.executed is written with the log line");
}

#[tokio::test]
async fn quote_sent_and_won_defaults_run_end_to_end_from_the_stored_stage_events() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let (status, _) = t.post(&admin, "/api/templates/sync", &json!({}), None).await;
    assert_eq!(status, 200);
    // Choosing a template switches the thank-you on.
    let thanks = json!({"enabled": true, "actions": [{"type": "send_template", "name": "diwali_sale", "language": "en_US", "params": ["{{contact.name}}"]}]});
    let (status, body) = t.request(&admin, "PATCH", "/api/rules/default-won-thanks", Some(&thanks)).await;
    assert_eq!(status, 200, "{body}");
    let contact = contact(&t, &admin).await;
    let (_, deal) = t
        .post(&admin, "/api/deals", &json!({"contact_id": contact, "title": "Kurtas", "value_minor": 100}), None)
        .await;
    let deal = deal["id"].as_str().unwrap().to_owned();
    t.clock.advance(Duration::from_millis(5));
    t.post(&admin, &format!("/api/deals/{deal}/stage"), &json!({"stage": "quote_sent"}), None).await;

    let wakeups = Arc::new(Wakeups::default());
    let engine = engine(&t, wakeups.clone(), t.stack.store.clone()).await;
    for event in recent_events(&t).await {
        engine.react(&event).await.unwrap();
    }
    let jobs = wakeups.0.lock().unwrap().clone();
    let timers: Vec<&(Millis, ScheduledJob)> = jobs
        .iter()
        .filter(|(_, j)| matches!(j, ScheduledJob::RuleTimer { rule_id, .. } if rule_id == "default-quote-follow-up"))
        .collect();
    assert_eq!(timers.len(), 1, "{jobs:?}");
    let (due, ScheduledJob::RuleTimer { rule_id, subject, since }) = timers[0].clone() else { unreachable!() };
    t.clock.advance(Duration::from_millis(u64::try_from(due.0 - t.clock.now().0 + 1).unwrap()));
    // The wake-up fires twice (overlapping runs): one task.
    engine.fire_timer(&rule_id, &subject, since).await.unwrap();
    engine.fire_timer(&rule_id, &subject, since).await.unwrap();
    // Two days on, the morning's session has ended.
    let admin = t.login().await;
    let (_, tasks) = t.get(&admin, "/api/tasks?due=open").await;
    let tasks = tasks["items"].as_array().unwrap().clone();
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert_eq!(tasks[0]["owner"], parley_e2e::ADMIN_EMAIL);
    assert_eq!(tasks[0]["contact_id"], contact.as_str());

    let seen = recent_events(&t).await.len();
    let (status, _) = t.post(&admin, &format!("/api/deals/{deal}/stage"), &json!({"stage": "won"}), None).await;
    assert_eq!(status, 200);
    let window_start = Millis(t.clock.now().0 - 2 * Millis::HOUR);
    let events = events_between(&t, window_start).await;
    let won: Vec<&Event> =
        events.iter().filter(|e| e.kind == EventKind::DealStageChanged && e.data["to"] == "won").collect();
    assert_eq!(won.len(), 1, "{} events seen before", seen);
    engine.react(won[0]).await.unwrap();
    engine.react(won[0]).await.unwrap();
    let accepted = accepted_eventually(&t, 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let templates: Vec<Value> = t.accepted().await.into_iter().filter(|m| m["body"]["type"] == "template").collect();
    assert_eq!(templates.len(), 1, "{accepted:?}");
    assert_eq!(templates[0]["body"]["template"]["name"], "diwali_sale");
    assert_eq!(templates[0]["body"]["template"]["components"][0]["parameters"][0]["text"], "Asha");
}
