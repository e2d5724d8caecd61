use super::fixture::{session, World, PHONE_NUMBER_ID};
use crate::app::facebook_leads::{FacebookLeads, LeadgenTaken};
use crate::app::indiamart_pull::{IndiaMartPull, Pulled};
use crate::app::lead_intake::{LeadIntake, LeadIntakePorts};
use crate::app::lead_sources::LeadSources;
use crate::domain::facebook_lead::LeadgenNotice;
use crate::domain::indiamart::{IndiaMartAnswer, MIN_INTERVAL_MS};
use crate::domain::lead_feed_status::FeedOutcome;
use crate::domain::lead_source::{LeadAuth, LeadOwner, LeadSource, FACEBOOK_LEAD_ADS, INDIAMART};
use crate::domain::scheduled_job::ScheduledJob;
use crate::domain::{BusinessProfile, Millis, Role};
use crate::ports::memory::MemoryScheduler;
use crate::ports::{ConversationStore, DealStore, FeedError, IndiaMartApi, LeadAdsApi, LeadFeedStore, PageRequest};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// IndiaMART answering from a script, and noting each window asked for.
#[derive(Default)]
struct ScriptedIndiaMart {
    answers: Mutex<VecDeque<Result<IndiaMartAnswer, FeedError>>>,
    windows: Mutex<Vec<(Millis, Millis)>>,
}

#[async_trait::async_trait]
impl IndiaMartApi for ScriptedIndiaMart {
    async fn enquiries(&self, start: Millis, end: Millis) -> Result<IndiaMartAnswer, FeedError> {
        self.windows.lock().unwrap().push((start, end));
        self.answers.lock().unwrap().pop_front().unwrap_or(Ok(IndiaMartAnswer::NoLeads))
    }
}

/// The Graph API knowing one lead.
struct OneLead(Value);

#[async_trait::async_trait]
impl LeadAdsApi for OneLead {
    async fn lead(&self, leadgen_id: &str) -> Result<Value, FeedError> {
        match self.0["id"].as_str() == Some(leadgen_id) {
            true => Ok(self.0.clone()),
            false => Err(FeedError::Refused("HTTP 400: Unsupported get request".into())),
        }
    }
}

fn enquiry(id: &str, mobile: &str) -> Value {
    json!({"lead_id": id, "phone": mobile, "name": "Ravi Kumar", "fields": {"product": "Cotton Sarees"}})
}

async fn shop(w: &World) {
    let profile = BusinessProfile { phone_number_id: Some(PHONE_NUMBER_ID.into()), ..BusinessProfile::default() };
    w.save_business(&profile).await;
    w.teammate("ravi@shop.test", Role::Agent).await;
}

fn intake(w: &World) -> Arc<LeadIntake> {
    Arc::new(LeadIntake::new(LeadIntakePorts::over_store(w.store.clone(), w.clock.clone())))
}

async fn save_indiamart(w: &World, scheduler: &Arc<MemoryScheduler>) {
    let sources = LeadSources::new(w.store.clone(), w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone())
        .with_pulls(scheduler.clone());
    let source = LeadSource {
        id: INDIAMART.into(),
        name: "IndiaMART".into(),
        auth: LeadAuth::IndiaMart,
        pipeline: "sales".into(),
        stage: Some("qualified".into()),
        owner: LeadOwner::Teammate { email: "ravi@shop.test".into() },
        tags: vec!["indiamart".into()],
        mapping: Default::default(),
        flow: None,
    };
    sources.save(&session("manager@shop.test", Role::Manager), source, false).await.unwrap();
}

fn pull(w: &World, api: Option<Arc<ScriptedIndiaMart>>, scheduler: &Arc<MemoryScheduler>) -> IndiaMartPull {
    let api = api.map(|a| a as Arc<dyn IndiaMartApi>);
    IndiaMartPull::new(api, intake(w), w.store.clone(), w.store.clone(), scheduler.clone(), w.clock.clone())
}

#[tokio::test]
async fn the_indiamart_pull_takes_each_enquiry_once_and_keeps_its_window_until_a_pull_succeeds() {
    let w = World::new();
    shop(&w).await;
    let scheduler = Arc::new(MemoryScheduler::default());
    let api = Arc::new(ScriptedIndiaMart::default());
    let pull = pull(&w, Some(api.clone()), &scheduler);
    assert_eq!(pull.run().await.unwrap(), Pulled::Off, "no IndiaMART source: nothing pulled");
    assert!(scheduler.scheduled().is_empty(), "and nothing scheduled");

    save_indiamart(&w, &scheduler).await;
    assert_eq!(scheduler.take_due(w.clock_now()), vec![ScheduledJob::LeadPull], "saving the source starts the pull");
    api.answers.lock().unwrap().extend([
        Ok(IndiaMartAnswer::Leads(vec![enquiry("2750127001", "+91-9876501234"), enquiry("2750127002", "n/a")])),
        Ok(IndiaMartAnswer::RateLimited),
        Err(FeedError::Unavailable("timed out".into())),
        Ok(IndiaMartAnswer::Leads(vec![enquiry("2750127001", "+91-9876501234")])),
        Ok(IndiaMartAnswer::KeyRejected("Key is not valid".into())),
    ]);
    let first = w.clock_now();
    assert_eq!(pull.run().await.unwrap(), Pulled::Ran { outcome: FeedOutcome::Ok, taken: 1, refused: 1 });
    let contacts = w.store.list_contacts(&PageRequest::default(), None, &Default::default()).await.unwrap().items;
    assert_eq!(contacts.len(), 1, "the enquiry without a usable number is refused, not stored");
    assert_eq!(contacts[0].conversation.owner.as_deref(), Some("ravi@shop.test"));
    assert_eq!(contacts[0].fields.get("product").map(String::as_str), Some("Cotton Sarees"));
    let deals = w.store.contact_deals(&contacts[0].id, &PageRequest::default()).await.unwrap().items;
    assert_eq!((deals.len(), deals[0].stage.as_str()), (1, "qualified"));
    let (at, _) = scheduler.scheduled()["lead-pull-indiamart"].clone();
    assert_eq!(at, Millis(first.0 + MIN_INTERVAL_MS), "the next pull waits IndiaMART's five minutes");

    assert_eq!(pull.run().await.unwrap(), Pulled::TooSoon, "a wake-up within five minutes calls nobody");
    assert_eq!(api.windows.lock().unwrap().len(), 1);

    for outcome in [FeedOutcome::RateLimited, FeedOutcome::Failed] {
        w.clock.advance_ms(MIN_INTERVAL_MS);
        assert!(matches!(pull.run().await.unwrap(), Pulled::Ran { outcome: o, .. } if o == outcome));
    }
    w.clock.advance_ms(MIN_INTERVAL_MS);
    assert_eq!(pull.run().await.unwrap(), Pulled::Ran { outcome: FeedOutcome::Ok, taken: 0, refused: 0 });
    let windows = api.windows.lock().unwrap().clone();
    assert_eq!(windows[1].0, windows[3].0, "failed pulls leave the window where it was");
    assert!(windows[3].0 < first, "each window reaches back over the last one's end");
    let deals = w.store.contact_deals(&contacts[0].id, &PageRequest::default()).await.unwrap().items;
    assert_eq!(deals.len(), 1, "an enquiry read again makes nothing new");

    w.clock.advance_ms(MIN_INTERVAL_MS);
    pull.run().await.unwrap();
    let status = w.store.feed_status(INDIAMART).await.unwrap().unwrap();
    assert_eq!((status.outcome, status.leads_taken, status.leads_refused), (FeedOutcome::KeyRejected, 1, 1));
    assert_eq!(status.detail.as_deref(), Some("Key is not valid"));
}

#[tokio::test]
async fn without_a_key_the_pull_says_so_and_stops() {
    let w = World::new();
    shop(&w).await;
    let scheduler = Arc::new(MemoryScheduler::default());
    save_indiamart(&w, &scheduler).await;
    scheduler.take_due(w.clock_now());
    assert_eq!(
        pull(&w, None, &scheduler).run().await.unwrap(),
        Pulled::Ran { outcome: FeedOutcome::NoKey, taken: 0, refused: 0 }
    );
    assert!(scheduler.scheduled().is_empty(), "no key: no further wake-ups until the source is saved again");
    assert_eq!(w.store.feed_status(INDIAMART).await.unwrap().unwrap().outcome, FeedOutcome::NoKey);
}

#[tokio::test]
async fn a_facebook_lead_lands_unconfigured_in_the_default_pipeline_once_and_an_unreadable_one_is_retried() {
    let w = World::new();
    shop(&w).await;
    let graph = json!({"id": "243870422662760", "ad_id": "6011", "form_id": "129595", "field_data": [
        {"name": "full_name", "values": ["Kavya Iyer"]}, {"name": "phone_number", "values": ["+919820155501"]},
        {"name": "city", "values": ["Chennai"]}]});
    let leads = FacebookLeads::new(Arc::new(OneLead(graph)), intake(&w), w.store.clone(), w.clock.clone());
    let notice = |id: &str| LeadgenNotice::from_change(&json!({"leadgen_id": id, "form_id": "129595"})).unwrap();
    let LeadgenTaken::Taken(first) = leads.take(&notice("243870422662760")).await.unwrap() else { panic!() };
    assert!(first.created);
    let LeadgenTaken::Taken(again) = leads.take(&notice("243870422662760")).await.unwrap() else { panic!() };
    assert_eq!((again.deal, again.created), (first.deal.clone(), false), "Meta's redelivery makes nothing new");
    let contact = w.store.contact(&first.contact).await.unwrap().unwrap();
    assert_eq!(contact.fields.get("source").map(String::as_str), Some(FACEBOOK_LEAD_ADS));
    assert_eq!(contact.fields.get("fb_ad_id").map(String::as_str), Some("6011"));
    assert!(contact.tags.contains(&"facebook-lead-ads".to_owned()), "{:?}", contact.tags);
    assert!(contact.conversation.owner.is_some(), "unconfigured leads go to the next agent in turn");

    assert!(leads.take(&notice("999")).await.is_err(), "a lead the Graph API will not give is retried by Meta");
    let status = w.store.feed_status(FACEBOOK_LEAD_ADS).await.unwrap().unwrap();
    assert_eq!((status.outcome, status.leads_taken), (FeedOutcome::KeyRejected, 1));
}
