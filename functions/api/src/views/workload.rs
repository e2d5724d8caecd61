//! The team's workload right now.

use parley::app::reports::Workload;
use schemars::JsonSchema;
use serde::Serialize;

/// Conversations nobody owns or waiting past the SLA, and the team's
/// follow-ups due today or already late.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Workload")]
pub struct WorkloadView {
    unassigned: u64,
    overdue: u64,
    tasks_due_today: u64,
    tasks_overdue: u64,
}

impl From<Workload> for WorkloadView {
    fn from(w: Workload) -> Self {
        WorkloadView {
            unassigned: w.unassigned,
            overdue: w.overdue,
            tasks_due_today: w.tasks_due_today,
            tasks_overdue: w.tasks_overdue,
        }
    }
}
