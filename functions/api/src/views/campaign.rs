//! A campaign with its results, a segment's live count and price, and a
//! recipient.

use parley::app::campaigns::AudiencePreview;
use parley::domain::campaign::{
    Audience, Campaign, CampaignStatus, CampaignTotals, ParamSource, Recipient, RecipientState,
};
use parley::domain::campaign_audience::MarketCost;
use parley::domain::template_inputs::{ButtonInput, HeaderInput};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

/// A campaign as the API shows it; `totals` (counted from every
/// recipient) on the one-campaign answers, `null` in the list.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Campaign")]
pub struct CampaignView {
    id: String,
    name: String,
    template: String,
    language: String,
    params: Vec<ParamSource>,
    /// The header's value, when the template takes one.
    header: Option<HeaderInput>,
    /// The buttons' values.
    buttons: Vec<ButtonInput>,
    audience: Audience,
    status: CampaignStatus,
    /// When it starts (or started).
    send_at: String,
    /// The estimate the admin confirmed, in minor units of `currency`.
    estimate_minor: u64,
    currency: String,
    estimated_recipients: u64,
    created_by: String,
    created_at: String,
    finished_at: Option<String>,
    /// Why the worker stopped it, if it did.
    note: Option<String>,
    totals: Option<CampaignTotals>,
}

impl CampaignView {
    /// The view of `campaign`, with its totals when the caller read them.
    pub fn new(campaign: Campaign, totals: Option<CampaignTotals>) -> Self {
        CampaignView {
            id: campaign.id,
            name: campaign.name,
            template: campaign.template,
            language: campaign.language,
            params: campaign.params,
            header: campaign.inputs.header,
            buttons: campaign.inputs.buttons,
            audience: campaign.audience,
            status: campaign.status,
            send_at: campaign.send_at.to_rfc3339(),
            estimate_minor: campaign.estimate_minor,
            currency: campaign.currency,
            estimated_recipients: campaign.estimated_recipients,
            created_by: campaign.created_by,
            created_at: campaign.created_at.to_rfc3339(),
            finished_at: campaign.finished_at.map(|at| at.to_rfc3339()),
            note: campaign.note,
            totals,
        }
    }
}

/// A contact the campaign would leave out for an empty field.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CampaignMissingField")]
pub struct MissingFieldView {
    contact_id: String,
    name: Option<String>,
    field: String,
}

/// Part of a segment's count and price: add the answers up, asking again
/// with `next_cursor` until it is `null`.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CampaignPreview")]
pub struct CampaignPreviewView {
    /// Contacts in the segment on these pages.
    in_segment: u64,
    /// Of those, the ones that would get the message.
    sendable: u64,
    /// The others by reason: `opted_out`, `no_consent`, `no_identity`, `missing_field`.
    excluded: BTreeMap<String, u64>,
    /// Some of those left out for an empty field (at most 20 a page).
    missing: Vec<MissingFieldView>,
    /// The sendable ones' price by market (calling code), each in its card's currency.
    markets: Vec<MarketCost>,
    /// The business's currency: the total is the sum of the markets priced in it.
    currency: String,
    next_cursor: Option<String>,
}

impl CampaignPreviewView {
    /// The view of one preview answer, in the business's `currency`.
    pub fn new(preview: AudiencePreview, currency: String) -> Self {
        CampaignPreviewView {
            in_segment: preview.in_segment,
            sendable: preview.sendable,
            excluded: preview.excluded.into_iter().map(|(reason, count)| (reason.as_str().to_owned(), count)).collect(),
            missing: preview
                .missing
                .into_iter()
                .map(|m| MissingFieldView { contact_id: m.contact.to_string(), name: m.name, field: m.field })
                .collect(),
            markets: preview.markets,
            currency,
            next_cursor: preview.next_cursor,
        }
    }
}

/// One recipient of a campaign.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CampaignRecipient")]
pub struct RecipientView {
    contact_id: String,
    /// Its name when the campaign reached it.
    name: Option<String>,
    state: RecipientState,
    /// Why it was left out.
    excluded: Option<String>,
    /// Meta's error code for a failure (`0`: refused by Parley's send rules).
    error_code: Option<i64>,
    replied_at: Option<String>,
    opted_out_after: bool,
}

impl From<Recipient> for RecipientView {
    fn from(r: Recipient) -> Self {
        RecipientView {
            contact_id: r.contact.to_string(),
            name: r.name,
            state: r.state,
            excluded: r.excluded.map(|e| e.as_str().to_owned()),
            error_code: r.error_code,
            replied_at: r.replied_at.map(|at| at.to_rfc3339()),
            opted_out_after: r.opted_out_after,
        }
    }
}
