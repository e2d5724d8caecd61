//! `POST /leads/{source}`: a lead a form or another system posts becomes a
//! contact (found by phone, or added) with the source's tags and the lead's
//! fields, and a deal in the source's pipeline and stage, owned as the
//! source says. A lead is keyed by the source's own id for it: its deal's
//! id is derived from it, so a post repeated (a retry, a double submit, a
//! crash half-way) ends with the one contact and the one deal.

use super::contact_labels::{add_labels, LabelError};
use crate::domain::consent::{staff_consent, ConsentMethod};
use crate::domain::lead::{read_lead, LeadProblem};
use crate::domain::lead_source::{LeadAuth, LeadOwner, LeadSource};
use crate::domain::phone_number::normalize_phone;
use crate::domain::pipeline::{Deal, StageChange};
use crate::domain::webhook_signature::verify_signature;
use crate::domain::{AuditEntry, BusinessNumber, ContactId, Millis};
use crate::ports::{
    BusinessProfileStore, Clock, ConsentStore, ContactEnrolment, ContactRecordStore, ConversationStore, DealStore,
    Enrolled, InboxStore, LeadSourceStore, NewContact, StoreError, UserStore,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How a post proves itself: the headers it came with.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    /// `Parley-Signature`, for HMAC sources.
    pub signature: Option<String>,
    /// The token of `Authorization: Bearer …`, for bearer sources.
    pub bearer: Option<String>,
}

/// What a post became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadOutcome {
    /// The contact.
    pub contact: ContactId,
    /// The lead's deal.
    pub deal: String,
    /// False when this lead came before: nothing new was made.
    pub created: bool,
}

/// Why a post was refused (and nothing stored).
#[derive(Debug, thiserror::Error)]
pub enum LeadError {
    /// No such source, or the post does not prove it is the source's (one
    /// answer for both, so ids cannot be probed).
    #[error("unknown source or bad credentials")]
    Unauthorized,
    /// The body is not a lead.
    #[error(transparent)]
    NotALead(#[from] LeadProblem),
    /// The lead is readable but cannot be taken as it is.
    #[error("{0}")]
    Invalid(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The ports the intake runs over.
pub struct LeadIntakePorts {
    /// The sources.
    pub sources: Arc<dyn LeadSourceStore>,
    /// The default country and business number.
    pub business: Arc<dyn BusinessProfileStore>,
    /// Contacts added by phone.
    pub enrolment: Arc<dyn ContactEnrolment>,
    /// Reading a contact back.
    pub contacts: Arc<dyn ConversationStore>,
    /// Its tags and fields.
    pub records: Arc<dyn ContactRecordStore>,
    /// The form's opt-in.
    pub consent: Arc<dyn ConsentStore>,
    /// Pipelines and deals.
    pub deals: Arc<dyn DealStore>,
    /// The team, for the next agent in turn.
    pub users: Arc<dyn UserStore>,
    /// The round-robin turn.
    pub inbox: Arc<dyn InboxStore>,
    /// The time.
    pub clock: Arc<dyn Clock>,
}

impl LeadIntakePorts {
    /// Every port over one store (the DynamoDB table, or memory in tests).
    pub fn over_store<S>(store: Arc<S>, clock: Arc<dyn Clock>) -> Self
    where
        S: LeadSourceStore
            + BusinessProfileStore
            + ContactEnrolment
            + ConversationStore
            + ContactRecordStore
            + ConsentStore
            + DealStore
            + UserStore
            + InboxStore
            + 'static,
    {
        LeadIntakePorts {
            sources: store.clone(),
            business: store.clone(),
            enrolment: store.clone(),
            contacts: store.clone(),
            records: store.clone(),
            consent: store.clone(),
            deals: store.clone(),
            users: store.clone(),
            inbox: store,
            clock,
        }
    }
}

/// The lead intake use case.
pub struct LeadIntake {
    ports: LeadIntakePorts,
}

impl LeadIntake {
    /// Wires the use case.
    pub fn new(ports: LeadIntakePorts) -> Self {
        LeadIntake { ports }
    }

    /// Takes one post to `source_id`.
    pub async fn receive(
        &self,
        source_id: &str,
        credentials: &Credentials,
        body: &[u8],
    ) -> Result<LeadOutcome, LeadError> {
        let stored = self.ports.sources.lead_source(source_id).await?.ok_or(LeadError::Unauthorized)?;
        if !authentic(stored.source.auth, &stored.secret, credentials, body, self.ports.clock.now()) {
            return Err(LeadError::Unauthorized);
        }
        let payload: serde_json::Value = serde_json::from_slice(body).map_err(|_| LeadProblem::NotAnObject)?;
        self.take(&stored.source, &payload, None).await
    }

    /// Takes a lead a feed Parley reads itself brought (`payload` in
    /// Parley's lead shape), through the feed's source as staff set it up,
    /// or where [`LeadSource::unconfigured`] sends it when they have not.
    pub async fn receive_fed(&self, feed: LeadAuth, payload: &serde_json::Value) -> Result<LeadOutcome, LeadError> {
        let id = feed.fixed_id().ok_or_else(|| LeadError::Invalid("posted sources are not fed".into()))?;
        let source = match self.ports.sources.lead_source(id).await? {
            Some(stored) if stored.source.auth == feed => stored.source,
            _ => {
                let pipelines = crate::domain::pipeline::Pipeline::or_default(self.ports.deals.pipelines().await?);
                let pipeline = pipelines.first().map(|p| p.id.clone()).unwrap_or_default();
                LeadSource::unconfigured(feed, &pipeline)
                    .ok_or_else(|| LeadError::Invalid("posted sources are not fed".into()))?
            }
        };
        self.take(&source, payload, None).await
    }

    /// Takes a WhatsApp Flow's completed form as a lead of the flow source
    /// `source_id` (its `flow_token`), for the customer on business number
    /// `number` who sent it. `None` when no flow source has that id: the
    /// answers stay on the timeline only.
    pub async fn receive_flow(
        &self,
        source_id: &str,
        number: &str,
        payload: &serde_json::Value,
    ) -> Result<Option<LeadOutcome>, LeadError> {
        match self.ports.sources.lead_source(source_id).await? {
            Some(stored) if stored.source.auth == LeadAuth::WhatsAppFlow => {
                self.take(&stored.source, payload, Some(number)).await.map(Some)
            }
            _ => Ok(None),
        }
    }

    /// Takes one lead of `source`, read from `payload` through its mapping,
    /// on the business number given (else the business profile's).
    async fn take(
        &self,
        source: &LeadSource,
        payload: &serde_json::Value,
        number: Option<&str>,
    ) -> Result<LeadOutcome, LeadError> {
        let now = self.ports.clock.now();
        let lead = read_lead(payload, &source.mapping)?;
        let deal_id = deal_id(&source.id, &lead.lead_id);
        if let Some(deal) = self.ports.deals.deal(&deal_id).await? {
            return Ok(LeadOutcome { contact: deal.contact_id, deal: deal.id, created: false });
        }
        let profile = self.ports.business.business_profile().await?.unwrap_or_default();
        let phone =
            normalize_phone(&lead.phone, &profile.country).map_err(|e| LeadError::Invalid(format!("phone: {e}")))?;
        let number = number.map(str::to_owned).or_else(|| profile.phone_number_id.clone()).ok_or_else(|| {
            LeadError::Invalid("the business has no WhatsApp number yet: set it in Settings > Business profile".into())
        })?;
        let consent = (!lead.consent.is_empty())
            .then(|| staff_consent(now, ConsentMethod::Form, &lead.consent))
            .transpose()
            .map_err(|e| LeadError::Invalid(format!("consent: {e}")))?;
        let pipelines = crate::domain::pipeline::Pipeline::or_default(self.ports.deals.pipelines().await?);
        let pipeline = pipelines
            .iter()
            .find(|p| p.id == source.pipeline)
            .ok_or_else(|| LeadError::Invalid(format!("the source's pipeline {} no longer exists", source.pipeline)))?;
        let stage = match &source.stage {
            Some(stage) => pipeline.stage(stage).map_err(|e| LeadError::Invalid(e.to_string()))?.id.clone(),
            None => pipeline
                .first_stage()
                .map(|s| s.id.clone())
                .ok_or_else(|| LeadError::Invalid("the pipeline has no stages".into()))?,
        };
        let owner = self.owner(&source.owner).await?;
        let new = NewContact {
            number: BusinessNumber(number),
            wa_id: phone.wa_id().to_owned(),
            name: lead.name.clone(),
            owner: owner.clone(),
            at: now,
            source: format!("lead:{}", source.id),
        };
        let contact = match self.ports.enrolment.enrol_contact(&new).await? {
            Enrolled::Created(id) | Enrolled::Existing(id) => id,
        };
        let mut tags = source.tags.clone();
        tags.extend(lead.tags.iter().cloned());
        let (contacts, records) = (&*self.ports.contacts, &*self.ports.records);
        add_labels(contacts, records, &contact, &tags, &lead.fields, &source.id).await.map_err(|e| match e {
            LabelError::Invalid(why) => LeadError::Invalid(why),
            LabelError::Store(e) => LeadError::Store(e),
        })?;
        let actor = format!("lead:{}", source.id);
        if let Some(consent) = consent {
            let audit =
                self.audit(&actor, "opt_in", &contact, serde_json::json!({"method": "form", "lead_id": lead.lead_id}));
            self.ports.consent.record_consent(&contact, &consent, &audit).await?;
        }
        let deal = Deal {
            id: deal_id,
            contact_id: contact.clone(),
            pipeline: pipeline.id.clone(),
            stage: stage.clone(),
            title: format!("{} · {}", lead.name.as_deref().unwrap_or("New lead"), source.name),
            value_minor: lead.value_minor,
            currency: profile.currency.clone(),
            owner,
            expected_close: None,
            custom_fields: BTreeMap::from([("lead_id".to_owned(), lead.lead_id.clone())]),
            history: vec![StageChange { from: None, to: stage, by: actor.clone(), at: now }],
            created_at: now,
            updated_at: now,
        };
        let audit =
            self.audit(&actor, "deal_create", &contact, serde_json::json!({"deal": deal.id, "lead_id": lead.lead_id}));
        if let Err(e) = self.ports.deals.create_deal(&deal, &audit).await {
            // The same lead posted twice at once: the other post made it.
            return match self.ports.deals.deal(&deal.id).await? {
                Some(made) => Ok(LeadOutcome { contact: made.contact_id, deal: made.id, created: false }),
                None => Err(e.into()),
            };
        }
        tracing::info!(contact_id = %contact, deal = %deal.id, source = %source.id, "lead received");
        Ok(LeadOutcome { contact, deal: deal.id, created: true })
    }

    async fn owner(&self, owner: &LeadOwner) -> Result<Option<String>, StoreError> {
        match owner {
            LeadOwner::Unassigned => Ok(None),
            LeadOwner::Teammate { email } => {
                Ok(self.ports.users.user(email).await?.filter(|u| u.active).map(|u| u.email))
            }
            LeadOwner::RoundRobin => {
                let team = self.ports.users.list_users().await?;
                let turn = self.ports.inbox.next_turn().await?;
                Ok(crate::domain::routing::next_in_turn(&team, turn).map(|u| u.email.clone()))
            }
        }
    }

    fn audit(&self, actor: &str, action: &str, contact: &ContactId, detail: serde_json::Value) -> AuditEntry {
        AuditEntry {
            at: self.ports.clock.now(),
            actor: actor.to_owned(),
            action: action.to_owned(),
            contact: Some(contact.clone()),
            detail: detail.to_string(),
        }
    }
}

/// The lead's deal id: the same for every post of the same lead.
pub fn deal_id(source: &str, lead_id: &str) -> String {
    let digest = Sha256::digest(format!("{source}\n{lead_id}").as_bytes());
    format!("dl.lead.{}", hex::encode(&digest[..10]))
}

/// Whether the post carries the source's proof, compared in constant time.
fn authentic(auth: LeadAuth, secret: &str, credentials: &Credentials, body: &[u8], now: Millis) -> bool {
    match auth {
        LeadAuth::Hmac => credentials
            .signature
            .as_deref()
            .is_some_and(|header| verify_signature(secret, header, body, now.0.div_euclid(1000))),
        LeadAuth::Bearer => credentials.bearer.as_deref().is_some_and(|token| {
            use subtle::ConstantTimeEq;
            token.as_bytes().ct_eq(secret.as_bytes()).into()
        }),
        // Their leads come from the provider, never by post.
        LeadAuth::FacebookLeadAds | LeadAuth::IndiaMart | LeadAuth::WhatsAppFlow => false,
    }
}
