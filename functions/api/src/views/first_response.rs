//! The first-response report.

use parley::domain::metrics::ResponseStats;
use schemars::JsonSchema;
use serde::Serialize;

/// First-response figures between two days (`YYYY-MM-DD`, inclusive), by
/// agent and by day. Median and p90 are bucket-approximate, the mean exact;
/// all are `null` where nothing was answered.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "FirstResponse")]
pub struct FirstResponseView {
    from: String,
    to: String,
    by_agent: Vec<AgentResponseView>,
    by_day: Vec<DayResponseView>,
}

/// One agent's figures (`agent` is an e-mail, or `unassigned`).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "AgentFirstResponse")]
pub struct AgentResponseView {
    agent: String,
    answered: u64,
    median_seconds: Option<i64>,
    p90_seconds: Option<i64>,
    mean_seconds: Option<i64>,
}

/// One day's figures.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "DayFirstResponse")]
pub struct DayResponseView {
    day: String,
    answered: u64,
    median_seconds: Option<i64>,
    p90_seconds: Option<i64>,
    mean_seconds: Option<i64>,
}

impl FirstResponseView {
    /// The report between `from` and `to`.
    pub fn new(from: String, to: String, by_agent: Vec<ResponseStats>, by_day: Vec<ResponseStats>) -> Self {
        FirstResponseView {
            from,
            to,
            by_agent: by_agent
                .into_iter()
                .map(|r| AgentResponseView {
                    agent: r.key,
                    answered: r.answered,
                    median_seconds: r.median_seconds,
                    p90_seconds: r.p90_seconds,
                    mean_seconds: r.mean_seconds,
                })
                .collect(),
            by_day: by_day
                .into_iter()
                .map(|r| DayResponseView {
                    day: r.key,
                    answered: r.answered,
                    median_seconds: r.median_seconds,
                    p90_seconds: r.p90_seconds,
                    mean_seconds: r.mean_seconds,
                })
                .collect(),
        }
    }
}
