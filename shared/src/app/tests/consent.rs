use super::fixture::{session, World};
use crate::app::consent::{ConsentError, Consents};
use crate::app::consent_keywords::ConsentKeywords;
use crate::app::reactions::Reaction;
use crate::app::send_message::{SendCommand, SendError};
use crate::domain::consent::{ConsentCategory, ConsentMethod};
use crate::domain::consent_policy::{ConsentPolicy, KeywordLanguage};
use crate::domain::outbound::{OutboundContent, SendRefusal};
use crate::domain::template::{Category, Template};
use crate::domain::{ContactId, Direction, Event, EventKind, Millis, Role};
use crate::ports::{ConversationStore, PageRequest, TemplateCatalog};
use std::sync::Arc;

fn keywords(w: &World) -> ConsentKeywords {
    let s = w.store.clone();
    ConsentKeywords::new(s.clone(), s.clone(), s.clone(), Arc::new(w.send_message()))
}

fn consents(w: &World) -> Consents {
    Consents::new(w.store.clone(), w.store.clone(), w.clock.clone())
}

/// The `message.received` event the store published for `wamid`.
fn received(w: &World, wamid: &str) -> Event {
    let id = format!("message.received:{wamid}");
    w.store.events().into_iter().find(|e| e.kind == EventKind::MessageReceived && e.id == id).expect("published")
}

/// The texts the business sent the contact, oldest first.
async fn replies(w: &World, contact: &ContactId) -> Vec<String> {
    let timeline = w.store.timeline(contact, &PageRequest::default()).await.unwrap().items;
    timeline.into_iter().filter(|m| m.direction == Direction::Out).filter_map(|m| m.text).collect()
}

async fn says(w: &World, reaction: &ConsentKeywords, wa_id: &str, wamid: &str, text: &str) -> ContactId {
    // A minute between messages, so the timeline orders them.
    w.clock.set(Millis(w.clock_now().0 + 60_000));
    let contact = w.customer_says(wa_id, wamid, text).await;
    reaction.react(&received(w, wamid)).await.unwrap();
    contact
}

fn promo(contact: &ContactId) -> SendCommand {
    SendCommand {
        contact: contact.clone(),
        content: OutboundContent::Template {
            name: "diwali_offer".into(),
            language: "en_US".into(),
            params: vec![],
            inputs: Default::default(),
        },
        reply_to: None,
        idempotency_key: None,
        actor: "owner@shop.test".into(),
    }
}

async fn offer_template(w: &World) {
    let offer = Template::body_only("diwali_offer", "en_US", Category::Marketing, "APPROVED", "Diwali: 20% off");
    w.store.put_templates(&[offer]).await.unwrap();
}

#[tokio::test]
async fn stop_opts_out_and_is_confirmed_once_however_often_it_is_delivered_or_repeated() {
    let w = World::new();
    let reaction = keywords(&w);
    let contact = says(&w, &reaction, "919800000001", "wamid.stop", " Stop. ").await;
    let record = w.store.contact(&contact).await.unwrap().unwrap();
    assert!(record.opted_out);
    let sent = replies(&w, &contact).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].starts_with("You will not receive offers"), "{}", sent[0]);

    // Lambda delivers the same event again (a retried batch).
    reaction.react(&received(&w, "wamid.stop")).await.unwrap();
    // The customer, unsure, says it again.
    says(&w, &reaction, "919800000001", "wamid.stop2", "STOP").await;
    assert_eq!(replies(&w, &contact).await.len(), 1, "one confirmation");
    assert_eq!(w.queue.enqueued().len(), 1);
    let audit = w.store.audit_lines();
    assert_eq!(audit.iter().filter(|a| a.action == "opt_out" && a.actor == "customer").count(), 1);
}

#[tokio::test]
async fn the_reply_is_in_the_language_of_the_keyword_and_start_opts_back_in_with_a_keyword_consent() {
    let w = World::new();
    let reaction = keywords(&w);
    let contact = says(&w, &reaction, "919800000002", "wamid.hi", "रोकें").await;
    assert!(w.store.contact(&contact).await.unwrap().unwrap().opted_out);
    says(&w, &reaction, "919800000002", "wamid.start", "start").await;
    let record = w.store.contact(&contact).await.unwrap().unwrap();
    assert!(!record.opted_out);
    let consent = record.consent.expect("recorded");
    assert_eq!(consent.method, ConsentMethod::Keyword);
    assert_eq!(consent.categories, vec![ConsentCategory::Marketing, ConsentCategory::Utility]);
    let sent = replies(&w, &contact).await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent[0].starts_with("अब आपको"), "{}", sent[0]);
    assert!(sent[1].starts_with("Welcome back"), "{}", sent[1]);
}

#[tokio::test]
async fn a_longer_message_that_mentions_stop_changes_nothing() {
    let w = World::new();
    let reaction = keywords(&w);
    let contact = says(&w, &reaction, "919800000003", "wamid.1", "stop the delivery please, I am not home").await;
    let record = w.store.contact(&contact).await.unwrap().unwrap();
    assert!(!record.opted_out);
    assert!(replies(&w, &contact).await.is_empty());
}

#[tokio::test]
async fn a_business_adds_its_own_keywords_and_only_managers_change_them() {
    let w = World::new();
    let uses = consents(&w);
    let mut policy = ConsentPolicy::default();
    policy.languages.push(KeywordLanguage {
        language: "sw".into(),
        opt_out: vec!["SIMAMISHA".into()],
        opt_in: vec!["ANZA".into()],
        opt_out_reply: "Hutapokea matangazo yetu tena.".into(),
        opt_in_reply: "Karibu tena!".into(),
    });
    let agent = session("agent@shop.test", Role::Agent);
    assert!(matches!(uses.save_policy(&agent, &policy).await, Err(ConsentError::Forbidden)));
    let manager = session("manager@shop.test", Role::Manager);
    let mut broken = policy.clone();
    broken.languages[4].opt_out.clear();
    assert!(matches!(uses.save_policy(&manager, &broken).await, Err(ConsentError::Invalid(_))));
    uses.save_policy(&manager, &policy).await.unwrap();
    assert_eq!(uses.policy().await.unwrap(), (policy, true));

    let reaction = keywords(&w);
    let contact = says(&w, &reaction, "254700000001", "wamid.sw", "Simamisha").await;
    assert!(w.store.contact(&contact).await.unwrap().unwrap().opted_out);
    assert_eq!(replies(&w, &contact).await, vec!["Hutapokea matangazo yetu tena.".to_owned()]);
}

#[tokio::test]
async fn writing_first_is_consent_to_updates_only_and_strict_mode_needs_a_marketing_opt_in() {
    let w = World::new();
    offer_template(&w).await;
    let contact = w.customer_says("919800000004", "wamid.1", "Do you have sarees?").await;
    let consent = w.store.contact(&contact).await.unwrap().unwrap().consent.expect("recorded");
    assert_eq!((consent.method, consent.categories), (ConsentMethod::InboundMessage, vec![ConsentCategory::Utility]));

    // Meta's minimum: without strict mode an offer goes to whoever has not opted out.
    w.send_message().send(promo(&contact)).await.expect("not strict");
    let manager = session("manager@shop.test", Role::Manager);
    let uses = consents(&w);
    uses.save_policy(&manager, &ConsentPolicy { strict: true, ..ConsentPolicy::default() }).await.unwrap();
    let refused = w.send_message().send(promo(&contact)).await.unwrap_err();
    assert!(matches!(refused, SendError::Refused(SendRefusal::NoMarketingConsent)), "{refused:?}");

    let agent = session("agent@shop.test", Role::Agent);
    uses.record(&agent, &contact, ConsentMethod::Staff, &["marketing".into()]).await.unwrap();
    w.send_message().send(promo(&contact)).await.expect("opted in");
    let audit = w.store.audit_lines();
    assert!(audit.iter().any(|a| a.action == "opt_in" && a.actor == "agent@shop.test"));

    // An opt-out still wins over the opt-in on record.
    let reaction = keywords(&w);
    says(&w, &reaction, "919800000004", "wamid.2", "UNSUBSCRIBE").await;
    let refused = w.send_message().send(promo(&contact)).await.unwrap_err();
    assert!(matches!(refused, SendError::Refused(SendRefusal::OptedOut)), "{refused:?}");
}

#[tokio::test]
async fn staff_cannot_claim_a_keyword_opt_in_or_one_to_nothing() {
    let w = World::new();
    let contact = w.customer_says("919800000005", "wamid.1", "hi").await;
    let agent = session("agent@shop.test", Role::Agent);
    let uses = consents(&w);
    let claimed = uses.record(&agent, &contact, ConsentMethod::Keyword, &["marketing".into()]).await;
    assert!(matches!(claimed, Err(ConsentError::Invalid(_))), "{claimed:?}");
    let empty = uses.record(&agent, &contact, ConsentMethod::Staff, &[]).await;
    assert!(matches!(empty, Err(ConsentError::Invalid(_))), "{empty:?}");
    let consent = w.store.contact(&contact).await.unwrap().unwrap().consent.expect("kept");
    assert_eq!(consent.method, ConsentMethod::InboundMessage, "nothing was replaced");
}

#[tokio::test]
async fn a_stop_whose_contact_was_merged_away_before_its_event_came_opts_out_the_survivor_once() {
    let w = World::new();
    let reaction = keywords(&w);
    let survivor = w.customer_says("919800000002", "wamid.other", "hello").await;
    w.clock.set(Millis(w.clock_now().0 + 60_000));
    let merged = w.customer_says("919800000001", "wamid.stop", "STOP").await;
    // Staff merge the two before the events function gets to the STOP.
    crate::ports::ContactLifecycleStore::merge_contacts(&*w.store, &survivor, &merged).await.unwrap();
    let event = received(&w, "wamid.stop");
    assert_eq!(event.contact_id.as_ref(), Some(&merged), "the event names the merged-away contact");

    reaction.react(&event).await.unwrap();
    reaction.react(&event).await.unwrap();
    assert!(w.store.contact(&survivor).await.unwrap().unwrap().opted_out, "the survivor is opted out");
    let sent = replies(&w, &survivor).await;
    assert_eq!(sent.len(), 1, "confirmed once: {sent:?}");
    assert_eq!(w.queue.enqueued().len(), 1);
}
