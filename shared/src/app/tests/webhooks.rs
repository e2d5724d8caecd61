//! Outbound webhooks over the in-memory ports: fan-out idempotency, the
//! attempt loop's verdicts, claims, and what only administrators may do.

use crate::app::reactions::Reaction;
use crate::app::webhook_delivery::{AttemptOutcome, DeliverWebhook};
use crate::app::webhook_fanout::WebhookFanout;
use crate::app::webhooks::{NewWebhook, WebhookError, WebhookPatch, Webhooks};
use crate::domain::webhook_signature::verify_signature;
use crate::domain::{AttemptError, DeliveryState, Event, EventKind, Millis, Role, Session, WebhookRetry};
use crate::ports::memory::{ManualClock, MemoryWebhookQueue, MemoryWebhooks, ScriptedPoster};
use crate::ports::{PageRequest, WebhookStore};
use std::sync::Arc;

const NOW: Millis = Millis(1_700_000_000_000);

struct World {
    store: Arc<MemoryWebhooks>,
    queue: Arc<MemoryWebhookQueue>,
    clock: Arc<ManualClock>,
    webhooks: Webhooks,
    fanout: WebhookFanout,
}

fn world() -> World {
    let store = Arc::new(MemoryWebhooks::default());
    let queue = Arc::new(MemoryWebhookQueue::default());
    let clock = Arc::new(ManualClock::at(NOW));
    World {
        webhooks: Webhooks::new(store.clone(), queue.clone(), clock.clone()),
        fanout: WebhookFanout::new(store.clone(), queue.clone()),
        store,
        queue,
        clock,
    }
}

fn session(role: Role) -> Session {
    Session {
        token_hash: "h".into(),
        email: "admin@shop.test".into(),
        role,
        issued_at: NOW,
        expires_at: Millis(NOW.0 + 1),
    }
}

fn hook(kinds: &[&str]) -> NewWebhook {
    NewWebhook {
        name: "CRM".into(),
        url: "https://crm.example/hook".into(),
        kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
        active: true,
    }
}

fn won(id: &str) -> Event {
    Event::new(EventKind::DealStageChanged, id, NOW, serde_json::json!({"deal_id": "d1", "to": "won"}))
}

fn deliver(w: &World, poster: Arc<ScriptedPoster>, max_attempts: u32) -> DeliverWebhook {
    DeliverWebhook::new(
        w.store.clone(),
        poster,
        w.clock.clone(),
        WebhookRetry { max_attempts, base_seconds: 5, max_seconds: 60 },
    )
}

#[tokio::test]
async fn the_fan_out_records_once_per_subscription_and_event_and_requeues_only_untried_ones() {
    let w = world();
    let admin = session(Role::Admin);
    let wanted = w.webhooks.create(&admin, hook(&["deal.stage_changed"])).await.unwrap().subscription;
    let other = w.webhooks.create(&admin, hook(&["task.done"])).await.unwrap().subscription;
    let paused = w.webhooks.create(&admin, hook(&["deal.stage_changed"])).await.unwrap().subscription;
    let patch = WebhookPatch { active: Some(false), ..WebhookPatch::default() };
    w.webhooks.update(&admin, &paused.id, patch).await.unwrap();

    w.fanout.react(&won("e1")).await.unwrap();
    let queued = w.queue.queued();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].0, wanted.id);
    // Republished before any attempt: queued again (the first send may have been lost).
    w.fanout.react(&won("e1")).await.unwrap();
    assert_eq!(w.queue.queued().len(), 2);
    assert_eq!(w.queue.queued()[1], queued[0]);
    // Once an attempt has started, a republish queues nothing.
    deliver(&w, Arc::new(ScriptedPoster::default()), 3).attempt(&queued[0].0, &queued[0].1).await.unwrap();
    w.fanout.react(&won("e1")).await.unwrap();
    assert_eq!(w.queue.queued().len(), 2);
    for id in [&other.id, &paused.id] {
        assert!(w.store.deliveries(id, &PageRequest::default()).await.unwrap().items.is_empty());
    }
}

#[tokio::test]
async fn a_lost_enqueue_is_a_transient_failure_and_the_retry_queues_it() {
    let w = world();
    w.webhooks.create(&session(Role::Admin), hook(&["deal.stage_changed"])).await.unwrap();
    w.queue.fail(true);
    let error = w.fanout.react(&won("e1")).await.unwrap_err();
    assert!(error.is_transient());
    w.queue.fail(false);
    w.fanout.react(&won("e1")).await.unwrap();
    assert_eq!(w.queue.queued().len(), 1);
}

#[tokio::test]
async fn attempts_retry_with_backoff_sign_each_post_and_end_dead_then_redeliver() {
    let w = world();
    let admin = session(Role::Admin);
    let created = w.webhooks.create(&admin, hook(&["deal.stage_changed"])).await.unwrap();
    w.fanout.react(&won("e1")).await.unwrap();
    let (sub, delivery) = w.queue.queued()[0].clone();
    let poster = Arc::new(ScriptedPoster::answering([Ok(500), Err(AttemptError::Timeout), Ok(503)]));
    let deliver = deliver(&w, poster.clone(), 3);

    assert_eq!(deliver.attempt(&sub, &delivery).await.unwrap(), AttemptOutcome::RetryAfter(5));
    w.clock.advance_ms(5_000);
    assert_eq!(deliver.attempt(&sub, &delivery).await.unwrap(), AttemptOutcome::RetryAfter(10));
    w.clock.advance_ms(10_000);
    assert_eq!(deliver.attempt(&sub, &delivery).await.unwrap(), AttemptOutcome::Done);
    let dead = w.store.delivery(&sub, &delivery).await.unwrap().unwrap();
    assert_eq!(dead.state, DeliveryState::Dead);
    let logged: Vec<_> = dead.attempts.iter().map(|a| (a.status, a.error)).collect();
    assert_eq!(logged, vec![(Some(500), None), (None, Some(AttemptError::Timeout)), (Some(503), None)]);
    // A stray queue message for a settled delivery posts nothing.
    assert_eq!(deliver.attempt(&sub, &delivery).await.unwrap(), AttemptOutcome::Done);
    assert_eq!(poster.posted().len(), 3);

    let again = w.webhooks.redeliver(&admin, &sub, &delivery).await.unwrap();
    assert_eq!((again.state, again.tries), (DeliveryState::Pending, 0));
    assert_eq!(deliver.attempt(&sub, &delivery).await.unwrap(), AttemptOutcome::Done);
    assert_eq!(w.store.delivery(&sub, &delivery).await.unwrap().unwrap().state, DeliveryState::Delivered);
    assert!(matches!(w.webhooks.redeliver(&admin, &sub, &delivery).await, Err(WebhookError::NotRedeliverable)));

    let posted = poster.posted();
    for (url, headers, body) in &posted {
        assert_eq!(url, "https://crm.example/hook");
        let signature = headers.iter().find(|(name, _)| *name == "Parley-Signature").map(|(_, v)| v.as_str());
        assert!(verify_signature(
            created.secret.expose(),
            signature.unwrap_or_default(),
            body.as_bytes(),
            NOW.0 / 1000
        ));
        assert!(headers.contains(&("Parley-Event-Id", "e1".to_owned())));
        assert!(headers.contains(&("Parley-Event-Type", "deal.stage_changed".to_owned())));
    }
    assert!(w.store.audit().iter().any(|a| a.action == "webhook_redeliver"));
    assert!(w.store.audit().iter().all(|a| !a.detail.contains(created.secret.expose())), "no secret in the audit");
}

#[tokio::test]
async fn a_4xx_fails_at_once_a_claimed_delivery_is_busy_and_a_deleted_subscription_fails() {
    let w = world();
    let admin = session(Role::Admin);
    let sub = w.webhooks.create(&admin, hook(&["deal.stage_changed"])).await.unwrap().subscription;
    w.fanout.react(&won("e1")).await.unwrap();
    w.fanout.react(&won("e2")).await.unwrap();
    let queued = w.queue.queued();
    let refusing = deliver(&w, Arc::new(ScriptedPoster::answering([Ok(404)])), 5);
    assert_eq!(refusing.attempt(&queued[0].0, &queued[0].1).await.unwrap(), AttemptOutcome::Done);
    let failed = w.store.delivery(&queued[0].0, &queued[0].1).await.unwrap().unwrap();
    assert_eq!((failed.state, failed.attempts.len()), (DeliveryState::Failed, 1));

    // Another attempt holds the second delivery: this one waits out the lease.
    let claim = w.store.claim_delivery(&queued[1].0, &queued[1].1, NOW, Millis(NOW.0 + 30_000)).await.unwrap();
    assert!(matches!(claim, crate::ports::DeliveryClaim::Claimed(_)));
    let poster = Arc::new(ScriptedPoster::default());
    let second = deliver(&w, poster.clone(), 5);
    assert!(matches!(second.attempt(&queued[1].0, &queued[1].1).await.unwrap(), AttemptOutcome::RetryAfter(_)));
    assert!(poster.posted().is_empty());

    w.webhooks.delete(&admin, &sub.id).await.unwrap();
    w.clock.advance_ms(31_000);
    assert_eq!(second.attempt(&queued[1].0, &queued[1].1).await.unwrap(), AttemptOutcome::Done);
    let orphan = w.store.delivery(&queued[1].0, &queued[1].1).await.unwrap().unwrap();
    assert_eq!(orphan.state, DeliveryState::Failed);
    assert_eq!(orphan.attempts.last().and_then(|a| a.error), Some(AttemptError::NoSubscription));
    assert!(poster.posted().is_empty());
}

#[tokio::test]
async fn only_administrators_manage_webhooks() {
    let w = world();
    for role in [Role::Manager, Role::Agent] {
        let who = session(role);
        assert!(matches!(w.webhooks.create(&who, hook(&["deal.created"])).await, Err(WebhookError::Forbidden)));
        assert!(matches!(w.webhooks.list(&who).await, Err(WebhookError::Forbidden)));
    }
    assert!(w.store.webhooks().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_rules_webhook_call_delivers_to_that_subscription_once_even_when_it_also_wants_the_kind() {
    use crate::ports::WebhookCalls;
    let w = world();
    let admin = session(Role::Admin);
    let named = w.webhooks.create(&admin, hook(&["task.done"])).await.unwrap().subscription;
    let also_wants = w.webhooks.create(&admin, hook(&["deal.stage_changed"])).await.unwrap().subscription;

    // The rule names a subscription that did not ask for this kind: it still gets it.
    w.fanout.call(&named.id, &won("e1")).await.unwrap();
    // Through a rule and through the fan-out, the same event reaches a subscription once.
    w.fanout.call(&also_wants.id, &won("e1")).await.unwrap();
    w.fanout.react(&won("e1")).await.unwrap();
    w.fanout.call(&named.id, &won("e1")).await.unwrap();
    // An untried delivery may be queued again (its attempt is claimed once);
    // what matters is one delivery per subscription.
    for sub in [&named.id, &also_wants.id] {
        let recorded = w.store.deliveries(sub, &PageRequest::default()).await.unwrap().items;
        assert_eq!(recorded.len(), 1, "one delivery of the event to {sub}");
        assert!(w.queue.queued().iter().any(|(queued, _)| queued == sub));
    }

    assert!(w.fanout.call("no-such-hook", &won("e2")).await.is_err(), "a deleted webhook is the rule's error");
    w.webhooks.update(&admin, &named.id, WebhookPatch { active: Some(false), ..Default::default() }).await.unwrap();
    assert!(w.fanout.call(&named.id, &won("e3")).await.is_err(), "a paused webhook is the rule's error");
}
