//! Campaigns (managers and administrators): count and price a segment
//! live, create a campaign after confirming its estimate, send it now or
//! at a time, pause, resume and cancel it, and follow its results. The
//! worker hands its recipients to the sender a step at a time, paced to
//! the number's throughput; see [`crate::domain::campaign`] for why no
//! recipient gets a campaign twice.

use super::send_message::{SendCommand, SendContext, SendError, SendMessage, SendOrigin};
use crate::domain::campaign::{
    Audience, Campaign, CampaignStatus, CampaignTotals, Exclusion, ParamSource, Recipient, RecipientState,
    RECIPIENTS_PER_STEP,
};
use crate::domain::campaign_audience::{template_problem, AudienceRules, CostTally, MarketCost, Verdict};
use crate::domain::outbound::OutboundContent;
use crate::domain::template::Template;
use crate::domain::template_check::check_fixed_parts;
use crate::domain::template_component::ParameterFormat;
use crate::domain::template_inputs::{NamedParam, TemplateInputs};
use crate::domain::{AuditEntry, Contact, ContactId, Millis, Session};
use crate::ports::{
    AudienceSource, BusinessProfileStore, CampaignQueue, CampaignStore, Clock, Page, PageRequest, RecipientRecord,
    StoreError,
};
use rand::RngCore;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Audience pages one preview request walks (the browser asks again with
/// the cursor until the count is whole, so no request runs long).
const PREVIEW_PAGES: usize = 5;
/// Contacts lacking a field that a preview names, at most.
const MISSING_SHOWN: usize = 20;
/// SQS's longest delay.
const MAX_DELAY_SECONDS: i64 = 900;
/// Tries at a pause, resume or cancel that a running step's write beat.
const TRANSITION_TRIES: usize = 5;

/// Why a campaign request was refused.
#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    /// Campaigns are for managers and administrators.
    #[error("only managers and administrators send campaigns")]
    Forbidden,
    /// No such campaign.
    #[error("campaign not found")]
    NotFound,
    /// A request that does not hold.
    #[error("{0}")]
    Invalid(String),
    /// The campaign cannot make that move from where it stands.
    #[error("a {} campaign cannot be {verb}", .status.as_str())]
    Conflict {
        /// Where it stands.
        status: CampaignStatus,
        /// The move asked for.
        verb: &'static str,
    },
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl CampaignStatus {
    /// Its name in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignStatus::Scheduled => "scheduled",
            CampaignStatus::Sending => "sending",
            CampaignStatus::Paused => "paused",
            CampaignStatus::Cancelled => "cancelled",
            CampaignStatus::Finished => "finished",
        }
    }
}

/// What a campaign sends to whom: what staff fill in before the count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignDraft {
    /// The template's name.
    pub template: String,
    /// Its language.
    pub language: String,
    /// One source per body parameter.
    pub params: Vec<ParamSource>,
    /// The header's value and the buttons' values, the same for everyone.
    pub inputs: TemplateInputs,
    /// The segment.
    pub audience: Audience,
}

/// A contact the campaign would leave out for a missing field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingField {
    /// The contact.
    pub contact: ContactId,
    /// Its name, if it has one.
    pub name: Option<String>,
    /// The empty field.
    pub field: String,
}

/// One page's worth of a segment's count and price.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AudiencePreview {
    /// Contacts in the segment on these pages.
    pub in_segment: u64,
    /// Of those, the ones that would get the message.
    pub sendable: u64,
    /// The others, by reason.
    pub excluded: BTreeMap<Exclusion, u64>,
    /// Some of those left out for a missing field.
    pub missing: Vec<MissingField>,
    /// The price of the sendable ones, by market.
    pub markets: Vec<MarketCost>,
    /// Where the next request continues; `None` when the count is whole.
    pub next_cursor: Option<String>,
}

/// The estimate the admin saw and confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmedEstimate {
    /// Recipients counted.
    pub recipients: u64,
    /// Total, in minor units.
    pub amount_minor: u64,
    /// Its currency.
    pub currency: String,
}

/// The worker's pace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CampaignPace {
    /// Sends a second handed to the sender: within Meta's throughput for
    /// the number (80 a second by default), leaving room for replies.
    pub sends_per_second: u32,
}

impl Default for CampaignPace {
    fn default() -> Self {
        CampaignPace { sends_per_second: 40 }
    }
}

/// The ports campaigns work through.
pub struct CampaignPorts {
    /// Campaigns and recipients.
    pub campaigns: Arc<dyn CampaignStore>,
    /// Where the audience is read from.
    pub audience: Arc<dyn AudienceSource>,
    /// The worker's queue.
    pub queue: Arc<dyn CampaignQueue>,
    /// The currency estimates are shown in.
    pub business: Arc<dyn BusinessProfileStore>,
    /// The time.
    pub clock: Arc<dyn Clock>,
}

impl CampaignPorts {
    /// The ports over one store (the DynamoDB table) and the worker's queue.
    pub fn over_store<S>(store: Arc<S>, queue: Arc<dyn CampaignQueue>, clock: Arc<dyn Clock>) -> Self
    where
        S: CampaignStore + AudienceSource + BusinessProfileStore + 'static,
    {
        CampaignPorts { campaigns: store.clone(), audience: store.clone(), queue, business: store, clock }
    }
}

/// The campaign use case.
pub struct Campaigns {
    ports: CampaignPorts,
    send: Arc<SendMessage>,
    pace: CampaignPace,
}

fn supervisor(actor: &Session) -> Result<(), CampaignError> {
    if actor.role.supervises() {
        Ok(())
    } else {
        Err(CampaignError::Forbidden)
    }
}

impl Campaigns {
    /// Wires the use case; sends go through `send` like any other.
    pub fn new(ports: CampaignPorts, send: Arc<SendMessage>, pace: CampaignPace) -> Self {
        Campaigns { ports, send, pace }
    }

    /// The template's translation a draft names, checked for campaigns,
    /// and what its sends read.
    async fn template_of(&self, draft: &CampaignDraft) -> Result<(Template, SendContext), CampaignError> {
        self.checked(draft).await.map(|(template, context, _)| (template, context))
    }

    /// [`Self::template_of`], with the draft's header and button values
    /// bound to that template.
    async fn checked(&self, draft: &CampaignDraft) -> Result<(Template, SendContext, TemplateInputs), CampaignError> {
        let content = content(draft, Vec::new());
        let context = self.send.context(&content).await?;
        let template =
            context.translations().iter().find(|t| t.language == draft.language).cloned().ok_or_else(|| {
                CampaignError::Invalid(format!("no template {} in {}", draft.template, draft.language))
            })?;
        if let Some(problem) = template_problem(&template, &draft.params) {
            return Err(CampaignError::Invalid(problem));
        }
        let inputs = check_fixed_parts(&template, &draft.inputs).map_err(|p| CampaignError::Invalid(p.to_string()))?;
        Ok((template, context, inputs))
    }

    /// Counts and prices up to a few pages of the segment from `cursor`;
    /// the caller adds the pages up until `next_cursor` is `None`.
    pub async fn preview(
        &self,
        actor: &Session,
        draft: &CampaignDraft,
        cursor: Option<&str>,
    ) -> Result<AudiencePreview, CampaignError> {
        supervisor(actor)?;
        let draft = &CampaignDraft { audience: draft.audience.clone().normalized(), ..draft.clone() };
        let (template, context) = self.template_of(draft).await?;
        let now = self.ports.clock.now();
        let rules = AudienceRules {
            audience: &draft.audience,
            params: &draft.params,
            template: &template,
            strict: context.strict(),
            now,
        };
        let mut preview = AudiencePreview::default();
        let mut costs = CostTally::default();
        let mut cursor = cursor.map(str::to_owned);
        for _ in 0..PREVIEW_PAGES {
            let page =
                self.ports.audience.audience_page(&draft.audience, cursor.as_deref(), RECIPIENTS_PER_STEP).await?;
            for contact in &page.items {
                match rules.judge(contact) {
                    Verdict::Outside => continue,
                    Verdict::Excluded { reason, field } => {
                        *preview.excluded.entry(reason).or_default() += 1;
                        if let (Some(field), true) = (field, preview.missing.len() < MISSING_SHOWN) {
                            preview.missing.push(MissingField {
                                contact: contact.id.clone(),
                                name: contact.shown_name().map(str::to_owned),
                                field,
                            });
                        }
                    }
                    Verdict::Send(_) => {
                        preview.sendable += 1;
                        costs.add(context.rates(), contact, template.category, now);
                    }
                }
                preview.in_segment += 1;
            }
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        preview.markets = costs.markets();
        preview.next_cursor = cursor;
        Ok(preview)
    }

    /// Creates the campaign and starts it now, or at `send_at`.
    pub async fn create(
        &self,
        actor: &Session,
        name: &str,
        draft: CampaignDraft,
        send_at: Option<Millis>,
        confirmed: ConfirmedEstimate,
    ) -> Result<Campaign, CampaignError> {
        supervisor(actor)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(CampaignError::Invalid("give the campaign a name of up to 100 characters".into()));
        }
        let currency = self.ports.business.business_profile().await?.unwrap_or_default().currency;
        if confirmed.currency != currency {
            return Err(CampaignError::Invalid(format!(
                "the estimate confirmed is in {}, the business's currency is {currency}; count again",
                confirmed.currency
            )));
        }
        let (_, _, inputs) = self.checked(&draft).await?;
        let now = self.ports.clock.now();
        let send_at = send_at.filter(|at| *at > now);
        let campaign = Campaign {
            id: Campaign::new_id(now, rand::rngs::OsRng.next_u32()),
            name: name.to_owned(),
            template: draft.template,
            language: draft.language,
            params: draft.params,
            inputs,
            audience: draft.audience.normalized(),
            status: if send_at.is_some() { CampaignStatus::Scheduled } else { CampaignStatus::Sending },
            send_at: send_at.unwrap_or(now),
            estimate_minor: confirmed.amount_minor,
            currency,
            estimated_recipients: confirmed.recipients,
            created_by: actor.email.clone(),
            created_at: now,
            cursor: None,
            steps: 0,
            finished_at: None,
            note: None,
        };
        let audit = self.audit(
            &actor.email,
            "campaign_create",
            serde_json::json!({"campaign": campaign.id, "template": campaign.template,
                "estimate_minor": campaign.estimate_minor, "currency": campaign.currency,
                "recipients": campaign.estimated_recipients, "send_at": campaign.send_at.0}),
        );
        self.ports.campaigns.create_campaign(&campaign, &audit).await?;
        self.wake(&campaign).await?;
        tracing::info!(campaign = %campaign.id, status = campaign.status.as_str(), "campaign created");
        Ok(campaign)
    }

    /// Asks the worker for the campaign's next step: at once, or when its
    /// time comes (a scheduled campaign's step re-arms itself until then).
    async fn wake(&self, campaign: &Campaign) -> Result<(), StoreError> {
        let wait_ms = campaign.send_at.0 - self.ports.clock.now().0;
        let delay = (wait_ms.max(0) + 999) / 1000;
        self.enqueue(&campaign.id, delay).await
    }

    async fn enqueue(&self, id: &str, delay_seconds: i64) -> Result<(), StoreError> {
        let delay = i32::try_from(delay_seconds.clamp(0, MAX_DELAY_SECONDS)).unwrap_or(0);
        self.ports
            .queue
            .enqueue_campaign(id, delay)
            .await
            .map_err(|e| StoreError::Unavailable(format!("the campaign could not be queued: {e}")))
    }

    /// The latest campaigns.
    pub async fn list(&self, actor: &Session) -> Result<Vec<Campaign>, CampaignError> {
        supervisor(actor)?;
        Ok(self.ports.campaigns.recent_campaigns(50).await?)
    }

    /// One campaign and its results so far.
    pub async fn get(&self, actor: &Session, id: &str) -> Result<(Campaign, CampaignTotals), CampaignError> {
        supervisor(actor)?;
        let campaign = self.find(id).await?;
        let totals = self.ports.campaigns.campaign_totals(&campaign.id).await?;
        Ok((campaign, totals))
    }

    /// A page of a campaign's recipients.
    pub async fn recipients(
        &self,
        actor: &Session,
        id: &str,
        page: &PageRequest,
    ) -> Result<Page<Recipient>, CampaignError> {
        supervisor(actor)?;
        let campaign = self.find(id).await?;
        Ok(self.ports.campaigns.recipients(&campaign.id, page).await?)
    }

    async fn find(&self, id: &str) -> Result<Campaign, CampaignError> {
        if !Campaign::is_id(id) {
            return Err(CampaignError::NotFound);
        }
        self.ports.campaigns.campaign(id).await?.ok_or(CampaignError::NotFound)
    }

    /// Pauses, resumes or cancels the campaign. A step already running
    /// hands out what it read (at most [`RECIPIENTS_PER_STEP`]); nothing after.
    pub async fn change(&self, actor: &Session, id: &str, to: CampaignStatus) -> Result<Campaign, CampaignError> {
        supervisor(actor)?;
        let verb = match to {
            CampaignStatus::Paused => "paused",
            CampaignStatus::Sending => "resumed",
            CampaignStatus::Cancelled => "cancelled",
            CampaignStatus::Scheduled | CampaignStatus::Finished => {
                return Err(CampaignError::Invalid("a campaign is paused, resumed or cancelled".into()))
            }
        };
        for _ in 0..TRANSITION_TRIES {
            let from = self.find(id).await?;
            if !from.status.may_become(to) {
                return Err(CampaignError::Conflict { status: from.status, verb });
            }
            let now = self.ports.clock.now();
            // A scheduled campaign resumed before its time waits for it.
            let status =
                if to == CampaignStatus::Sending && from.send_at > now { CampaignStatus::Scheduled } else { to };
            let changed =
                Campaign { status, finished_at: (to == CampaignStatus::Cancelled).then_some(now), ..from.clone() };
            let audit = self.audit(&actor.email, &format!("campaign_{verb}"), serde_json::json!({"campaign": id}));
            if !self.ports.campaigns.advance_campaign(&from, &changed, Some(&audit)).await? {
                continue;
            }
            if to == CampaignStatus::Sending {
                self.wake(&changed).await?;
            }
            tracing::info!(campaign = %id, status = changed.status.as_str(), "campaign changed");
            return Ok(changed);
        }
        Err(StoreError::Unavailable("the campaign is changing; try again".into()).into())
    }

    /// The worker: one step of the campaign. An `Err` is storage failing:
    /// the step is redelivered and redone (every write in it is idempotent).
    pub async fn run(&self, id: &str) -> Result<(), StoreError> {
        let Some(mut campaign) = self.ports.campaigns.campaign(id).await? else { return Ok(()) };
        let now = self.ports.clock.now();
        if campaign.status == CampaignStatus::Scheduled {
            if campaign.send_at > now {
                return self.wake(&campaign).await;
            }
            let started = Campaign { status: CampaignStatus::Sending, ..campaign.clone() };
            if !self.ports.campaigns.advance_campaign(&campaign, &started, None).await? {
                return Ok(());
            }
            campaign = started;
        }
        if campaign.status != CampaignStatus::Sending {
            return Ok(());
        }
        let draft = CampaignDraft {
            template: campaign.template.clone(),
            language: campaign.language.clone(),
            params: campaign.params.clone(),
            inputs: campaign.inputs.clone(),
            audience: campaign.audience.clone(),
        };
        let (template, context) = match self.template_of(&draft).await {
            Ok(found) => found,
            Err(CampaignError::Store(e)) => return Err(e),
            Err(why) => return self.stop(&campaign, &why.to_string()).await,
        };
        let page = self
            .ports
            .audience
            .audience_page(&campaign.audience, campaign.cursor.as_deref(), RECIPIENTS_PER_STEP)
            .await?;
        let rules = AudienceRules {
            audience: &campaign.audience,
            params: &campaign.params,
            template: &template,
            strict: context.strict(),
            now,
        };
        let mut queued = 0u32;
        for contact in &page.items {
            queued += u32::from(self.reach(&campaign, &rules, &context, contact).await?);
        }
        let next = Campaign {
            cursor: page.next_cursor.clone(),
            steps: campaign.steps + 1,
            status: if page.next_cursor.is_some() { CampaignStatus::Sending } else { CampaignStatus::Finished },
            finished_at: page.next_cursor.is_none().then_some(now),
            ..campaign.clone()
        };
        if !self.ports.campaigns.advance_campaign(&campaign, &next, None).await? {
            tracing::info!(campaign = %id, "campaign changed during its step; stopping here");
            return Ok(());
        }
        tracing::info!(campaign = %id, step = next.steps, queued, "campaign step taken");
        if next.status == CampaignStatus::Sending {
            let pace = i64::from(self.pace.sends_per_second.max(1));
            self.enqueue(id, (i64::from(queued) + pace - 1) / pace).await?;
        }
        Ok(())
    }

    /// Records one contact of the page and hands its send to the sender;
    /// `true` when a send was queued now.
    async fn reach(
        &self,
        campaign: &Campaign,
        rules: &AudienceRules<'_>,
        context: &SendContext,
        contact: &Contact,
    ) -> Result<bool, StoreError> {
        let now = self.ports.clock.now();
        let recipient = |state, excluded| Recipient {
            contact: contact.id.clone(),
            name: contact.shown_name().map(str::to_owned),
            state,
            excluded,
            error_code: None,
            message_id: None,
            replied_at: None,
            opted_out_after: false,
            price_minor: None,
            billed: None,
        };
        let values = match rules.judge(contact) {
            Verdict::Outside => return Ok(false),
            Verdict::Excluded { reason, .. } => {
                let excluded = recipient(RecipientState::Excluded, Some(reason));
                self.ports.campaigns.record_recipient(&campaign.id, &excluded, now).await?;
                return Ok(false);
            }
            Verdict::Send(values) => values,
        };
        let message_id = campaign.message_id(contact.id.as_str());
        let price =
            context.rates().estimate(contact.wa_id.as_deref(), rules.template.category, contact.window.is_open(now));
        let queued = Recipient {
            message_id: Some(message_id.clone()),
            price_minor: Some(price.amount_minor),
            billed: None,
            ..recipient(RecipientState::Queued, None)
        };
        // Recorded before the send, so a status never finds it missing; a
        // step run again sends only to recipients it did not leave out.
        if let RecipientRecord::Existing(RecipientState::Excluded) =
            self.ports.campaigns.record_recipient(&campaign.id, &queued, now).await?
        {
            return Ok(false);
        }
        let command = SendCommand {
            contact: contact.id.clone(),
            content: content_for(campaign, rules.template, values),
            reply_to: None,
            idempotency_key: None,
            actor: format!("campaign:{}", campaign.id),
        };
        match self.send.send_with(contact, command, context, SendOrigin::Campaign(message_id)).await {
            Ok(queued) => Ok(!queued.replayed),
            Err(SendError::Store(e)) => Err(e),
            Err(refused) => {
                // The send rules refused what the segment let through (a
                // rule this judgement does not know): a failure with Parley's code.
                tracing::warn!(campaign = %campaign.id, contact_id = %contact.id, reason = %refused, "campaign send refused");
                self.ports
                    .campaigns
                    .recipient_reached(&campaign.id, &contact.id, RecipientState::Failed, Some(0))
                    .await?;
                Ok(false)
            }
        }
    }

    /// Ends a campaign that can no longer send (its template was paused or
    /// deleted at Meta), saying why.
    async fn stop(&self, campaign: &Campaign, why: &str) -> Result<(), StoreError> {
        tracing::warn!(campaign = %campaign.id, reason = why, "campaign stopped");
        let stopped = Campaign {
            status: CampaignStatus::Cancelled,
            finished_at: Some(self.ports.clock.now()),
            note: Some(why.to_owned()),
            ..campaign.clone()
        };
        self.ports.campaigns.advance_campaign(campaign, &stopped, None).await?;
        Ok(())
    }

    fn audit(&self, actor: &str, action: &str, detail: serde_json::Value) -> AuditEntry {
        AuditEntry {
            at: self.ports.clock.now(),
            actor: actor.to_owned(),
            action: action.to_owned(),
            contact: None,
            detail: detail.to_string(),
        }
    }
}

/// A draft's template with no parameters (enough to read its translations).
fn content(draft: &CampaignDraft, params: Vec<String>) -> OutboundContent {
    OutboundContent::Template {
        name: draft.template.clone(),
        language: draft.language.clone(),
        params,
        inputs: TemplateInputs::default(),
    }
}

/// The template message for one recipient: positional parameters, or
/// named ones for a named template.
fn content_for(campaign: &Campaign, template: &Template, values: Vec<(String, String)>) -> OutboundContent {
    let (params, named) = match template.parameter_format {
        ParameterFormat::Positional => (values.into_iter().map(|(_, v)| v).collect(), Vec::new()),
        ParameterFormat::Named => {
            (Vec::new(), values.into_iter().map(|(parameter_name, text)| NamedParam { parameter_name, text }).collect())
        }
    };
    OutboundContent::Template {
        name: campaign.template.clone(),
        language: campaign.language.clone(),
        params,
        inputs: TemplateInputs { named, ..campaign.inputs.clone() },
    }
}
