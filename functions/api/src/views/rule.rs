//! Automation rules, their log lines and dry runs as the API shows them.

use parley::app::rules::DryRunLine;
use parley::domain::rule::{Action, Condition, Rule, RuleLogEntry, RuleResult, Trigger};
use parley::domain::Millis;
use schemars::JsonSchema;
use serde::Serialize;

/// Why a rule is failing: when it last could not act, and what went wrong.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "RuleFailure")]
pub struct RuleFailureView {
    at: String,
    error: String,
}

/// A rule; `failing` is `null` while it works, `default_key` names a
/// day-one default (switched off, never deleted).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Rule")]
pub struct RuleView {
    id: String,
    name: String,
    enabled: bool,
    trigger: Trigger,
    conditions: Vec<Condition>,
    actions: Vec<Action>,
    failing: Option<RuleFailureView>,
    default_key: Option<String>,
    updated_at: String,
}

impl From<Rule> for RuleView {
    fn from(r: Rule) -> Self {
        RuleView {
            id: r.id,
            name: r.name,
            enabled: r.enabled,
            trigger: r.trigger,
            conditions: r.conditions,
            actions: r.actions,
            failing: r.failing.map(|f| RuleFailureView { at: f.at.to_rfc3339(), error: f.error }),
            default_key: r.default_key,
            updated_at: r.updated_at.to_rfc3339(),
        }
    }
}

/// One execution of a rule: its cause, each action's outcome, the result.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "RuleLogEntry")]
pub struct RuleLogEntryView {
    id: String,
    at: String,
    cause: String,
    contact_id: Option<String>,
    outcomes: Vec<String>,
    result: RuleResult,
}

impl From<RuleLogEntry> for RuleLogEntryView {
    fn from(e: RuleLogEntry) -> Self {
        RuleLogEntryView {
            id: e.id,
            at: e.at.to_rfc3339(),
            cause: e.cause,
            contact_id: e.contact_id.map(|c| c.to_string()),
            outcomes: e.outcomes,
            result: e.result,
        }
    }
}

/// What the rule would have done for one past event: `run` its actions, or
/// arm a `timer` due at `due_at` (re-checked then). Conditions were checked
/// on today's state.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "DryRunLine")]
pub struct DryRunLineView {
    at: String,
    event_id: String,
    event_type: String,
    contact_id: Option<String>,
    #[schemars(extend("enum" = ["run", "timer"]))]
    outcome: String,
    due_at: Option<String>,
    actions: Vec<String>,
}

/// A dry run over the last `days` days of events; nothing was done.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "DryRun")]
pub struct DryRunView {
    days: i64,
    lines: Vec<DryRunLineView>,
}

impl DryRunView {
    /// The view of a dry run's lines.
    pub fn new(days: i64, lines: Vec<DryRunLine>) -> Self {
        let lines = lines
            .into_iter()
            .map(|l| DryRunLineView {
                at: l.at.to_rfc3339(),
                event_id: l.event_id,
                event_type: l.event_kind.to_owned(),
                contact_id: l.contact_id.map(|c| c.to_string()),
                outcome: l.outcome.to_owned(),
                due_at: l.due_at.map(Millis::to_rfc3339),
                actions: l.actions.into_iter().map(str::to_owned).collect(),
            })
            .collect();
        DryRunView { days, lines }
    }
}
