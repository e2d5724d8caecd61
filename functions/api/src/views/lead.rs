//! What a lead post became, and a lead source as managers see it.

use parley::app::lead_intake::LeadOutcome;
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

/// A lead source with what its sender needs: the URL path and the secret.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "LeadSourceEntry")]
pub struct LeadSourceView {
    #[serde(flatten)]
    source: LeadSource,
    /// Where it posts, on this deployment's origin.
    path: String,
    /// The HMAC key or bearer token.
    secret: String,
}

impl LeadSourceView {
    /// The view of `stored`.
    pub fn new(stored: StoredLeadSource) -> Self {
        LeadSourceView { path: format!("/leads/{}", stored.source.id), source: stored.source, secret: stored.secret }
    }
}
