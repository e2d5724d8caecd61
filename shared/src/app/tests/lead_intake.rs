use super::fixture::{session, World, PHONE_NUMBER_ID};
use crate::app::lead_intake::{Credentials, LeadError, LeadIntake, LeadIntakePorts};
use crate::app::lead_sources::{LeadSourceError, LeadSources};
use crate::domain::lead_source::{LeadAuth, LeadOwner, LeadSource};
use crate::domain::webhook_signature::signature_header;
use crate::domain::{BusinessProfile, ContactId, Role};
use crate::ports::{ConversationStore, DealStore, PageRequest};
use serde_json::json;
use std::collections::BTreeMap;

fn intake(w: &World) -> LeadIntake {
    let s = w.store.clone();
    LeadIntake::new(LeadIntakePorts {
        sources: s.clone(),
        business: s.clone(),
        enrolment: s.clone(),
        contacts: s.clone(),
        records: s.clone(),
        consent: s.clone(),
        deals: s.clone(),
        users: s.clone(),
        inbox: s.clone(),
        clock: w.clock.clone(),
    })
}

fn source(id: &str, auth: LeadAuth, owner: LeadOwner) -> LeadSource {
    LeadSource {
        id: id.into(),
        name: "Website form".into(),
        auth,
        pipeline: "sales".into(),
        stage: None,
        owner,
        tags: vec!["web".into()],
        mapping: BTreeMap::from([("phone".into(), "mobile".into())]),
        flow: None,
    }
}

/// A shop with its number set, two available agents and a saved source; its secret.
async fn shop(w: &World, source: LeadSource) -> String {
    let profile = BusinessProfile { phone_number_id: Some(PHONE_NUMBER_ID.into()), ..BusinessProfile::default() };
    w.save_business(&profile).await;
    w.teammate("ravi@shop.test", Role::Agent).await;
    w.teammate("sita@shop.test", Role::Agent).await;
    let sources = LeadSources::new(w.store.clone(), w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone());
    let agent = session("ravi@shop.test", Role::Agent);
    assert!(matches!(sources.save(&agent, source.clone(), false).await, Err(LeadSourceError::Forbidden)));
    let manager = session("manager@shop.test", Role::Manager);
    sources.save(&manager, source, false).await.unwrap().secret
}

fn bearer(token: &str) -> Credentials {
    Credentials { signature: None, bearer: Some(token.into()) }
}

async fn deals_of(w: &World, contact: &ContactId) -> usize {
    w.store.contact_deals(contact, &PageRequest::default()).await.unwrap().items.len()
}

#[tokio::test]
async fn a_lead_lands_once_however_often_it_is_posted() {
    let w = World::new();
    let token = shop(&w, source("expo", LeadAuth::Bearer, LeadOwner::Unassigned)).await;
    let body = serde_json::to_vec(&json!({"lead_id": "E-1", "mobile": "098200 12345", "name": "Meena"})).unwrap();
    let refused = intake(&w).receive("expo", &bearer("guess"), &body).await;
    assert!(matches!(refused, Err(LeadError::Unauthorized)), "{refused:?}");
    assert!(w.store.events().is_empty(), "a refused post stores nothing");

    let first = intake(&w).receive("expo", &bearer(&token), &body).await.unwrap();
    assert!(first.created);
    let again = intake(&w).receive("expo", &bearer(&token), &body).await.unwrap();
    assert_eq!((again.created, &again.contact, &again.deal), (false, &first.contact, &first.deal));
    assert_eq!(deals_of(&w, &first.contact).await, 1);
    let contact = w.store.contact(&first.contact).await.unwrap().unwrap();
    assert_eq!(contact.phone().as_deref(), Some("+919820012345"));
    assert_eq!(contact.tags, vec!["web".to_owned()]);
    assert_eq!(contact.fields.get("source").map(String::as_str), Some("expo"));
    let deal = w.store.deal(&first.deal).await.unwrap().unwrap();
    assert_eq!(
        (deal.pipeline.as_str(), deal.stage.as_str(), deal.title.as_str()),
        ("sales", "enquiry", "Meena · Website form")
    );
    let created = w.store.events().into_iter().filter(|e| e.kind == crate::domain::EventKind::ContactCreated).count();
    assert_eq!(created, 1, "one contact.created, with the source, for the new-lead rules");
}

#[tokio::test]
async fn signed_leads_go_to_the_agents_in_turn_and_an_old_signature_is_refused() {
    let w = World::new();
    let secret = shop(&w, source("website", LeadAuth::Hmac, LeadOwner::RoundRobin)).await;
    let now = w.clock_now().0 / 1000;
    let mut owners = Vec::new();
    for (id, mobile) in [("W-1", "9820000001"), ("W-2", "9820000002")] {
        let body = serde_json::to_vec(&json!({"lead_id": id, "mobile": mobile})).unwrap();
        let signed = Credentials { signature: Some(signature_header(&secret, now, &body)), bearer: None };
        let outcome = intake(&w).receive("website", &signed, &body).await.unwrap();
        owners.push(w.store.contact(&outcome.contact).await.unwrap().unwrap().conversation.owner);
    }
    owners.sort();
    assert_eq!(owners, vec![Some("ravi@shop.test".to_owned()), Some("sita@shop.test".to_owned())]);

    let body = serde_json::to_vec(&json!({"lead_id": "W-3", "mobile": "9820000003"})).unwrap();
    let stale = Credentials { signature: Some(signature_header(&secret, now - 600, &body)), bearer: None };
    assert!(matches!(intake(&w).receive("website", &stale, &body).await, Err(LeadError::Unauthorized)));
}

#[tokio::test]
async fn a_lead_without_a_phone_or_with_a_bad_one_stores_nothing() {
    let w = World::new();
    let token = shop(&w, source("expo", LeadAuth::Bearer, LeadOwner::Unassigned)).await;
    let missing = serde_json::to_vec(&json!({"lead_id": "E-2", "name": "No phone"})).unwrap();
    let refused = intake(&w).receive("expo", &bearer(&token), &missing).await;
    assert!(matches!(refused, Err(LeadError::NotALead(_))), "{refused:?}");
    let bad = serde_json::to_vec(&json!({"lead_id": "E-3", "mobile": "call me"})).unwrap();
    let refused = intake(&w).receive("expo", &bearer(&token), &bad).await;
    assert!(matches!(refused, Err(LeadError::Invalid(_))), "{refused:?}");
    assert!(w.store.events().is_empty());
}

/// The customer's completed Flow, through the webhook use case.
async fn completes_flow(w: &World, wamid: &str, token: &str) {
    let answers = serde_json::Map::from_iter([
        ("full_name".to_owned(), json!("Meera Iyer")),
        ("city".to_owned(), json!("Pune")),
        ("sizes".to_owned(), json!(["M", "L"])),
    ]);
    let mut response = answers.clone();
    response.insert("flow_token".into(), json!(token));
    let reply =
        json!({"name": "flow", "body": "Sent", "response_json": serde_json::Value::Object(response).to_string()});
    let message = json!({"from": "919812300001", "id": wamid, "timestamp": "1700000000", "type": "interactive",
        "interactive": {"type": "nfm_reply", "nfm_reply": reply}});
    let value = json!({"messaging_product": "whatsapp", "metadata": {"display_phone_number": "1", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": "Meera"}, "wa_id": "919812300001"}], "messages": [message]});
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}]}).to_string();
    let ingest = crate::app::IngestWebhook::new(crate::app::IngestStores::over(w.store.clone()), w.clock.clone(), "s");
    ingest.handle(body.as_bytes(), Some(&crate::whatsapp::sign(b"s", body.as_bytes()))).await.unwrap();
}

#[tokio::test]
async fn a_completed_flow_of_a_flow_source_is_one_lead_with_its_answers_in_the_contact_s_fields() {
    use crate::app::flow_leads::FlowLeads;
    use crate::app::reactions::Reaction;
    let w = World::new();
    let mut kurta =
        source("kurta_form", LeadAuth::WhatsAppFlow, LeadOwner::Teammate { email: "sita@shop.test".into() });
    kurta.mapping = BTreeMap::from([("name".into(), "full_name".into())]);
    shop(&w, kurta).await;
    // Posting to a flow source is refused like a wrong secret.
    let posted = intake(&w).receive("kurta_form", &bearer("anything"), b"{}").await;
    assert!(matches!(posted, Err(LeadError::Unauthorized)));

    completes_flow(&w, "wamid.FLOW1", "kurta_form").await;
    completes_flow(&w, "wamid.OTHER", "no_such_form").await;
    let reaction = FlowLeads::new(w.store.clone(), std::sync::Arc::new(intake(&w)));
    for _ in 0..2 {
        for event in w.store.events() {
            reaction.react(&event).await.unwrap();
        }
    }
    let contact =
        w.store.list_contacts(&PageRequest::default(), None, &Default::default()).await.unwrap().items.remove(0);
    assert_eq!(deals_of(&w, &contact.id).await, 1, "one lead, however often its event comes; none for an unknown form");
    assert_eq!(contact.fields.get("city").map(String::as_str), Some("Pune"), "every answer is a field: {contact:?}");
    assert_eq!(contact.fields.get("sizes").map(String::as_str), Some("M, L"), "a list reads as one line");
    assert!(contact.tags.contains(&"web".to_owned()));
    let deal = w.store.contact_deals(&contact.id, &PageRequest::default()).await.unwrap().items.remove(0);
    assert_eq!(deal.owner.as_deref(), Some("sita@shop.test"));
    assert!(deal.title.starts_with("Meera Iyer"), "the mapping names the answer holding the name: {}", deal.title);
}
