//! What a lead post became, and a lead source as managers see it.

use parley::app::lead_intake::LeadOutcome;
use parley::app::lead_sources::ListedLeadSource;
use parley::domain::lead_feed_status::{FeedOutcome, LeadFeedStatus};
use parley::domain::lead_source::LeadSource;
use parley::ports::StoredLeadSource;
use schemars::JsonSchema;
use serde::Serialize;

/// The contact and deal a lead post landed in.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "LeadReceived")]
pub struct LeadReceivedView {
    contact_id: String,
    deal_id: String,
    /// False when the same lead id came before: nothing new was made.
    created: bool,
}

impl LeadReceivedView {
    /// The view of `outcome`.
    pub fn new(outcome: LeadOutcome) -> Self {
        LeadReceivedView { contact_id: outcome.contact.to_string(), deal_id: outcome.deal, created: outcome.created }
    }
}

/// A lead source with what its sender needs (the URL path and the secret),
/// or, for one Parley reads itself, how its feed is doing.
/// A form staff can send from the composer: a WhatsApp Flow lead source's
/// published flow. The completed form is a lead of `source`.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "FlowForm")]
pub struct FlowFormView {
    /// The lead source, which is also the flow's token.
    pub source: String,
    /// What staff call it.
    pub name: String,
    /// The flow, its first screen and its button.
    pub flow: parley::domain::flow_launch::FlowLaunch,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "LeadSourceEntry")]
pub struct LeadSourceView {
    #[serde(flatten)]
    source: LeadSource,
    /// Where it posts, on this deployment's origin (posted sources only).
    path: Option<String>,
    /// The HMAC key or bearer token (posted sources only).
    secret: Option<String>,
    /// The feed's standing (Facebook Lead Ads and IndiaMART, once they ran).
    feed: Option<LeadFeedView>,
}

/// How a feed Parley reads itself is doing.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "LeadFeed")]
pub struct LeadFeedView {
    /// When the provider was last called (RFC 3339).
    last_call_at: Option<String>,
    outcome: FeedOutcome,
    /// The provider's words for a failure, or why the last lead was refused.
    detail: Option<String>,
    /// Leads taken since the feed started.
    leads_taken: u64,
    /// Leads refused (no usable phone number).
    leads_refused: u64,
    /// When the last lead came (RFC 3339).
    last_lead_at: Option<String>,
}

impl LeadFeedView {
    fn new(status: LeadFeedStatus) -> Self {
        LeadFeedView {
            last_call_at: status.last_call_at.map(|at| at.to_rfc3339()),
            outcome: status.outcome,
            detail: status.detail,
            leads_taken: status.leads_taken,
            leads_refused: status.leads_refused,
            last_lead_at: status.last_lead_at.map(|at| at.to_rfc3339()),
        }
    }
}

impl LeadSourceView {
    /// The view of a source just saved (its feed's standing not read).
    pub fn new(stored: StoredLeadSource) -> Self {
        Self::listed(ListedLeadSource { stored, feed: None })
    }

    /// The view of a listed source.
    pub fn listed(listed: ListedLeadSource) -> Self {
        let ListedLeadSource { stored, feed } = listed;
        let posted = stored.source.auth.is_posted();
        LeadSourceView {
            path: posted.then(|| format!("/leads/{}", stored.source.id)),
            secret: posted.then_some(stored.secret),
            source: stored.source,
            feed: feed.map(LeadFeedView::new),
        }
    }
}
