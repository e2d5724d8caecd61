use super::fixture::{World, T0};
use crate::app::send_message::{RetryError, SendCommand, SendError};
use crate::domain::outbound::{OutboundContent, SendRefusal};
use crate::domain::template::{Category, Template};
use crate::domain::{ContactId, DeliveryStatus, Millis};
use crate::ports::{ConversationStore, OutboxStore, PageRequest, TemplateCatalog};

fn text(contact: &ContactId, body: &str, key: Option<&str>) -> SendCommand {
    SendCommand {
        contact: contact.clone(),
        content: OutboundContent::Text { text: body.into() },
        reply_to: None,
        idempotency_key: key.map(str::to_owned),
        actor: "agent@shop.test".into(),
    }
}

fn template(contact: &ContactId, name: &str) -> SendCommand {
    SendCommand {
        content: OutboundContent::Template {
            name: name.into(),
            language: "en_US".into(),
            params: vec![],
            inputs: Default::default(),
        },
        ..text(contact, "", None)
    }
}

async fn catalog(w: &World, name: &str, category: Category) {
    let t = Template::body_only(name, "en_US", category, "APPROVED", "Hello");
    w.store.put_templates(&[t]).await.unwrap();
}

#[tokio::test]
async fn a_text_inside_the_window_is_stored_queued_enqueued_and_audited() {
    let w = World::new();
    let contact = w.customer_says("15550001111", "wamid.in1", "hello").await;
    let queued = w.send_message().send(text(&contact, "hi there", None)).await.unwrap();
    assert!(!queued.replayed);
    assert!(queued.estimate.is_some());
    assert_eq!(w.queue.enqueued().len(), 1);
    assert_eq!(w.queue.enqueued()[0].contact, contact);
    let timeline = w.store.timeline(&contact, &PageRequest::default()).await.unwrap().items;
    let sent = timeline.iter().find(|m| m.id == queued.id).unwrap();
    assert_eq!(sent.status, Some(DeliveryStatus::Queued));
    assert_eq!(sent.text.as_deref(), Some("hi there"));
    let audit = w.store.audit_lines();
    assert_eq!(audit.last().map(|a| a.action.as_str()), Some("send"));
}

#[tokio::test]
async fn a_text_after_the_window_closed_is_refused_and_nothing_is_queued() {
    let w = World::new();
    let contact = w.customer_says("15550001111", "wamid.in1", "hello").await;
    w.clock.set(Millis(T0.0 + 25 * 3_600_000));
    let err = w.send_message().send(text(&contact, "too late", None)).await.unwrap_err();
    assert!(matches!(err, SendError::Refused(SendRefusal::WindowClosed { .. })), "{err:?}");
    assert!(w.queue.enqueued().is_empty());
    let timeline = w.store.timeline(&contact, &PageRequest::default()).await.unwrap().items;
    assert_eq!(timeline.len(), 1, "only the customer's message");
}

#[tokio::test]
async fn templates_must_exist_and_marketing_respects_the_opt_out() {
    let w = World::new();
    let contact = w.customer_says("15550001111", "wamid.in1", "hello").await;
    let audit = crate::domain::AuditEntry {
        at: T0,
        actor: "agent@shop.test".into(),
        action: "opt_out".into(),
        contact: Some(contact.clone()),
        detail: "{}".into(),
    };
    assert!(crate::ports::ConsentStore::set_opt_out(&*w.store, &contact, true, &audit).await.unwrap());
    let send = w.send_message();
    let err = send.send(template(&contact, "nope")).await.unwrap_err();
    assert!(matches!(err, SendError::Refused(SendRefusal::UnknownTemplate(_))), "{err:?}");
    catalog(&w, "promo", Category::Marketing).await;
    let err = send.send(template(&contact, "promo")).await.unwrap_err();
    assert!(matches!(err, SendError::Refused(SendRefusal::OptedOut)), "{err:?}");
    catalog(&w, "order_update", Category::Utility).await;
    w.clock.set(Millis(T0.0 + 48 * 3_600_000));
    send.send(template(&contact, "order_update")).await.expect("a utility template goes out of the window");
    assert_eq!(w.queue.enqueued().len(), 1);
}

#[tokio::test]
async fn the_same_idempotency_key_replays_the_first_send() {
    let w = World::new();
    let contact = w.customer_says("15550001111", "wamid.in1", "hello").await;
    let send = w.send_message();
    let first = send.send(text(&contact, "once", Some("key-1"))).await.unwrap();
    let again = send.send(text(&contact, "once", Some("key-1"))).await.unwrap();
    assert!(again.replayed);
    assert_eq!(again.id, first.id);
    assert_eq!(again.estimate, None);
    assert_eq!(w.queue.enqueued().len(), 1, "the replay enqueues nothing");
    let outbound = w.store.timeline(&contact, &PageRequest::default()).await.unwrap().items;
    assert_eq!(outbound.len(), 2, "one inbound, one outbound");
}

#[tokio::test]
async fn an_unknown_contact_is_not_found_and_a_failed_enqueue_still_queues() {
    let w = World::new();
    let contact = w.customer_says("15550001111", "wamid.in1", "hello").await;
    let stranger = ContactId::parse("0123456789abcdef01234567").unwrap();
    assert!(matches!(w.send_message().send(text(&stranger, "hi", None)).await, Err(SendError::NotFound)));
    w.queue.fail(true);
    let queued = w.send_message().send(text(&contact, "hi", None)).await.unwrap();
    let timeline = w.store.timeline(&contact, &PageRequest::default()).await.unwrap().items;
    assert!(timeline.iter().any(|m| m.id == queued.id && m.status == Some(DeliveryStatus::Queued)));
}

#[tokio::test]
async fn an_idempotency_key_reused_for_another_body_is_refused() {
    let w = World::new();
    let contact = w.customer_says("15550001111", "wamid.in1", "hello").await;
    let send = w.send_message();
    send.send(text(&contact, "once", Some("key-1"))).await.unwrap();
    let err = send.send(text(&contact, "something else", Some("key-1"))).await.unwrap_err();
    assert!(matches!(err, SendError::KeyReused), "{err:?}");
    assert_eq!(w.queue.enqueued().len(), 1);
}

#[tokio::test]
async fn an_unknown_outcome_is_retried_only_after_the_status_grace_period() {
    let w = World::new();
    let contact = w.customer_says("15550001111", "wamid.in1", "hello").await;
    let send = w.send_message();
    send.send(text(&contact, "did it go?", None)).await.unwrap();
    let message = w.queue.enqueued().remove(0);
    assert!(matches!(send.retry(&message).await, Err(RetryError::NotRetryable)), "a queued message");
    w.store.claim(&message).await.unwrap().unwrap();
    w.store.mark_unknown(&message).await.unwrap();
    let err = send.retry(&message).await.unwrap_err();
    assert!(matches!(err, RetryError::TooSoon { retry_after } if retry_after.0 == T0.0 + 10 * 60_000), "{err:?}");
    assert_eq!(w.queue.enqueued().len(), 1, "nothing queued while Meta may still report");
    w.clock.set(Millis(T0.0 + 10 * 60_000));
    send.retry(&message).await.unwrap();
    assert_eq!(w.queue.enqueued().len(), 2);
    let standing = w.store.outbound(&message).await.unwrap().unwrap();
    assert_eq!((standing.status, standing.outcome_unknown), (DeliveryStatus::Queued, false));
}

#[tokio::test]
async fn the_first_answer_on_an_unassigned_conversation_is_credited_to_who_answered() {
    use crate::app::business_calendar::BusinessCalendar;
    use crate::app::reports::Reports;
    use crate::domain::Role;
    let w = World::new();
    let boss = w.teammate("boss@shop.test", Role::Manager).await;
    let unowned = w.customer_says("15550001111", "wamid.1", "hi").await;
    let automated = w.customer_says("15550002222", "wamid.2", "hello").await;
    let send = w.send_message();
    w.clock.advance_ms(60_000);
    send.send(text(&unowned, "Hello!", None)).await.unwrap();
    // Nobody to credit: an answer sent by the system stays unassigned.
    send.send(SendCommand { actor: "system".into(), ..text(&automated, "We are closed", None) }).await.unwrap();
    let reports = Reports::new(w.store.clone(), w.clock.clone(), 15, BusinessCalendar::new(w.store.clone()));
    let (by_agent, _) = reports.first_response(&boss, "2000-01-01", "2100-01-01").await.unwrap();
    let credited: Vec<(&str, u64)> = by_agent.iter().map(|r| (r.key.as_str(), r.answered)).collect();
    assert_eq!(credited, [("agent@shop.test", 1), ("unassigned", 1)]);
}

/// Meta's `message_template_status_update` for `name` (en_US), sent at `seconds`.
fn template_status(name: &str, event: &str, title: Option<&str>, seconds: i64) -> Vec<u8> {
    let mut value = serde_json::json!({"event": event, "message_template_id": 1689556908129832_i64,
        "message_template_name": name, "message_template_language": "en_US", "reason": "NONE",
        "message_template_category": "MARKETING"});
    if let Some(title) = title {
        value["other_info"] = serde_json::json!({"title": title,
            "description": "Your WhatsApp message template has been paused for 3 hours because of low quality."});
    }
    serde_json::json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "time": seconds,
        "changes": [{"field": "message_template_status_update", "value": value}]}]})
    .to_string()
    .into_bytes()
}

#[tokio::test]
async fn a_template_meta_paused_is_refused_before_sending_with_meta_s_reason_until_the_pause_lifts() {
    let w = World::new();
    let contact = w.customer_says("15550001111", "wamid.in1", "hello").await;
    catalog(&w, "diwali_offer", Category::Marketing).await;
    let ingest =
        crate::app::IngestWebhook::new(crate::app::IngestStores::over(w.store.clone()), w.clock.clone(), "secret");
    let post = |body: Vec<u8>| {
        let ingest = &ingest;
        async move { ingest.handle(&body, Some(&crate::whatsapp::sign(b"secret", &body))).await.unwrap() }
    };
    let paused = post(template_status("diwali_offer", "PAUSED", Some("FIRST_PAUSE"), 1_700_000_100)).await;
    assert_eq!(paused.template_statuses, 1);
    let err = w.send_message().send(template(&contact, "diwali_offer")).await.unwrap_err();
    let SendError::Refused(refusal @ SendRefusal::NotApproved { .. }) = &err else { panic!("refused: {err:?}") };
    assert!(refusal.to_string().contains("PAUSED") && refusal.to_string().contains("low quality"), "{refusal}");
    assert!(w.queue.enqueued().is_empty(), "nothing reaches Meta");

    post(template_status("diwali_offer", "PAUSED", Some("UNPAUSE"), 1_700_000_300)).await;
    // A pause sent before the unpause, arriving after it, changes nothing.
    let late = post(template_status("diwali_offer", "PAUSED", Some("SECOND_PAUSE"), 1_700_000_200)).await;
    assert_eq!(late.template_statuses, 0);
    w.send_message().send(template(&contact, "diwali_offer")).await.unwrap();
    assert_eq!(w.queue.enqueued().len(), 1);
    // A template the catalog does not hold yet waits for the next sync.
    let unknown = post(template_status("not_synced_yet", "APPROVED", None, 1_700_000_400)).await;
    assert_eq!(unknown.template_statuses, 0);
}

/// Two accounts may each hold a template of the same name: Meta's status
/// names the account (the entry's id), and only that account's is changed.
#[tokio::test]
async fn a_template_status_changes_only_the_account_it_names() {
    let w = World::new();
    let own = Template::body_only("diwali_offer", "en_US", Category::Marketing, "APPROVED", "Own offer");
    let other = own.clone().in_account(Some("700"));
    w.store.put_templates(&[own, other]).await.unwrap();
    let ingest =
        crate::app::IngestWebhook::new(crate::app::IngestStores::over(w.store.clone()), w.clock.clone(), "secret")
            .with_own_account("102290129340398");
    let post = |body: Vec<u8>| {
        let ingest = &ingest;
        async move { ingest.handle(&body, Some(&crate::whatsapp::sign(b"secret", &body))).await.unwrap() }
    };
    let of_account = |waba: &str, seconds| {
        let body = String::from_utf8(template_status("diwali_offer", "PAUSED", Some("FIRST_PAUSE"), seconds)).unwrap();
        body.replace("102290129340398", waba).into_bytes()
    };
    let statuses = |templates: Vec<Template>| {
        let mut s: Vec<(Option<String>, String)> = templates.into_iter().map(|t| (t.waba_id, t.status)).collect();
        s.sort();
        s
    };
    assert_eq!(post(of_account("700", 1_700_000_100)).await.template_statuses, 1);
    let after = statuses(w.store.list_templates().await.unwrap());
    assert_eq!(after, [(None, "APPROVED".to_owned()), (Some("700".to_owned()), "PAUSED".to_owned())]);
    assert_eq!(post(of_account("102290129340398", 1_700_000_200)).await.template_statuses, 1);
    let after = statuses(w.store.list_templates().await.unwrap());
    assert_eq!(after, [(None, "PAUSED".to_owned()), (Some("700".to_owned()), "PAUSED".to_owned())]);
    // An account nobody synced is not the own one's.
    assert_eq!(post(of_account("800", 1_700_000_300)).await.template_statuses, 0);
}
