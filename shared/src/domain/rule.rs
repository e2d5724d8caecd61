//! Automation rules: deterministic "when this happens, if that holds, do
//! these" stored as data, edited in Settings → Automation and run by the
//! rule engine on committed events and on the timers it arms.

use super::Millis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The most actions one rule may carry: a rule is a short recipe, not a program.
pub const MAX_ACTIONS: usize = 10;
/// The most conditions one rule may carry.
pub const MAX_CONDITIONS: usize = 10;
/// The longest name, in characters.
pub const MAX_NAME: usize = 120;

/// One automation rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Parley's id (`[a-z0-9-]`).
    pub id: String,
    /// What staff call it.
    pub name: String,
    /// Off rules are kept but never run.
    pub enabled: bool,
    /// When it runs.
    pub trigger: Trigger,
    /// What must hold (all of them) when it runs.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// What it does, in order.
    pub actions: Vec<Action>,
    /// Set when an execution could not act (a template gone, a teammate
    /// removed); cleared when the rule is saved again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing: Option<RuleFailure>,
    /// Which built-in default this is, so the seed creates each one once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_key: Option<String>,
    /// When it was last saved.
    pub updated_at: Millis,
}

/// Why a rule is failing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleFailure {
    /// When it last failed.
    pub at: Millis,
    /// What went wrong, in words staff can act on (never a phone or a body).
    pub error: String,
}

/// What starts a rule.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Trigger {
    /// A customer message arrives; with `first_only`, only the one that opens a conversation.
    MessageReceived {
        /// Only the first message of a conversation.
        first_only: bool,
    },
    /// A received text contains one of these words (case-insensitive, whole words).
    Keyword {
        /// The words (or phrases).
        keywords: Vec<String>,
    },
    /// A deal moves between stages; `None` is "any".
    StageChanged {
        /// The stage it left.
        #[cfg_attr(feature = "schemars", schemars(required))]
        from: Option<String>,
        /// The stage it entered.
        #[cfg_attr(feature = "schemars", schemars(required))]
        to: Option<String>,
    },
    /// The customer has not written for `hours` since we wrote or the deal moved.
    NoCustomerReply {
        /// How long.
        hours: u32,
    },
    /// A customer message has waited `minutes` for an answer from us.
    NoAgentReply {
        /// How long.
        minutes: u32,
    },
    /// A deal has stayed in its stage for `days`.
    DealIdle {
        /// How long.
        days: u32,
    },
    /// A customer message arrives while the business number is closed.
    OutsideHours,
    /// A conversation opens from a click-to-WhatsApp ad or another referral,
    /// or a lead source posts a new contact; `source` narrows it to Meta's
    /// `source_type` (`ad`, `post`) or to the lead source's id.
    NewLead {
        /// The referral's source type or the lead source's id, or any.
        #[cfg_attr(feature = "schemars", schemars(required))]
        source: Option<String>,
    },
    /// A task falls due.
    TaskDue,
}

/// Something that must hold for a rule to act.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Condition {
    /// The deal is in this pipeline (and stage, when given).
    Stage {
        /// The pipeline.
        pipeline: String,
        /// The stage, or any of the pipeline.
        #[cfg_attr(feature = "schemars", schemars(required))]
        stage: Option<String>,
    },
    /// The contact carries this tag.
    HasTag {
        /// The tag.
        tag: String,
    },
    /// The contact does not carry this tag.
    LacksTag {
        /// The tag.
        tag: String,
    },
    /// The conversation is owned by this teammate.
    OwnerIs {
        /// Their e-mail.
        email: String,
    },
    /// Nobody owns the conversation.
    Unassigned,
    /// The customer service window is open (`true`) or closed (`false`).
    Window {
        /// Open or closed.
        open: bool,
    },
    /// The contact opted out of marketing (`true`) or not (`false`).
    OptedOut {
        /// Opted out or not.
        opted_out: bool,
    },
    /// A custom field holds this value (compared case-insensitively).
    FieldEquals {
        /// The field.
        field: String,
        /// The value.
        value: String,
    },
    /// The conversation is on this business number.
    BusinessNumber {
        /// Meta's `phone_number_id`.
        phone_number_id: String,
    },
    /// The message is a tap on a template's quick-reply button whose
    /// payload is this (compared case-insensitively).
    ButtonPayload {
        /// The payload set when the template was sent.
        payload: String,
    },
}

/// Something a rule does.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// Sends an approved template; `params` may name fields (`{{contact.name}}`, `{{deal.value}}`).
    SendTemplate {
        /// Template name.
        name: String,
        /// Language code.
        language: String,
        /// Body parameters, in order.
        params: Vec<String>,
    },
    /// Sends a text, only while the service window is open (skipped otherwise).
    SendText {
        /// The text (fields allowed).
        text: String,
    },
    /// Creates a follow-up task for the conversation's owner (or `owner`).
    CreateTask {
        /// Its title (fields allowed).
        title: String,
        /// Due this many hours after the rule runs.
        due_in_hours: u32,
        /// Whose; the conversation's or deal's owner when empty.
        #[cfg_attr(feature = "schemars", schemars(required))]
        owner: Option<String>,
    },
    /// Assigns the conversation to `to`, or round-robin among available agents when empty.
    Assign {
        /// The teammate, or round-robin.
        #[cfg_attr(feature = "schemars", schemars(required))]
        to: Option<String>,
    },
    /// Adds a tag.
    AddTag {
        /// The tag.
        tag: String,
    },
    /// Removes a tag.
    RemoveTag {
        /// The tag.
        tag: String,
    },
    /// Moves the deal to a stage of its pipeline.
    MoveStage {
        /// The stage id.
        stage: String,
    },
    /// Notifies a teammate (the owner when empty).
    Notify {
        /// Their e-mail, or the owner.
        #[cfg_attr(feature = "schemars", schemars(required))]
        to: Option<String>,
        /// The notification's line (fields allowed).
        #[cfg_attr(feature = "schemars", schemars(required))]
        title: Option<String>,
    },
    /// Calls a registered outbound webhook with the triggering event.
    CallWebhook {
        /// The webhook subscription's id.
        webhook: String,
    },
    /// Sends the reply AI assist drafts from the business facts, only
    /// while the service window is open; skipped (and logged) when AI
    /// assist is off or its provider fails. The one way anything the AI
    /// writes reaches a customer without a person sending it.
    SendAiReply {},
}

impl Action {
    /// The action's public name.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::SendTemplate { .. } => "send_template",
            Action::SendText { .. } => "send_text",
            Action::CreateTask { .. } => "create_task",
            Action::Assign { .. } => "assign",
            Action::AddTag { .. } => "add_tag",
            Action::RemoveTag { .. } => "remove_tag",
            Action::MoveStage { .. } => "move_stage",
            Action::Notify { .. } => "notify",
            Action::CallWebhook { .. } => "call_webhook",
            Action::SendAiReply {} => "send_ai_reply",
        }
    }
}

impl Trigger {
    /// Whether it fires on a timer (armed by an event, re-checked when it fires).
    pub fn is_timed(&self) -> bool {
        matches!(
            self,
            Trigger::NoCustomerReply { .. }
                | Trigger::NoAgentReply { .. }
                | Trigger::DealIdle { .. }
                | Trigger::TaskDue
        )
    }
}

impl Rule {
    /// The trigger's public name, for logs.
    pub fn trigger_name(&self) -> &'static str {
        match self.trigger {
            Trigger::MessageReceived { .. } => "message_received",
            Trigger::Keyword { .. } => "keyword",
            Trigger::StageChanged { .. } => "stage_changed",
            Trigger::NoCustomerReply { .. } => "no_customer_reply",
            Trigger::NoAgentReply { .. } => "no_agent_reply",
            Trigger::DealIdle { .. } => "deal_idle",
            Trigger::OutsideHours => "outside_hours",
            Trigger::NewLead { .. } => "new_lead",
            Trigger::TaskDue => "task_due",
        }
    }
}

/// What a rule may refer to, as the store holds it now: validation refuses
/// a rule naming anything else.
#[derive(Debug, Clone, Default)]
pub struct RuleReferences {
    /// `(name, language)` of every template in the catalog.
    pub templates: BTreeSet<(String, String)>,
    /// `(pipeline, stage)` of every stage.
    pub stages: BTreeSet<(String, String)>,
    /// Every active teammate's e-mail.
    pub teammates: BTreeSet<String>,
}

/// Why a rule was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleInvalid {
    /// The name is empty or too long.
    #[error("a rule needs a name of 1 to {MAX_NAME} characters")]
    Name,
    /// No actions, or too many; too many conditions.
    #[error("a rule needs 1 to {MAX_ACTIONS} actions and at most {MAX_CONDITIONS} conditions")]
    Size,
    /// A keyword trigger without keywords, a zero duration.
    #[error("the trigger is incomplete: {0}")]
    Trigger(&'static str),
    /// The template is not in the catalog.
    #[error("unknown template {0} ({1})")]
    UnknownTemplate(String, String),
    /// The stage is not in any pipeline (or not in the named one).
    #[error("unknown stage {0}")]
    UnknownStage(String),
    /// The teammate is not an active member of the team.
    #[error("unknown teammate {0}")]
    UnknownTeammate(String),
    /// An empty tag, text or title.
    #[error("the {0} action needs its text")]
    EmptyText(&'static str),
}

impl Rule {
    /// Checks the rule against what exists now.
    pub fn validate(&self, refs: &RuleReferences) -> Result<(), RuleInvalid> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME {
            return Err(RuleInvalid::Name);
        }
        if self.actions.is_empty() || self.actions.len() > MAX_ACTIONS || self.conditions.len() > MAX_CONDITIONS {
            return Err(RuleInvalid::Size);
        }
        self.validate_trigger(refs)?;
        for condition in &self.conditions {
            match condition {
                Condition::Stage { pipeline, stage } => {
                    let known = match stage {
                        Some(stage) => refs.stages.contains(&(pipeline.clone(), stage.clone())),
                        None => refs.stages.iter().any(|(p, _)| p == pipeline),
                    };
                    if !known {
                        return Err(RuleInvalid::UnknownStage(stage.clone().unwrap_or_else(|| pipeline.clone())));
                    }
                }
                Condition::OwnerIs { email } => known_teammate(refs, email)?,
                Condition::HasTag { tag } | Condition::LacksTag { tag } if tag.trim().is_empty() => {
                    return Err(RuleInvalid::EmptyText("tag"))
                }
                Condition::ButtonPayload { payload } if payload.trim().is_empty() => {
                    return Err(RuleInvalid::EmptyText("button payload"))
                }
                _ => {}
            }
        }
        for action in &self.actions {
            self.validate_action(action, refs)?;
        }
        Ok(())
    }

    fn validate_trigger(&self, refs: &RuleReferences) -> Result<(), RuleInvalid> {
        match &self.trigger {
            Trigger::Keyword { keywords } if keywords.iter().all(|k| k.trim().is_empty()) => {
                Err(RuleInvalid::Trigger("at least one keyword"))
            }
            Trigger::NoCustomerReply { hours: 0 } => Err(RuleInvalid::Trigger("a number of hours")),
            Trigger::NoAgentReply { minutes: 0 } => Err(RuleInvalid::Trigger("a number of minutes")),
            Trigger::DealIdle { days: 0 } => Err(RuleInvalid::Trigger("a number of days")),
            Trigger::StageChanged { from, to } => {
                for stage in [from, to].into_iter().flatten() {
                    if !refs.stages.iter().any(|(_, s)| s == stage) {
                        return Err(RuleInvalid::UnknownStage(stage.clone()));
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn validate_action(&self, action: &Action, refs: &RuleReferences) -> Result<(), RuleInvalid> {
        match action {
            Action::SendTemplate { name, language, .. }
                if !refs.templates.contains(&(name.clone(), language.clone())) =>
            {
                return Err(RuleInvalid::UnknownTemplate(name.clone(), language.clone()));
            }
            Action::SendText { text } if text.trim().is_empty() => return Err(RuleInvalid::EmptyText("send_text")),
            Action::CreateTask { title, owner, .. } => {
                if title.trim().is_empty() {
                    return Err(RuleInvalid::EmptyText("create_task"));
                }
                if let Some(owner) = owner {
                    known_teammate(refs, owner)?;
                }
            }
            Action::Assign { to: Some(to) } | Action::Notify { to: Some(to), .. } => known_teammate(refs, to)?,
            Action::AddTag { tag } | Action::RemoveTag { tag } if tag.trim().is_empty() => {
                return Err(RuleInvalid::EmptyText("tag"))
            }
            Action::MoveStage { stage } if !refs.stages.iter().any(|(_, s)| s == stage) => {
                return Err(RuleInvalid::UnknownStage(stage.clone()));
            }
            Action::CallWebhook { webhook } if webhook.trim().is_empty() => {
                return Err(RuleInvalid::EmptyText("call_webhook"))
            }
            _ => {}
        }
        Ok(())
    }
}

fn known_teammate(refs: &RuleReferences, email: &str) -> Result<(), RuleInvalid> {
    if refs.teammates.contains(&super::user::normalize_email(email)) {
        Ok(())
    } else {
        Err(RuleInvalid::UnknownTeammate(email.to_owned()))
    }
}

/// The id of the execution of `rule_id` for `key` (its cause): the same
/// cause gives the same id, so claims and log lines dedupe on it.
pub fn execution_id(rule_id: &str, key: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(format!("{rule_id}|{key}").as_bytes())[..12])
}

/// One line of a rule's log: what it did, why, and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleLogEntry {
    /// The execution's id (the rule and its idempotency key, digested).
    pub id: String,
    /// The rule.
    pub rule_id: String,
    /// When it ran.
    pub at: Millis,
    /// Why: the triggering event's id, or the timer.
    pub cause: String,
    /// The contact it acted on.
    pub contact_id: Option<super::ContactId>,
    /// What each action did (`send_template: queued`, `send_text: skipped, window closed`).
    pub outcomes: Vec<String>,
    /// `ok`, `skipped` or `failed`.
    pub result: RuleResult,
}

/// How an execution ended.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleResult {
    /// Every action acted (or had nothing to do).
    Ok,
    /// An action could not act; the rule is marked failing.
    Failed,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs() -> RuleReferences {
        RuleReferences {
            templates: [("thanks".to_owned(), "en".to_owned())].into(),
            stages: [("sales".to_owned(), "won".to_owned()), ("sales".to_owned(), "quote_sent".to_owned())].into(),
            teammates: ["asha@shop.example".to_owned()].into(),
        }
    }

    fn rule(actions: Vec<Action>) -> Rule {
        Rule {
            id: "r1".into(),
            name: "Thank".into(),
            enabled: true,
            trigger: Trigger::StageChanged { from: None, to: Some("won".into()) },
            conditions: vec![],
            actions,
            failing: None,
            default_key: None,
            updated_at: Millis(0),
        }
    }

    #[test]
    fn refuses_what_does_not_exist() {
        let unknown_template =
            rule(vec![Action::SendTemplate { name: "gone".into(), language: "en".into(), params: vec![] }]);
        assert_eq!(unknown_template.validate(&refs()), Err(RuleInvalid::UnknownTemplate("gone".into(), "en".into())));
        let unknown_stage = rule(vec![Action::MoveStage { stage: "nowhere".into() }]);
        assert_eq!(unknown_stage.validate(&refs()), Err(RuleInvalid::UnknownStage("nowhere".into())));
        let unknown_mate = rule(vec![Action::Assign { to: Some("bob@shop.example".into()) }]);
        assert_eq!(unknown_mate.validate(&refs()), Err(RuleInvalid::UnknownTeammate("bob@shop.example".into())));
        assert_eq!(rule(vec![]).validate(&refs()), Err(RuleInvalid::Size));
        let good = rule(vec![Action::SendTemplate { name: "thanks".into(), language: "en".into(), params: vec![] }]);
        assert_eq!(good.validate(&refs()), Ok(()));
    }

    #[test]
    fn travels_as_tagged_json() {
        let json = serde_json::json!({
            "id": "r1", "name": "Away", "enabled": true, "updated_at": 0,
            "trigger": {"type": "keyword", "keywords": ["price"]},
            "conditions": [{"type": "window", "open": true}],
            "actions": [{"type": "send_text", "text": "Hi {{contact.name}}"}]
        });
        let rule: Rule = serde_json::from_value(json).unwrap();
        assert_eq!(rule.trigger, Trigger::Keyword { keywords: vec!["price".into()] });
        assert_eq!(rule.actions[0].kind(), "send_text");
    }
}
