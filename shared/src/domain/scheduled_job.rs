//! Work that falls due at a time: what a one-time wake-up carries, so that
//! the function it wakes knows what to check. A job only names its subject;
//! the runner re-reads the subject's current state before acting, so a job
//! that fires late, twice, or after its subject moved on does nothing wrong.

use super::{ContactId, Millis};
use serde::{Deserialize, Serialize};

/// What a wake-up is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum ScheduledJob {
    /// A task falls due; `due_at` tells a stale wake-up (the task was snoozed
    /// since) from the current one.
    TaskDue {
        /// The task.
        task_id: String,
        /// The due time this wake-up was set for.
        due_at: Millis,
    },
    /// A conversation has waited on us since `waiting_since`; fires when the
    /// SLA runs out.
    SlaCheck {
        /// The conversation's contact.
        contact_id: ContactId,
        /// When the oldest unanswered customer message arrived.
        waiting_since: Millis,
    },
    /// A deal entered `stage` at `since`; fires when the stage's idle limit runs out.
    DealIdle {
        /// The deal.
        deal_id: String,
        /// The stage it was in when this was set.
        stage: String,
        /// When it entered that stage.
        since: Millis,
    },
    /// Outbound messages may be stuck in `queued` or `sending`: sweep them.
    OutboxSweep,
    /// Moves a bounded step of the items written before the list indexes
    /// were sharded; re-arms itself until nothing is left.
    IndexBackfill,
    /// A rule's time trigger ("no reply for N hours", "idle for N days") for
    /// one subject.
    RuleTimer {
        /// The rule.
        rule_id: String,
        /// What the timer is about (a contact id, a deal id), unique within the rule.
        subject: String,
        /// The instant the trigger counts from; a later state change makes it stale.
        since: Millis,
    },
    /// The IndiaMART pull; each run schedules the next while the source is set up.
    LeadPull,
}

impl ScheduledJob {
    /// A stable name: scheduling a job with the same name again moves it
    /// instead of adding a second one. At most 64 characters of
    /// `[0-9A-Za-z_.-]`, as EventBridge Scheduler requires.
    pub fn name(&self) -> String {
        let name = match self {
            ScheduledJob::TaskDue { task_id, .. } => format!("task-{task_id}"),
            ScheduledJob::SlaCheck { contact_id, .. } => format!("sla-{contact_id}"),
            ScheduledJob::DealIdle { deal_id, .. } => format!("idle-{deal_id}"),
            ScheduledJob::OutboxSweep => "outbox-sweep".to_owned(),
            ScheduledJob::IndexBackfill => "index-backfill".to_owned(),
            ScheduledJob::LeadPull => "lead-pull-indiamart".to_owned(),
            ScheduledJob::RuleTimer { rule_id, subject, .. } => format!("rule-{rule_id}-{subject}"),
        };
        schedule_safe(&name)
    }
}

/// Keeps a name within the Scheduler's alphabet and length: anything else
/// becomes `_`, and a name too long keeps its head and a digest of the whole.
fn schedule_safe(name: &str) -> String {
    use sha2::{Digest, Sha256};
    let cleaned: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    if cleaned.len() <= 64 {
        return cleaned;
    }
    let digest = hex::encode(&Sha256::digest(name.as_bytes())[..8]);
    format!("{}-{digest}", &cleaned[..47])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_stable_and_fit_the_scheduler() {
        let job = ScheduledJob::TaskDue { task_id: "t1".into(), due_at: Millis(5) };
        let moved = ScheduledJob::TaskDue { task_id: "t1".into(), due_at: Millis(9) };
        assert_eq!(job.name(), moved.name());
        let long = ScheduledJob::RuleTimer { rule_id: "r".repeat(40), subject: "s/x".repeat(20), since: Millis(1) };
        let other = ScheduledJob::RuleTimer { rule_id: "r".repeat(40), subject: "s/y".repeat(20), since: Millis(1) };
        assert!(long.name().len() <= 64);
        assert_ne!(long.name(), other.name());
        assert!(long.name().chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)));
    }

    #[test]
    fn a_job_travels_as_tagged_json() {
        let job = ScheduledJob::OutboxSweep;
        let json = serde_json::to_string(&job).unwrap_or_default();
        assert_eq!(json, r#"{"job":"outbox_sweep"}"#);
        assert_eq!(serde_json::from_str::<ScheduledJob>(&json).ok(), Some(job));
    }
}
