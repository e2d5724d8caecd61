//! What one rule execution leaves behind: its log line, an audit line on
//! the contact's trail and a `rule.executed` event, written together.

use crate::domain::rule::{RuleLogEntry, RuleResult};
use crate::domain::rule_match::RULE_ACTOR_PREFIX;
use crate::domain::{AuditEntry, Event, EventKind};

/// One finished execution.
pub(super) struct Execution {
    pub(super) entry: RuleLogEntry,
    pub(super) rule_name: String,
}

impl Execution {
    fn actor(&self) -> String {
        format!("{RULE_ACTOR_PREFIX}{}", self.entry.rule_id)
    }

    fn detail(&self) -> serde_json::Value {
        serde_json::json!({
            "rule": self.entry.rule_id,
            "name": self.rule_name,
            "cause": self.entry.cause,
            "outcomes": self.entry.outcomes,
            "result": match self.entry.result { RuleResult::Ok => "ok", RuleResult::Failed => "failed" },
        })
    }

    /// The line on the contact's audit trail.
    pub(super) fn audit(&self) -> AuditEntry {
        AuditEntry {
            at: self.entry.at,
            actor: self.actor(),
            action: "rule_executed".to_owned(),
            contact: self.entry.contact_id.clone(),
            detail: self.detail().to_string(),
        }
    }

    /// The `rule.executed` event.
    pub(super) fn event(&self) -> Event {
        let event = Event::new(
            EventKind::RuleExecuted,
            format!("rule.executed:{}", self.entry.id),
            self.entry.at,
            self.detail(),
        )
        .by(&self.actor());
        match &self.entry.contact_id {
            Some(contact) => event.about(contact),
            None => event,
        }
    }
}
