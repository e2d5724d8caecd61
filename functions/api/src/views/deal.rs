//! A deal with its stage history.

use parley::domain::pipeline::{Deal, StageChange};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

/// A deal; `value_minor` is in minor units of `currency`, times are RFC 3339
/// and `expected_close` is a day, `YYYY-MM-DD`.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Deal")]
pub struct DealView {
    id: String,
    contact_id: String,
    pipeline: String,
    stage: String,
    title: String,
    value_minor: i64,
    currency: String,
    owner: Option<String>,
    expected_close: Option<String>,
    custom_fields: BTreeMap<String, String>,
    /// Every stage it has been in, oldest first.
    history: Vec<StageChangeView>,
    created_at: String,
    updated_at: String,
}

/// One move; `from` is `null` for the stage the deal was opened in.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "StageChange")]
pub struct StageChangeView {
    from: Option<String>,
    to: String,
    by: String,
    at: String,
}

impl From<StageChange> for StageChangeView {
    fn from(h: StageChange) -> Self {
        StageChangeView { from: h.from, to: h.to, by: h.by, at: h.at.to_rfc3339() }
    }
}

impl From<Deal> for DealView {
    fn from(d: Deal) -> Self {
        DealView {
            id: d.id,
            contact_id: d.contact_id.to_string(),
            pipeline: d.pipeline,
            stage: d.stage,
            title: d.title,
            value_minor: d.value_minor,
            currency: d.currency,
            owner: d.owner,
            expected_close: d.expected_close,
            custom_fields: d.custom_fields,
            history: d.history.into_iter().map(StageChangeView::from).collect(),
            created_at: d.created_at.to_rfc3339(),
            updated_at: d.updated_at.to_rfc3339(),
        }
    }
}
