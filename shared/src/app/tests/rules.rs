use super::fixture::{World, PHONE_NUMBER_ID};
use crate::app::deals::{Deals, NewDeal};
use crate::app::reactions::Reaction;
use crate::app::rules::defaults::{seed_default_rules, AWAY_MESSAGE, QUOTE_FOLLOW_UP};
use crate::app::rules::editor::{RuleChange, RuleDraft};
use crate::app::rules::{DryRun, RuleEditor, RuleEngine, RuleError, RulePorts};
use crate::domain::rule::{Action, Condition, Rule, RuleInvalid, RuleResult, Trigger};
use crate::domain::scheduled_job::ScheduledJob;
use crate::domain::template::{Category, Template};
use crate::domain::{AuditEntry, ContactId, Event, EventKind, Millis, Role};
use crate::ports::memory::{FixedOpeningHours, MemoryNotifications, MemoryScheduler};
use crate::ports::{ConversationStore, PageRequest, RuleStore, TaskStore, TemplateCatalog};
use serde_json::json;
use std::sync::Arc;

struct Rig {
    w: World,
    engine: RuleEngine,
    deals: Arc<Deals>,
    scheduler: Arc<MemoryScheduler>,
    hours: Arc<FixedOpeningHours>,
    notifications: Arc<MemoryNotifications>,
}

fn rig() -> Rig {
    rig_with(|_| None)
}

/// A rig whose engine drafts AI replies with what `assist` builds over its world.
fn rig_with(assist: impl FnOnce(&World) -> Option<Arc<crate::app::ai_assist::AiAssist>>) -> Rig {
    let w = World::new();
    let deals = Arc::new(Deals::new(w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone(), false));
    let scheduler = Arc::new(MemoryScheduler::default());
    let hours = Arc::new(FixedOpeningHours::default());
    let notifications = Arc::new(MemoryNotifications::default());
    let send = w.send_message();
    let engine = RuleEngine::new(RulePorts {
        rules: w.store.clone(),
        contacts: w.store.clone(),
        deal_store: w.store.clone(),
        deals: deals.clone(),
        tasks: w.store.clone(),
        records: w.store.clone(),
        users: w.store.clone(),
        inbox: w.store.clone(),
        send: Arc::new(send),
        notifications: notifications.clone(),
        scheduler: scheduler.clone(),
        hours: hours.clone(),
        webhooks: None,
        assist: assist(&w),
        clock: w.clock.clone(),
    });
    Rig { w, engine, deals, scheduler, hours, notifications }
}

fn rule(id: &str, trigger: Trigger, conditions: Vec<Condition>, actions: Vec<Action>) -> Rule {
    Rule {
        id: id.into(),
        name: id.into(),
        enabled: true,
        trigger,
        conditions,
        actions,
        failing: None,
        default_key: None,
        updated_at: Millis(0),
    }
}

fn audit() -> AuditEntry {
    AuditEntry { at: Millis(0), actor: "test".into(), action: "rule_create".into(), contact: None, detail: "{}".into() }
}

async fn catalog(w: &World, name: &str) {
    let t = Template::body_only(name, "en", Category::Utility, "APPROVED", "Thanks {{1}}");
    w.store.put_templates(&[t]).await.unwrap();
}

fn received(contact: &ContactId, id: &str, at: Millis, data: serde_json::Value) -> Event {
    Event::new(EventKind::MessageReceived, id, at, data).about(contact)
}

impl Rig {
    async fn add(&self, rule: Rule) {
        assert!(self.w.store.create_rule(&rule, &audit()).await.unwrap());
    }

    /// Hands every event stored since `from` to the engine, as the events function would.
    async fn publish_from(&self, from: usize) -> usize {
        let events = self.w.store.events();
        for event in &events[from..] {
            self.engine.react(event).await.unwrap();
        }
        events.len()
    }

    async fn log_results(&self, rule: &str) -> Vec<RuleResult> {
        let page = self.w.store.rule_log(rule, &PageRequest::default()).await.unwrap();
        page.items.iter().map(|e| e.result).collect()
    }
}

#[tokio::test]
async fn a_won_deal_sends_the_thank_you_template_once_per_move_with_fields_filled() {
    let r = rig();
    let agent = r.w.teammate("a@shop.test", Role::Agent).await;
    catalog(&r.w, "thanks").await;
    let send =
        Action::SendTemplate { name: "thanks".into(), language: "en".into(), params: vec!["{{contact.name}}".into()] };
    r.add(rule("won", Trigger::StageChanged { from: None, to: Some("won".into()) }, vec![], vec![send])).await;
    let contact = r.w.customer_says("15550001111", "wamid.1", "hi").await;
    let new = NewDeal { contact: Some(contact.clone()), title: "Sofa".into(), value_minor: 100, ..NewDeal::default() };
    let deal = r.deals.create(&agent, new).await.unwrap();
    r.w.clock.advance_ms(1_000);
    r.deals.move_to(&agent, &deal.id, "won").await.unwrap();
    let seen = r.publish_from(0).await;
    // The stage event delivered again (at least once) sends nothing more.
    r.publish_from(0).await;
    assert_eq!(r.w.queue.enqueued().len(), 1);
    let message = r.w.store.message(&r.w.queue.enqueued()[0]).unwrap();
    assert_eq!(message.text.as_deref(), Some("Thanks Asha"));
    assert_eq!(r.log_results("won").await, vec![RuleResult::Ok]);
    // The execution is on the contact's trail and published as rule.executed, in the same write.
    let events = r.w.store.events();
    let executed: Vec<&Event> = events[seen..].iter().filter(|e| e.kind == EventKind::RuleExecuted).collect();
    assert_eq!(executed.len(), 1);
    assert_eq!(executed[0].actor.as_deref(), Some("rule:won"));
    assert!(r
        .w
        .store
        .audit_lines()
        .iter()
        .any(|a| a.action == "rule_executed" && a.contact.as_ref() == Some(&contact)));
}

#[tokio::test]
async fn a_rule_reacting_to_its_own_stage_moves_runs_once_and_does_not_loop() {
    let r = rig();
    let agent = r.w.teammate("a@shop.test", Role::Agent).await;
    // Two rules that undo each other: without the guard each move triggers the next.
    r.add(rule(
        "bounce",
        Trigger::StageChanged { from: None, to: Some("qualified".into()) },
        vec![],
        vec![Action::MoveStage { stage: "negotiation".into() }],
    ))
    .await;
    r.add(rule(
        "back",
        Trigger::StageChanged { from: None, to: Some("negotiation".into()) },
        vec![],
        vec![Action::MoveStage { stage: "qualified".into() }],
    ))
    .await;
    let contact = r.w.customer_says("15550001111", "wamid.1", "hi").await;
    let new = NewDeal { contact: Some(contact), title: "Sofa".into(), value_minor: 100, ..NewDeal::default() };
    let deal = r.deals.create(&agent, new).await.unwrap();
    r.w.clock.advance_ms(1_000);
    r.deals.move_to(&agent, &deal.id, "qualified").await.unwrap();
    let mut seen = 0;
    for _ in 0..5 {
        r.w.clock.advance_ms(1_000);
        seen = r.publish_from(seen).await;
    }
    let moved = r.w.store.events().iter().filter(|e| e.kind == EventKind::DealStageChanged).count();
    assert_eq!(moved, 2, "the staff move and the rule's one move");
    assert_eq!(r.log_results("bounce").await.len(), 1);
    assert_eq!(r.deals.get(&agent, &deal.id).await.unwrap().stage, "negotiation");
    assert!(r.log_results("back").await.is_empty());
}

#[tokio::test]
async fn a_broken_rule_is_marked_failing_and_does_not_stop_the_others() {
    let r = rig();
    let contact = r.w.customer_says("15550001111", "wamid.1", "price please").await;
    let gone = Action::SendTemplate { name: "deleted".into(), language: "en".into(), params: vec![] };
    r.add(rule("a-broken", Trigger::Keyword { keywords: vec!["price".into()] }, vec![], vec![gone])).await;
    r.add(rule(
        "b-tag",
        Trigger::Keyword { keywords: vec!["PRICE".into()] },
        vec![],
        vec![Action::AddTag { tag: "pricing".into() }],
    ))
    .await;
    r.engine.react(&received(&contact, "ev-1", r.w.clock_now(), json!({"text": "price please"}))).await.unwrap();
    let broken = r.w.store.rule("a-broken").await.unwrap().unwrap();
    let failure = broken.failing.expect("marked failing");
    assert!(failure.error.contains("deleted"), "{}", failure.error);
    assert_eq!(r.log_results("a-broken").await, vec![RuleResult::Failed]);
    assert_eq!(r.w.store.contact(&contact).await.unwrap().unwrap().tags, vec!["pricing".to_owned()]);
    assert!(r.w.queue.enqueued().is_empty());
}

#[tokio::test]
async fn the_away_message_goes_once_per_conversation_per_closed_period_and_only_when_closed() {
    let r = rig();
    seed_default_rules(&*r.w.store, r.w.clock_now()).await.unwrap();
    let t0 = r.w.clock_now();
    r.hours.close(Millis(t0.0 - 1_000), t0.plus_hours(8));
    let contact = r.w.customer_says("15550001111", "wamid.1", "hello?").await;
    r.engine.react(&received(&contact, "m1", t0, json!({"first": true}))).await.unwrap();
    r.w.clock.advance_ms(60_000);
    r.engine.react(&received(&contact, "m2", r.w.clock_now(), json!({}))).await.unwrap();
    assert_eq!(r.w.queue.enqueued().len(), 1, "one away message for the evening");
    // Open: nothing.
    r.w.clock.set(t0.plus_hours(9));
    r.w.customer_says("15550001111", "wamid.2", "morning").await;
    r.engine.react(&received(&contact, "m3", r.w.clock_now(), json!({}))).await.unwrap();
    assert_eq!(r.w.queue.enqueued().len(), 1);
    // The next evening is another closed period.
    r.hours.close(t0.plus_hours(20), t0.plus_hours(30));
    r.w.clock.set(t0.plus_hours(21));
    r.w.customer_says("15550001111", "wamid.3", "still there?").await;
    r.engine.react(&received(&contact, "m4", r.w.clock_now(), json!({}))).await.unwrap();
    assert_eq!(r.w.queue.enqueued().len(), 2);
    let away = r.w.store.message(&r.w.queue.enqueued()[0]).unwrap();
    assert!(away.text.unwrap_or_default().contains("closed right now"));
}

#[tokio::test]
async fn quote_sent_without_a_reply_for_two_days_gives_the_owner_a_task_unless_the_customer_replied() {
    let r = rig();
    seed_default_rules(&*r.w.store, r.w.clock_now()).await.unwrap();
    let agent = r.w.teammate("a@shop.test", Role::Agent).await;
    let quiet = r.w.customer_says("15550001111", "wamid.1", "hi").await;
    let chatty = r.w.customer_says("15550002222", "wamid.2", "hi").await;
    let mut deals = Vec::new();
    for contact in [&quiet, &chatty] {
        let new =
            NewDeal { contact: Some(contact.clone()), title: "Sofa".into(), value_minor: 100, ..NewDeal::default() };
        deals.push(r.deals.create(&agent, new).await.unwrap());
    }
    r.w.clock.advance_ms(1_000);
    for deal in &deals {
        r.deals.move_to(&agent, &deal.id, "quote_sent").await.unwrap();
    }
    r.publish_from(0).await;
    assert_eq!(r.scheduler.scheduled().len(), 2, "one timer per conversation");
    // The second customer replies a day later.
    r.w.clock.advance_ms(24 * Millis::HOUR);
    r.w.customer_says("15550002222", "wamid.3", "thinking about it").await;
    r.w.clock.advance_ms(25 * Millis::HOUR);
    let due = r.scheduler.take_due(r.w.clock_now());
    assert_eq!(due.len(), 2);
    for job in due.iter().chain(due.iter()) {
        let ScheduledJob::RuleTimer { rule_id, subject, since } = job else { panic!("{job:?}") };
        r.engine.fire_timer(rule_id, subject, *since).await.unwrap();
    }
    assert_eq!(r.log_results(QUOTE_FOLLOW_UP).await.len(), 1, "once, for the quiet customer only");
    let tasks = r.w.store.due_tasks(Some("a@shop.test"), None, None, &PageRequest::default()).await.unwrap().items;
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].contact_id.as_ref(), Some(&quiet));
    assert!(tasks[0].title.contains("Asha"));
}

#[tokio::test]
async fn conditions_are_checked_on_the_state_re_read_before_acting() {
    let r = rig();
    let boss = r.w.teammate("boss@shop.test", Role::Manager).await;
    let contact = r.w.customer_says("15550001111", "wamid.1", "hi").await;
    let notify = Action::Notify { to: Some(boss.email.clone()), title: Some("VIP {{contact.name}} wrote".into()) };
    let conditions =
        vec![Condition::HasTag { tag: "vip".into() }, Condition::Unassigned, Condition::Window { open: true }];
    r.add(rule("vip", Trigger::MessageReceived { first_only: false }, conditions, vec![notify])).await;
    r.engine.react(&received(&contact, "m1", r.w.clock_now(), json!({}))).await.unwrap();
    assert!(r.notifications.raised().is_empty(), "not tagged yet");
    let patch = crate::domain::ContactPatch { tags: Some(vec!["vip".into()]), ..Default::default() };
    crate::ports::ContactRecordStore::patch_contact(&*r.w.store, &contact, &patch).await.unwrap();
    r.engine.react(&received(&contact, "m2", r.w.clock_now(), json!({}))).await.unwrap();
    let raised = r.notifications.raised();
    assert_eq!(raised.len(), 1);
    assert_eq!((raised[0].recipient.as_str(), raised[0].title.as_str()), ("boss@shop.test", "VIP Asha wrote"));
}

#[tokio::test]
async fn an_ai_reply_rule_sends_the_draft_inside_the_window_and_skips_while_ai_is_off_or_failing() {
    use crate::app::ai_assist::{AiAssist, KeyChange};
    use crate::domain::ai_settings::{AiProvider, AiSettings};
    use crate::ports::memory::{MemoryAiKey, MemoryAiSettings, ScriptedAssistant};
    use crate::ports::{AiCompletion, AiProviderError};
    let provider = Arc::new(ScriptedAssistant::default());
    let mut built = None;
    let r = rig_with(|w| {
        let settings = Arc::new(MemoryAiSettings::default());
        let ai = AiAssist::new(
            settings,
            Arc::new(MemoryAiKey::default()),
            provider.clone(),
            w.store.clone(),
            w.clock.clone(),
        );
        built = Some(Arc::new(ai));
        built.clone()
    });
    let (ai, engine) = (built.expect("built"), &r.engine);
    let contact = r.w.customer_says("15550001111", "wamid.1", "Price of the sofa?").await;
    r.add(rule("ai", Trigger::MessageReceived { first_only: false }, vec![], vec![Action::SendAiReply {}])).await;

    engine.react(&received(&contact, "m1", r.w.clock_now(), json!({}))).await.unwrap();
    assert!(r.w.queue.enqueued().is_empty(), "AI assist is off: nothing is sent");
    let settings = AiSettings {
        enabled: true,
        provider: AiProvider::OpenAi,
        endpoint: "http://127.0.0.1:9/v1".into(),
        model: "gpt-4o-mini".into(),
        input_price_per_1k: 0.15,
        output_price_per_1k: 0.6,
        business_facts: "Sofas from Rs 25,000.".into(),
    };
    ai.save_settings("admin@x.in", settings, KeyChange::Set("sk-1".into())).await.unwrap();
    provider.answer(Err(AiProviderError::Unreachable));
    engine.react(&received(&contact, "m2", r.w.clock_now(), json!({}))).await.unwrap();
    assert!(r.w.queue.enqueued().is_empty(), "an outage sends nothing");
    provider.answer(Ok(AiCompletion { text: "Sofas start at Rs 25,000.".into(), usage: Default::default() }));
    engine.react(&received(&contact, "m3", r.w.clock_now(), json!({}))).await.unwrap();
    assert_eq!(r.w.queue.enqueued().len(), 1, "the draft is sent");
    r.w.clock.advance_ms(30 * Millis::HOUR);
    engine.react(&received(&contact, "m4", r.w.clock_now(), json!({}))).await.unwrap();
    assert_eq!(r.w.queue.enqueued().len(), 1, "never outside the window");
    assert_eq!(provider.calls().len(), 2, "the window is checked before the provider is asked");
    let log = r.w.store.rule_log("ai", &PageRequest::default()).await.unwrap().items;
    let outcomes: Vec<String> = log.iter().flat_map(|l| l.outcomes.clone()).collect();
    assert!(outcomes.iter().any(|o| o.starts_with("send_ai_reply: skipped, AI assist is turned off")), "{outcomes:?}");
    assert!(outcomes.iter().any(|o| o == "send_ai_reply: skipped, window closed"), "{outcomes:?}");
}

#[tokio::test]
async fn new_leads_from_an_ad_are_routed_round_robin_and_sent_text_only_inside_the_window() {
    let r = rig();
    r.w.teammate("a@shop.test", Role::Agent).await;
    let contact = r.w.customer_says("15550001111", "wamid.1", "hi").await;
    let actions = vec![Action::Assign { to: None }, Action::SendText { text: "Welcome {{contact.name}}".into() }];
    r.add(rule("leads", Trigger::NewLead { source: Some("ad".into()) }, vec![], actions)).await;
    let organic = received(&contact, "m0", r.w.clock_now(), json!({"first": true}));
    r.engine.react(&organic).await.unwrap();
    assert!(r.log_results("leads").await.is_empty());
    let lead = received(&contact, "m1", r.w.clock_now(), json!({"first": true, "referral": {"source_type": "ad"}}));
    r.engine.react(&lead).await.unwrap();
    let stored = r.w.store.contact(&contact).await.unwrap().unwrap();
    assert_eq!(stored.conversation.owner.as_deref(), Some("a@shop.test"));
    assert_eq!(r.w.queue.enqueued().len(), 1);
    // Later, the window closed: the text is skipped, not failed.
    r.w.clock.advance_ms(30 * Millis::HOUR);
    let late = received(&contact, "m2", r.w.clock_now(), json!({"first": true, "referral": {"source_type": "ad"}}));
    r.engine.react(&late).await.unwrap();
    assert_eq!(r.w.queue.enqueued().len(), 1);
    assert_eq!(r.log_results("leads").await, vec![RuleResult::Ok, RuleResult::Ok]);
    let log = r.w.store.rule_log("leads", &PageRequest::default()).await.unwrap().items;
    assert!(log[0].outcomes.iter().any(|o| o == "send_text: skipped, window closed"), "{:?}", log[0].outcomes);
}

#[tokio::test]
async fn no_agent_reply_and_task_due_timers_fire_only_while_still_true() {
    let r = rig();
    let agent = r.w.teammate("a@shop.test", Role::Agent).await;
    let contact = r.w.customer_says("15550001111", "wamid.1", "hello").await;
    r.add(rule(
        "slow",
        Trigger::NoAgentReply { minutes: 30 },
        vec![],
        vec![Action::Notify { to: Some(agent.email.clone()), title: None }],
    ))
    .await;
    let at = r.w.clock_now();
    r.engine.react(&received(&contact, "m1", at, json!({}))).await.unwrap();
    let (due_at, _) = r.scheduler.scheduled().into_values().next().unwrap();
    assert_eq!(due_at, Millis(at.0 + 30 * 60_000));
    // Too early: nothing.
    r.engine.fire_timer("slow", contact.as_str(), at).await.unwrap();
    assert!(r.notifications.raised().is_empty());
    r.w.clock.advance_ms(31 * 60_000);
    r.engine.fire_timer("slow", contact.as_str(), at).await.unwrap();
    assert_eq!(r.notifications.raised().len(), 1);

    let task = crate::domain::task::Task {
        id: "t1".into(),
        title: "Call back".into(),
        due_at: r.w.clock_now().plus_hours(1),
        owner: agent.email.clone(),
        contact_id: Some(contact.clone()),
        deal_id: None,
        done: false,
        done_at: None,
        created_by: agent.email.clone(),
        created_at: r.w.clock_now(),
        cancel_on_reply: false,
        fired_at: None,
        cancelled_at: None,
        template: None,
    };
    r.w.store.create_task(&task).await.unwrap();
    r.add(rule("due", Trigger::TaskDue, vec![], vec![Action::AddTag { tag: "callback".into() }])).await;
    let created = Event::new(
        EventKind::TaskCreated,
        "task.created:t1",
        r.w.clock_now(),
        json!({"task": "t1", "due_at": task.due_at.0}),
    );
    r.engine.react(&created).await.unwrap();
    assert!(r.scheduler.scheduled().values().any(|(at, _)| *at == task.due_at));
    r.w.store.complete_task("t1", r.w.clock_now()).await.unwrap();
    r.w.clock.advance_ms(2 * Millis::HOUR);
    r.engine.fire_timer("due", "t1", created.at).await.unwrap();
    assert!(r.log_results("due").await.is_empty(), "a task done before it fell due fires nothing");
}

#[tokio::test]
async fn a_dry_run_lists_what_would_have_happened_and_acts_on_nothing() {
    let r = rig();
    let contact = r.w.customer_says("15550001111", "wamid.1", "hi").await;
    let keyword = rule(
        "kw",
        Trigger::Keyword { keywords: vec!["refund".into()] },
        vec![],
        vec![Action::AddTag { tag: "refund".into() }],
    );
    r.add(keyword.clone()).await;
    let old = Millis(r.w.clock_now().0 - 8 * 24 * Millis::HOUR);
    let events = [
        received(&contact, "old", old, json!({"text": "refund"})),
        received(&contact, "hit", r.w.clock_now(), json!({"text": "I want a REFUND"})),
        received(&contact, "miss", r.w.clock_now(), json!({"text": "thanks"})),
    ];
    let dry = DryRun::new(r.w.store.clone(), r.w.store.clone(), r.w.store.clone(), r.hours.clone(), r.w.clock.clone());
    r.w.store.record_events(&events);
    let lines = dry.run(&keyword).await.unwrap();
    assert_eq!(lines.iter().map(|l| l.event_id.as_str()).collect::<Vec<_>>(), vec!["hit"]);
    assert_eq!(lines[0].actions, vec!["add_tag"]);
    assert!(r.w.store.contact(&contact).await.unwrap().unwrap().tags.is_empty());
    assert!(r.log_results("kw").await.is_empty());
    // Nothing was claimed: the real run still acts.
    r.engine.react(&events[1]).await.unwrap();
    assert_eq!(r.log_results("kw").await, vec![RuleResult::Ok]);
}

#[tokio::test]
async fn the_editor_refuses_unknown_references_and_agents_and_keeps_defaults_switchable() {
    let r = rig();
    let boss = r.w.teammate("boss@shop.test", Role::Manager).await;
    let agent = r.w.teammate("a@shop.test", Role::Agent).await;
    let editor =
        RuleEditor::new(r.w.store.clone(), r.w.store.clone(), r.w.store.clone(), r.w.store.clone(), r.w.clock.clone());
    let draft = |actions| RuleDraft {
        name: "Thanks".into(),
        enabled: true,
        trigger: Trigger::StageChanged { from: None, to: Some("won".into()) },
        conditions: vec![],
        actions,
    };
    let unknown = draft(vec![Action::SendTemplate { name: "nope".into(), language: "en".into(), params: vec![] }]);
    assert!(matches!(
        editor.create(&boss, unknown.clone()).await,
        Err(RuleError::Invalid(RuleInvalid::UnknownTemplate(..)))
    ));
    assert!(matches!(editor.create(&agent, unknown).await, Err(RuleError::Forbidden)));
    let ghost = draft(vec![Action::Notify { to: Some("ghost@shop.test".into()), title: None }]);
    assert!(matches!(editor.create(&boss, ghost).await, Err(RuleError::Invalid(RuleInvalid::UnknownTeammate(_)))));
    // The seed runs twice and creates each default once.
    assert_eq!(seed_default_rules(&*r.w.store, r.w.clock_now()).await.unwrap(), 3);
    assert_eq!(seed_default_rules(&*r.w.store, r.w.clock_now()).await.unwrap(), 0);
    let off =
        editor.update(&boss, AWAY_MESSAGE, RuleChange { enabled: Some(false), ..Default::default() }).await.unwrap();
    assert!(!off.enabled);
    assert_eq!(seed_default_rules(&*r.w.store, r.w.clock_now()).await.unwrap(), 0);
    assert!(!editor.get(AWAY_MESSAGE).await.unwrap().enabled, "the seed keeps staff's switch");
    // The thank-you default stays off until a real template is chosen.
    let on = RuleChange { enabled: Some(true), ..Default::default() };
    assert!(matches!(
        editor.update(&boss, crate::app::rules::defaults::WON_THANKS, on).await,
        Err(RuleError::Invalid(_))
    ));
    assert!(matches!(editor.delete(&boss, AWAY_MESSAGE).await, Err(RuleError::DefaultRule)));
    // A stale save loses.
    let stale = editor.get(QUOTE_FOLLOW_UP).await.unwrap();
    editor
        .update(&boss, QUOTE_FOLLOW_UP, RuleChange { name: Some("Chase quotes".into()), ..Default::default() })
        .await
        .unwrap();
    let mut older = stale.clone();
    older.name = "Old".into();
    assert!(!r.w.store.save_rule(&older, stale.updated_at, &audit()).await.unwrap());
    let _ = PHONE_NUMBER_ID;
}

#[tokio::test]
async fn a_received_event_is_matched_with_the_text_and_opening_read_back_from_the_store() {
    use crate::app::rules::message_facts::with_message_facts;
    use crate::domain::change_event::message_received;
    let w = World::new();
    let first =
        crate::app::tests::fixture::inbound("919800000001", "wamid.FACTS1", "Price of the blue kurta?", w.clock_now());
    let contact = match crate::ports::InboundStore::record_inbound(&*w.store, &first).await.unwrap() {
        crate::ports::Recorded::New(contact) => contact,
        crate::ports::Recorded::Duplicate => unreachable!("stored once"),
    };
    // The published event carries no body, so a keyword rule alone could not match it.
    let event = message_received(&first, &contact);
    let keyword = Trigger::Keyword { keywords: vec!["price".into()] };
    assert_eq!(keyword.on_event(&event), crate::domain::rule_match::TriggerMatch::No);

    let read_back = with_message_facts(&*w.store, &event).await.unwrap();
    assert_eq!(read_back.data["text"], "Price of the blue kurta?");
    assert_eq!(read_back.data["first"], true, "a new contact's first message opens the conversation");
    assert!(matches!(keyword.on_event(&read_back), crate::domain::rule_match::TriggerMatch::Fire { .. }));

    // A second message while the first still waits does not open anything.
    w.clock.advance_ms(60_000);
    let second = crate::app::tests::fixture::inbound("919800000001", "wamid.FACTS2", "hello?", w.clock_now());
    crate::ports::InboundStore::record_inbound(&*w.store, &second).await.unwrap();
    let later = with_message_facts(&*w.store, &message_received(&second, &contact)).await.unwrap();
    assert_eq!(later.data["first"], false);
    assert_eq!(later.data["text"], "hello?");
}

#[tokio::test]
async fn the_first_event_a_business_ever_has_runs_the_default_rules_it_seeds() {
    // Nobody opened Settings → Automation: the engine seeds the defaults on
    // the first event, which the stream hands over a moment after it happened.
    let r = rig();
    let t0 = r.w.clock_now();
    r.hours.close(Millis(t0.0 - 60_000), t0.plus_hours(8));
    let contact = r.w.customer_says("15550001111", "wamid.1", "hello?").await;
    r.w.clock.advance_ms(1_500);
    r.engine.react(&received(&contact, "m1", t0, json!({"first": true}))).await.unwrap();
    assert_eq!(r.w.queue.enqueued().len(), 1, "the away message answers the very first message");
}

#[tokio::test]
async fn a_sent_status_re_arms_the_no_reply_follow_up_from_when_the_message_went_out() {
    let r = rig();
    seed_default_rules(&*r.w.store, r.w.clock_now()).await.unwrap();
    let agent = r.w.teammate("a@shop.test", Role::Agent).await;
    let quiet = r.w.customer_says("15550001111", "wamid.1", "hi").await;
    let new = NewDeal { contact: Some(quiet.clone()), title: "Sofa".into(), value_minor: 100, ..NewDeal::default() };
    let deal = r.deals.create(&agent, new).await.unwrap();
    r.w.clock.advance_ms(1_000);
    r.deals.move_to(&agent, &deal.id, "quote_sent").await.unwrap();
    r.publish_from(0).await;
    // Ten hours later the quote itself goes out: the event the status webhook writes.
    r.w.clock.advance_ms(10 * Millis::HOUR);
    let sent_at = r.w.clock_now();
    let raw = json!({"id": "wamid.OUT1", "status": "sent", "timestamp": (sent_at.0 / 1000).to_string(),
        "recipient_id": "15550001111"});
    let update = crate::whatsapp::status::parse_status(&raw, "pn-1", sent_at).unwrap();
    let event = crate::domain::change_event::message_status_changed(&update, &quiet, "pm.1");
    r.engine.react(&event).await.unwrap();
    let timers = r.scheduler.scheduled();
    assert_eq!(timers.len(), 1, "{timers:?}");
    let (at, _) = timers.values().next().unwrap();
    assert_eq!(*at, update.at.plus_hours(48), "48 hours from the message, not from the stage move");
    // 48 hours after the move, 38 after the message: not yet.
    r.w.clock.advance_ms(39 * Millis::HOUR);
    assert!(r.scheduler.take_due(r.w.clock_now()).is_empty());
    r.w.clock.advance_ms(10 * Millis::HOUR);
    for job in r.scheduler.take_due(r.w.clock_now()) {
        let ScheduledJob::RuleTimer { rule_id, subject, since } = job else { panic!("{job:?}") };
        r.engine.fire_timer(&rule_id, &subject, since).await.unwrap();
    }
    assert_eq!(r.log_results(QUOTE_FOLLOW_UP).await.len(), 1);
}

#[tokio::test]
async fn a_received_message_is_read_back_only_when_an_enabled_rule_matches_on_its_text_or_opening() {
    let r = rig();
    let greet = vec![Action::AddTag { tag: "talked".into() }];
    r.add(rule("any-message", Trigger::MessageReceived { first_only: false }, vec![], greet)).await;
    let mut quiet = rule("price", Trigger::Keyword { keywords: vec!["price".into()] }, vec![], vec![]);
    quiet.enabled = false;
    r.add(quiet).await;
    r.w.customer_says("15550001111", "wamid.R1", "price of the blue kurta?").await;
    let seen = r.publish_from(0).await;
    assert_eq!(r.log_results("any-message").await, vec![RuleResult::Ok]);
    assert_eq!(r.w.store.message_reads(), 0, "no enabled rule matches on the text: nothing is read back");

    let tag = vec![Action::AddTag { tag: "pricing".into() }];
    r.add(rule("price-live", Trigger::Keyword { keywords: vec!["price".into()] }, vec![], tag)).await;
    r.w.clock.advance_ms(60_000);
    r.w.customer_says("15550001111", "wamid.R2", "and the price of the red one?").await;
    r.publish_from(seen).await;
    assert_eq!(r.w.store.message_reads(), 1, "one read for the one message a keyword rule needs");
    assert_eq!(r.log_results("price-live").await, vec![RuleResult::Ok]);
}

#[tokio::test]
async fn a_button_payload_condition_reads_the_tap_back_though_the_trigger_needs_nothing_more() {
    // The trigger (any message) matches on the event alone; the condition
    // needs the tapped payload the event leaves out.
    let r = rig();
    let interested = vec![Condition::ButtonPayload { payload: "INTERESTED_PUMP".into() }];
    let tag = vec![Action::AddTag { tag: "pump-lead".into() }];
    r.add(rule("pump", Trigger::MessageReceived { first_only: false }, interested, tag)).await;
    let tap = |wamid: &str, payload: &str| crate::domain::message::InboundMessage {
        type_name: "button".into(),
        content: crate::domain::MessageContent::Button {
            payload: Some(payload.into()),
            text: Some("Interested".into()),
        },
        ..crate::app::tests::fixture::inbound("919800000001", wamid, "", r.w.clock_now())
    };
    let other = tap("wamid.T1", "ASK_QUESTION");
    let contact = match crate::ports::InboundStore::record_inbound(&*r.w.store, &other).await.unwrap() {
        crate::ports::Recorded::New(contact) => contact,
        crate::ports::Recorded::Duplicate => unreachable!("stored once"),
    };
    let seen = r.publish_from(0).await;
    assert!(r.w.store.contact(&contact).await.unwrap().unwrap().tags.is_empty(), "another button");
    r.w.clock.advance_ms(1_000);
    crate::ports::InboundStore::record_inbound(&*r.w.store, &tap("wamid.T2", "INTERESTED_PUMP")).await.unwrap();
    r.publish_from(seen).await;
    assert_eq!(r.w.store.contact(&contact).await.unwrap().unwrap().tags, vec!["pump-lead".to_owned()]);
}
