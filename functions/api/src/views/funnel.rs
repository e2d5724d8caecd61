//! A pipeline's funnel.

use parley::domain::metrics::FunnelStep;
use schemars::JsonSchema;
use serde::Serialize;

/// Deals per stage and the conversion between stages, from the deals'
/// histories; `won_value_minor` adds up the won deals' values.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Funnel")]
pub struct FunnelView {
    pipeline: String,
    stages: Vec<FunnelStepView>,
    won_value_minor: i64,
}

/// One stage: deals in it now, deals that ever reached it, and `reached`
/// as a percentage of the previous open stage's (`null` for the first).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "FunnelStep")]
pub struct FunnelStepView {
    stage: String,
    current: usize,
    reached: usize,
    conversion_percent: Option<u32>,
}

impl FunnelView {
    /// The funnel of `pipeline`.
    pub fn new(pipeline: String, steps: Vec<FunnelStep>, won_value_minor: i64) -> Self {
        let stages = steps
            .into_iter()
            .map(|s| FunnelStepView {
                stage: s.stage,
                current: s.current,
                reached: s.reached,
                conversion_percent: s.conversion_percent,
            })
            .collect();
        FunnelView { pipeline, stages, won_value_minor }
    }
}
