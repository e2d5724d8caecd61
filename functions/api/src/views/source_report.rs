//! The lead-source report.

use parley::app::source_report::SourceReportLines;
use parley::domain::ad_referral::AdReferral;
use parley::domain::source_figures::SourceTotals;
use schemars::JsonSchema;
use serde::Serialize;

/// Leads, conversations and won deals per first-touch source and per
/// click-to-WhatsApp ad, over `[from, to]` (business days).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "SourceReport")]
pub struct SourceReportView {
    from: String,
    to: String,
    /// The business currency won values are in.
    currency: String,
    /// Most leads first. A conversation here is a contact's first message.
    sources: Vec<SourceLineView>,
    /// Most conversations first. A conversation here is every chat the ad
    /// started, a returning customer's too.
    ads: Vec<AdLineView>,
}

/// One source's figures.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "SourceLine")]
pub struct SourceLineView {
    /// `whatsapp` (wrote first), `ad`, `lead:<source id>`, `import`,
    /// `staff`, `staff:<what staff typed>`, or `unknown` (contacts from
    /// before sources were kept).
    source: String,
    /// The lead source's name, for `lead:<id>`.
    name: Option<String>,
    #[serde(flatten)]
    totals: SourceTotals,
    /// Won deals per lead, in percent.
    win_rate_percent: Option<f64>,
}

/// One ad's figures.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "AdLine")]
pub struct AdLineView {
    ad: AdReferral,
    #[serde(flatten)]
    totals: SourceTotals,
    /// Won deals per lead, in percent.
    win_rate_percent: Option<f64>,
}

impl SourceReportView {
    /// The view of `lines`.
    pub fn new(from: String, to: String, currency: String, lines: SourceReportLines) -> Self {
        SourceReportView {
            from,
            to,
            currency,
            sources: lines
                .sources
                .into_iter()
                .map(|l| SourceLineView {
                    win_rate_percent: l.totals.win_rate_percent(),
                    source: l.source,
                    name: l.name,
                    totals: l.totals,
                })
                .collect(),
            ads: lines
                .ads
                .into_iter()
                .map(|l| AdLineView { win_rate_percent: l.totals.win_rate_percent(), ad: l.ad, totals: l.totals })
                .collect(),
        }
    }
}
