//! The health page's answer: each part with its own state, so one that
//! could not be read shows as unknown beside the others.

use super::{DeadLetterQueueView, MetaVolumeTierView};
use parley::app::health::HealthReport;
use parley::domain::number_standing::NumberStanding;
use parley::domain::Millis;
use parley::ports::{BackfillStep, TokenState};
use schemars::JsonSchema;
use serde::Serialize;

/// The deployment's health.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Health")]
pub struct HealthView {
    /// When the newest customer message arrived (RFC 3339; null: none
    /// yet, or unreadable, then `last_customer_message_known` is false).
    last_customer_message_at: Option<String>,
    last_customer_message_known: bool,
    /// Every watched queue (null: SQS could not be read).
    queues: Option<Vec<DeadLetterQueueView>>,
    /// `valid`, `rejected` (renew it: see `access_token_code`) or `unknown`
    /// (Meta could not be asked).
    access_token: String,
    /// Meta's error code when rejected (190: expired or revoked).
    access_token_code: Option<i64>,
    /// The data version this code reads.
    data_version: u32,
    /// Data migrations still to run (null: unreadable; empty: up to date).
    migrations_pending: Option<Vec<String>>,
    /// The deployed code's version.
    code_version: String,
    /// What Meta last said of each business number, or of the whole
    /// account (null: unreadable).
    numbers: Option<Vec<NumberStandingView>>,
    /// The volume tier Meta last put each account in, per category and
    /// region (null: unreadable).
    volume_tiers: Option<Vec<MetaVolumeTierView>>,
}

/// Meta's latest word on one business number.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "NumberStanding")]
pub struct NumberStandingView {
    /// The number as Meta shows it, or the account's id when
    /// `account_wide`.
    number: String,
    /// Meta's word is about the whole WhatsApp Business Account.
    account_wide: bool,
    /// Meta's latest quality event (`FLAGGED`, `UNFLAGGED`, `UPGRADE`,
    /// `DOWNGRADE`, …) and when (RFC 3339).
    quality_event: Option<String>,
    quality_at: Option<String>,
    /// The messaging limit (`TIER_1K`, `TIER_UNLIMITED`, …).
    messaging_limit: Option<String>,
    /// Meta's latest account event (`VERIFIED_ACCOUNT`,
    /// `ACCOUNT_RESTRICTION`, `ACCOUNT_VIOLATION`, …), its reason, and when.
    account_event: Option<String>,
    account_detail: Option<String>,
    account_at: Option<String>,
    /// Flagged, downgraded, restricted, disabled or in violation.
    needs_attention: bool,
}

impl From<NumberStanding> for NumberStandingView {
    fn from(n: NumberStanding) -> Self {
        let needs_attention = n.needs_attention();
        let (quality_event, quality_at) = n.quality.map(|(e, at)| (e, at.to_rfc3339())).unzip();
        let (account_event, account_detail, account_at) = match n.account {
            Some((event, detail, at)) => (Some(event), detail, Some(at.to_rfc3339())),
            None => (None, None, None),
        };
        NumberStandingView {
            number: n.number,
            account_wide: n.account_wide,
            quality_event,
            quality_at,
            messaging_limit: n.limit,
            account_event,
            account_detail,
            account_at,
            needs_attention,
        }
    }
}

impl From<HealthReport> for HealthView {
    fn from(report: HealthReport) -> Self {
        let (access_token, access_token_code) = match report.access_token {
            TokenState::Valid => ("valid", None),
            TokenState::Rejected { code } => ("rejected", Some(code)),
            TokenState::Unknown => ("unknown", None),
        };
        HealthView {
            last_customer_message_known: report.last_customer_message_at.is_ok(),
            last_customer_message_at: report.last_customer_message_at.ok().flatten().map(Millis::to_rfc3339),
            queues: report.queues.ok().map(|q| q.into_iter().map(DeadLetterQueueView::from).collect()),
            access_token: access_token.to_owned(),
            access_token_code,
            data_version: BackfillStep::newest_version(),
            migrations_pending: report.migrations_pending.ok().map(|p| p.iter().map(|s| s.name().to_owned()).collect()),
            code_version: report.code_version.to_owned(),
            numbers: report.numbers.ok().map(|n| n.into_iter().map(NumberStandingView::from).collect()),
            volume_tiers: report.volume_tiers.ok().map(|t| t.into_iter().map(MetaVolumeTierView::from).collect()),
        }
    }
}

/// How many dead messages a redrive moved back to their work queue.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Redriven")]
pub struct RedrivenView {
    pub(crate) queue: String,
    pub(crate) moved: usize,
}
