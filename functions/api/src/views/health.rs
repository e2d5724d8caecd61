//! The health page's answer: each part with its own state, so one that
//! could not be read shows as unknown beside the others.

use super::DeadLetterQueueView;
use parley::app::health::HealthReport;
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
