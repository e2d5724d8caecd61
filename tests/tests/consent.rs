//! Consent on the real table: a customer's STOP (in their language) opts
//! them out and is confirmed once, however the event is delivered; strict
//! mode holds marketing back until an opt-in is on record; a lead's form
//! consent, and an opt-out, survive a merge.

use parley::domain::consent::{Consent, ConsentCategory, ConsentMethod};
use parley::domain::{AuditEntry, ContactId, Millis};
use parley::ports::{ConsentStore, KeywordApplied, KeywordChange};
use parley_e2e::TestStack;
use serde_json::{json, Value};

const BUSINESS_NUMBER: &str = "106540352242922";

fn audit(contact: &ContactId) -> AuditEntry {
    AuditEntry {
        at: Millis(1),
        actor: "customer".into(),
        action: "opt_out".into(),
        contact: Some(contact.clone()),
        detail: "{}".into(),
    }
}

async fn contact_of(t: &TestStack, cookie: &str, phone: &str) -> String {
    let contacts = t.contacts(cookie).await;
    let found = contacts.iter().find(|c| c["phone"] == phone).unwrap_or_else(|| panic!("{phone} in {contacts:?}"));
    found["id"].as_str().unwrap().to_owned()
}

fn offer() -> Value {
    json!({"type": "template", "template": {"name": "diwali_sale", "language": "en_US", "params": ["Asha"]}})
}

#[tokio::test]
async fn a_stop_in_hindi_opts_out_once_and_is_confirmed_once_in_hindi() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    t.customer_says("919800000001", "Asha", "नमस्ते").await;
    let contact = contact_of(&t, &admin, "+919800000001").await;
    let first = t.contact_once(&admin, &contact, |c| c["consent"]["method"] == "inbound_message").await;
    assert_eq!(first["consent"]["categories"], json!(["utility"]), "writing first is consent to updates only");

    t.customer_says("919800000001", "Asha", "रोकें।").await;
    t.contact_once(&admin, &contact, |c| c["opted_out"] == true).await;
    t.customer_says("919800000001", "Asha", "रोकें").await;
    // Both keyword messages have been through the events function once the
    // confirmation is out and a later message has been stored behind them.
    let mut replies = Vec::new();
    for _ in 0..600 {
        replies = t.timeline(&admin, &contact).await.into_iter().filter(|m| m["direction"] == "out").collect();
        if !replies.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    t.customer_says("919800000001", "Asha", "ok").await;
    let settled = t.timeline(&admin, &contact).await;
    let out: Vec<&Value> = settled.iter().filter(|m| m["direction"] == "out").collect();
    assert_eq!(out.len(), 1, "one confirmation for two STOPs: {settled:?}");
    assert!(out[0]["text"].as_str().unwrap().starts_with("अब आपको"), "{}", out[0]);
    assert_eq!(replies.len(), 1);
}

#[tokio::test]
async fn a_keyword_applies_once_per_standing_and_again_only_for_the_same_event() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    t.customer_says("919800000002", "Ravi", "hi").await;
    let id = ContactId::parse(&contact_of(&t, &admin, "+919800000002").await).unwrap();
    let store = &t.stack.store;
    // Two different STOP messages handled at once: exactly one changes it.
    let line = audit(&id);
    let (a, b) = tokio::join!(
        store.apply_keyword(&id, &KeywordChange::OptOut, "message.received:w1", &line),
        store.apply_keyword(&id, &KeywordChange::OptOut, "message.received:w2", &line),
    );
    let outcomes = [a.unwrap(), b.unwrap()];
    assert_eq!(outcomes.iter().filter(|o| **o == KeywordApplied::Changed).count(), 1, "{outcomes:?}");
    let winner = if outcomes[0] == KeywordApplied::Changed { "message.received:w1" } else { "message.received:w2" };
    // Its redelivery is owed the reply again (its idempotency key dedupes it).
    assert_eq!(
        store.apply_keyword(&id, &KeywordChange::OptOut, winner, &audit(&id)).await.unwrap(),
        KeywordApplied::Changed
    );

    let start = Consent::new(Millis(5), ConsentMethod::Keyword, [ConsentCategory::Marketing, ConsentCategory::Utility]);
    let opt_in = KeywordChange::OptIn(start);
    assert_eq!(
        store.apply_keyword(&id, &opt_in, "message.received:w3", &audit(&id)).await.unwrap(),
        KeywordApplied::Changed
    );
    assert_eq!(
        store.apply_keyword(&id, &opt_in, "message.received:w4", &audit(&id)).await.unwrap(),
        KeywordApplied::Unchanged
    );
    let contact = t.get(&admin, &format!("/api/contacts/{id}")).await.1;
    assert_eq!(contact["opted_out"], false);
    assert_eq!(contact["consent"]["method"], "keyword");

    let (status, _) = t.request(&admin, "DELETE", &format!("/api/contacts/{id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(
        store.apply_keyword(&id, &KeywordChange::OptOut, "message.received:w5", &audit(&id)).await.unwrap(),
        KeywordApplied::NoContact,
        "an erased contact is not brought back by a late keyword"
    );
}

#[tokio::test]
async fn strict_mode_holds_marketing_until_an_opt_in_is_recorded_and_a_lead_form_records_one() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let (status, body) = t.post(&admin, "/api/templates/sync", &json!({}), None).await;
    assert_eq!(status, 200, "{body}");
    t.customer_says("919800000003", "Asha", "hello").await;
    let contact = contact_of(&t, &admin, "+919800000003").await;
    let (status, settings) = t.get(&admin, "/api/business/consent").await;
    assert_eq!((status, &settings["strict"], &settings["configured"]), (200, &json!(false), &json!(false)));

    let mut strict = settings.clone();
    strict["strict"] = json!(true);
    strict.as_object_mut().unwrap().remove("configured");
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let (status, _) = t.request(&agent, "PUT", "/api/business/consent", Some(&strict)).await;
    assert_eq!(status, 403, "agents do not change the consent settings");
    let mut clash = strict.clone();
    clash["languages"][0]["opt_in"] = json!(["STOP"]);
    let (status, body) = t.request(&admin, "PUT", "/api/business/consent", Some(&clash)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid")), "{body}");
    let (status, saved) = t.request(&admin, "PUT", "/api/business/consent", Some(&strict)).await;
    assert_eq!((status, &saved["strict"]), (200, &json!(true)), "{saved}");

    let send = format!("/api/contacts/{contact}/messages");
    let (status, refused) = t.post(&admin, &send, &offer(), None).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("no_marketing_consent")), "{refused}");
    let consent = format!("/api/contacts/{contact}/consent");
    let (status, body) =
        t.post(&admin, &consent, &json!({"method": "keyword", "categories": ["marketing"]}), None).await;
    assert_eq!(status, 422, "{body}");
    let (status, recorded) =
        t.post(&admin, &consent, &json!({"method": "staff", "categories": ["marketing", "utility"]}), None).await;
    assert_eq!(status, 200, "{recorded}");
    assert_eq!(recorded["method"], "staff");
    let (status, queued) = t.post(&admin, &send, &offer(), None).await;
    assert_eq!(status, 202, "{queued}");

    let profile = json!({"name": "Asha Textiles", "country": "IN", "currency": "INR",
        "time_zone": "Asia/Kolkata", "phone_number_id": BUSINESS_NUMBER});
    assert_eq!(t.request(&admin, "PUT", "/api/business", Some(&profile)).await.0, 200);
    let lead = json!({"phone": "98000 00004", "name": "Meena", "consent": ["marketing"]});
    let (status, body) =
        t.post(&admin, "/api/contacts", &json!({"phone": "9800000005", "consent": ["spam"]}), None).await;
    assert_eq!(status, 422, "{body}");
    assert!(t.contacts(&admin).await.iter().all(|c| c["phone"] != "+919800000005"), "a refused lead adds nothing");
    let (status, added) = t.post(&admin, "/api/contacts", &lead, None).await;
    assert_eq!(status, 201, "{added}");
    assert_eq!(
        (added["consent"]["method"].as_str(), &added["consent"]["categories"]),
        (Some("form"), &json!(["marketing"]))
    );
    let (status, again) = t.post(&admin, "/api/contacts", &lead, None).await;
    assert_eq!((status, &again["consent"]["at"]), (200, &added["consent"]["at"]), "a retried lead records nothing new");
    let (status, queued) =
        t.post(&admin, &format!("/api/contacts/{}/messages", added["id"].as_str().unwrap()), &offer(), None).await;
    assert_eq!(status, 202, "{queued}");
}

#[tokio::test]
async fn an_opt_out_on_either_record_holds_for_the_merged_contact() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    t.customer_says("919800000006", "Asha", "hi").await;
    t.customer_says("919800000007", "Asha (work)", "hello").await;
    let into = contact_of(&t, &admin, "+919800000006").await;
    let from = contact_of(&t, &admin, "+919800000007").await;
    let (status, _) = t.post(&admin, &format!("/api/contacts/{from}/opt_out"), &json!({"opted_out": true}), None).await;
    assert_eq!(status, 200);
    let (status, merged) = t.post(&admin, &format!("/api/contacts/{into}/merge"), &json!({"from": from}), None).await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!(merged["opted_out"], true, "{merged}");
    assert_eq!(merged["consent"]["method"], "inbound_message");
}
