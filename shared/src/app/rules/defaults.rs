//! The rules every business starts with, each switchable, created once: a
//! seed that runs again (every cold start) finds them by their fixed ids
//! and changes nothing, so staff's edits and switches stay.

use crate::domain::rule::{Action, Condition, Rule, Trigger};
use crate::domain::{AuditEntry, Millis};
use crate::ports::{RuleStore, StoreError};

/// Quote Sent and no reply for 2 days → a follow-up task for the owner.
pub const QUOTE_FOLLOW_UP: &str = "default-quote-follow-up";
/// First message outside business hours → the away message.
pub const AWAY_MESSAGE: &str = "default-away-message";
/// Deal won → a thank-you template (off until a template is chosen).
pub const WON_THANKS: &str = "default-won-thanks";

/// The day-one rules.
pub fn default_rules(now: Millis) -> Vec<Rule> {
    let rule = |id: &str, name: &str, enabled, trigger, conditions, actions| Rule {
        id: id.to_owned(),
        name: name.to_owned(),
        enabled,
        trigger,
        conditions,
        actions,
        failing: None,
        default_key: Some(id.to_owned()),
        updated_at: now,
    };
    vec![
        rule(
            QUOTE_FOLLOW_UP,
            "Quote sent and no reply for 2 days: follow up",
            true,
            Trigger::NoCustomerReply { hours: 48 },
            vec![Condition::Stage { pipeline: "sales".into(), stage: Some("quote_sent".into()) }],
            vec![Action::CreateTask {
                title: "Follow up on the quote for {{contact.name}}".into(),
                due_in_hours: 0,
                owner: None,
            }],
        ),
        rule(
            AWAY_MESSAGE,
            "Away message outside business hours",
            true,
            Trigger::OutsideHours,
            vec![],
            vec![Action::SendText {
                text: "Thanks for your message! We're closed right now and will reply as soon as we open.".into(),
            }],
        ),
        rule(
            WON_THANKS,
            "Deal won: thank-you template",
            false,
            Trigger::StageChanged { from: None, to: Some("won".into()) },
            vec![],
            vec![Action::SendTemplate {
                name: String::new(),
                language: "en".into(),
                params: vec!["{{contact.name}}".into()],
            }],
        ),
    ]
}

/// Creates the default rules that do not exist yet; how many it created.
pub async fn seed_default_rules(rules: &dyn RuleStore, now: Millis) -> Result<usize, StoreError> {
    let mut created = 0;
    for rule in default_rules(now) {
        let audit = AuditEntry {
            at: now,
            actor: "system".to_owned(),
            action: "rule_create".to_owned(),
            contact: None,
            detail: serde_json::json!({"rule": rule.id, "name": rule.name, "default": true}).to_string(),
        };
        if rules.create_rule(&rule, &audit).await? {
            created += 1;
        }
    }
    Ok(created)
}

/// `rules` with any default not created yet created now: whoever reads the
/// rules first (the engine on the first event, or the Automation screen)
/// seeds them, and afterwards this costs nothing (defaults are switched off,
/// never deleted, so a missing one was never created).
pub async fn with_defaults(store: &dyn RuleStore, mut rules: Vec<Rule>, now: Millis) -> Result<Vec<Rule>, StoreError> {
    if default_rules(now).iter().all(|d| rules.iter().any(|r| r.id == d.id)) {
        return Ok(rules);
    }
    seed_default_rules(store, now).await?;
    rules = store.rules().await?;
    Ok(rules)
}
