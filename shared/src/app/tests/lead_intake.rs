use super::fixture::{session, World, PHONE_NUMBER_ID};
use crate::app::lead_intake::{Credentials, LeadError, LeadIntake, LeadIntakePorts};
use crate::app::lead_sources::{LeadSourceError, LeadSources};
use crate::domain::lead_source::{LeadAuth, LeadOwner, LeadSource};
use crate::domain::webhook_signature::signature_header;
use crate::domain::{BusinessProfile, ContactId, Role};
use crate::ports::{BusinessProfileStore, ConversationStore, DealStore, PageRequest};
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
    }
}

/// A shop with its number set, two available agents and a saved source; its secret.
async fn shop(w: &World, source: LeadSource) -> String {
    let profile = BusinessProfile { phone_number_id: Some(PHONE_NUMBER_ID.into()), ..BusinessProfile::default() };
    let audit = crate::domain::AuditEntry {
        at: w.clock_now(),
        actor: "t".into(),
        action: "t".into(),
        contact: None,
        detail: "{}".into(),
    };
    w.store.save_business_profile(&profile, &audit).await.unwrap();
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
