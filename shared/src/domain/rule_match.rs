//! How a rule meets the world: whether an event starts it (now, or by arming
//! a timer), whether a timer is still due when it fires, whether its
//! conditions hold on the state re-read just before acting, and how field
//! placeholders are filled. Pure: the engine reads, this decides.
//!
//! The event payloads read here (`data`): `message.received` carries
//! `first` (it opened the conversation), `text` (a text's body),
//! `phone_number_id` and `referral` (Meta's, with `source_type`);
//! `deal.stage_changed` `deal`, `pipeline`, `from`, `to`; `deal.created`
//! `deal`; `task.created` `task` and `due_at`; `message.status_changed`
//! `status`; a tap on a quick-reply button adds `button_payload`.

use super::pipeline::Deal;
use super::rule::{Condition, Rule, Trigger};
use super::task::Task;
use super::{Contact, Event, EventKind, Millis};

/// The prefix of the actor automation acts as (`rule:<id>`): events it
/// causes carry it, and no rule runs on them, so rules cannot chain into a loop.
pub const RULE_ACTOR_PREFIX: &str = "rule:";

/// What an event means for one rule's trigger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriggerMatch {
    /// Not this rule's business.
    No,
    /// Runs now, once per `key` (the event id, or a narrower key).
    Fire {
        /// The execution's idempotency key within the rule.
        key: String,
    },
    /// Runs now if the business number is closed, once per closed period.
    FireIfClosed,
    /// Arms (or moves) a timer for `subject`, due at `at`, counting from `since`.
    Arm {
        /// A contact id, deal id or task id.
        subject: String,
        /// When the waiting started.
        since: Millis,
        /// When the timer fires.
        at: Millis,
    },
}

/// Whether the event was caused by automation (no rule runs on those).
pub fn caused_by_rule(event: &Event) -> bool {
    event.actor.as_deref().is_some_and(|actor| actor.starts_with(RULE_ACTOR_PREFIX))
}

fn text(event: &Event, field: &str) -> Option<String> {
    event.data.get(field).and_then(|v| v.as_str()).map(str::to_owned)
}

impl Rule {
    /// Whether its trigger or one of its conditions needs the message a
    /// `message.received` event points at, read back before matching.
    pub fn reads_message_facts(&self) -> bool {
        self.trigger.reads_message_facts() || self.conditions.iter().any(Condition::reads_message_facts)
    }
}

impl Trigger {
    /// Whether matching needs what a `message.received` event leaves out
    /// (the text, the referral, whether it opened the conversation).
    pub fn reads_message_facts(&self) -> bool {
        matches!(
            self,
            Trigger::MessageReceived { first_only: true } | Trigger::Keyword { .. } | Trigger::NewLead { .. }
        )
    }

    /// What `event` means for this trigger.
    pub fn on_event(&self, event: &Event) -> TriggerMatch {
        let fire = || TriggerMatch::Fire { key: event.id.clone() };
        let contact = event.contact_id.as_ref().map(|c| c.as_str().to_owned());
        let first = event.data.get("first").and_then(|v| v.as_bool()).unwrap_or(false);
        match (self, event.kind) {
            (Trigger::MessageReceived { first_only }, EventKind::MessageReceived) if first || !first_only => fire(),
            (Trigger::Keyword { keywords }, EventKind::MessageReceived) => match text(event, "text") {
                Some(body) if keyword_matches(&body, keywords) => fire(),
                _ => TriggerMatch::No,
            },
            (Trigger::StageChanged { from, to }, EventKind::DealStageChanged) => {
                let left = text(event, "from");
                let entered = text(event, "to");
                let from_ok = from.is_none() || *from == left;
                let to_ok = to.is_none() || *to == entered;
                if from_ok && to_ok {
                    fire()
                } else {
                    TriggerMatch::No
                }
            }
            (Trigger::NoCustomerReply { hours }, EventKind::DealStageChanged)
            | (Trigger::NoCustomerReply { hours }, EventKind::MessageStatusChanged)
                if event.kind == EventKind::DealStageChanged || text(event, "status").as_deref() == Some("sent") =>
            {
                match contact {
                    Some(subject) => {
                        TriggerMatch::Arm { subject, since: event.at, at: event.at.plus_hours(i64::from(*hours)) }
                    }
                    None => TriggerMatch::No,
                }
            }
            (Trigger::NoAgentReply { minutes }, EventKind::MessageReceived) => match contact {
                Some(subject) => TriggerMatch::Arm {
                    subject,
                    since: event.at,
                    at: Millis(event.at.0.saturating_add(i64::from(*minutes) * 60_000)),
                },
                None => TriggerMatch::No,
            },
            (Trigger::DealIdle { days }, EventKind::DealStageChanged | EventKind::DealCreated) => {
                match text(event, "deal") {
                    Some(subject) => {
                        TriggerMatch::Arm { subject, since: event.at, at: event.at.plus_hours(i64::from(*days) * 24) }
                    }
                    None => TriggerMatch::No,
                }
            }
            (Trigger::OutsideHours, EventKind::MessageReceived) => TriggerMatch::FireIfClosed,
            (Trigger::NewLead { source }, EventKind::MessageReceived) if first => {
                let Some(referral) = event.data.get("referral").filter(|r| !r.is_null()) else {
                    return TriggerMatch::No;
                };
                let kind = referral.get("source_type").and_then(|v| v.as_str());
                match source {
                    Some(wanted) if kind.is_none_or(|k| !k.eq_ignore_ascii_case(wanted)) => TriggerMatch::No,
                    _ => fire(),
                }
            }
            // A lead a source posted (`POST /leads/{source}`): `source` narrows it to that source's id.
            (Trigger::NewLead { source }, EventKind::ContactCreated) => {
                let from = event.data.get("source").and_then(|v| v.as_str()).and_then(|s| s.strip_prefix("lead:"));
                match (from, source) {
                    (None, _) => TriggerMatch::No,
                    (Some(from), Some(wanted)) if !from.eq_ignore_ascii_case(wanted) => TriggerMatch::No,
                    _ => fire(),
                }
            }
            (Trigger::TaskDue, EventKind::TaskCreated) => {
                let due = event.data.get("due_at").and_then(|v| v.as_i64());
                match (text(event, "task"), due) {
                    (Some(subject), Some(due)) => TriggerMatch::Arm { subject, since: event.at, at: Millis(due) },
                    _ => TriggerMatch::No,
                }
            }
            _ => TriggerMatch::No,
        }
    }

    /// Whether a timer armed at `since` is still due on the state as it is
    /// now (a reply, a stage move or a completed task since makes it stale).
    pub fn still_due(&self, since: Millis, now: Millis, facts: &RuleFacts<'_>, task: Option<&Task>) -> bool {
        match self {
            Trigger::NoCustomerReply { hours } => {
                now >= since.plus_hours(i64::from(*hours))
                    && facts.contact.is_some_and(|c| c.last_inbound_at.is_none_or(|at| at <= since))
            }
            Trigger::NoAgentReply { minutes } => {
                now.0 >= since.0.saturating_add(i64::from(*minutes) * 60_000)
                    && facts.contact.is_some_and(|c| c.conversation.awaiting_since.is_some_and(|at| at <= since))
            }
            Trigger::DealIdle { days } => facts.deal.is_some_and(|deal| {
                let entered = deal.history.last().map_or(deal.created_at, |change| change.at);
                entered <= since && now >= entered.plus_hours(i64::from(*days) * 24)
            }),
            Trigger::TaskDue => task.is_some_and(|task| !task.done && task.due_at <= now),
            _ => false,
        }
    }
}

/// Whether `body` contains one of `keywords` as whole words, ignoring case.
pub fn keyword_matches(body: &str, keywords: &[String]) -> bool {
    let words: Vec<String> = words_of(body);
    keywords.iter().any(|keyword| {
        let wanted = words_of(keyword);
        !wanted.is_empty() && words.windows(wanted.len()).any(|window| window == wanted.as_slice())
    })
}

fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// The state a rule's conditions are checked on, re-read just before acting.
#[derive(Debug, Clone, Copy)]
pub struct RuleFacts<'a> {
    /// The conversation's contact.
    pub contact: Option<&'a Contact>,
    /// The deal in question (the event's, or the contact's latest).
    pub deal: Option<&'a Deal>,
    /// Now.
    pub now: Millis,
    /// The payload of the quick-reply button the customer tapped, when the
    /// event is that tap.
    pub button_payload: Option<&'a str>,
}

impl Condition {
    /// Whether checking it needs the message itself (read back by the rules
    /// before matching).
    pub fn reads_message_facts(&self) -> bool {
        matches!(self, Condition::ButtonPayload { .. })
    }

    /// Whether it holds.
    pub fn holds(&self, facts: &RuleFacts<'_>) -> bool {
        let contact = facts.contact;
        match self {
            Condition::Stage { pipeline, stage } => {
                facts.deal.is_some_and(|d| &d.pipeline == pipeline && stage.as_ref().is_none_or(|s| &d.stage == s))
            }
            Condition::HasTag { tag } => contact.is_some_and(|c| c.tags.iter().any(|t| t.eq_ignore_ascii_case(tag))),
            Condition::LacksTag { tag } => contact.is_some_and(|c| !c.tags.iter().any(|t| t.eq_ignore_ascii_case(tag))),
            Condition::OwnerIs { email } => {
                contact.is_some_and(|c| c.conversation.owner.as_deref().is_some_and(|o| o.eq_ignore_ascii_case(email)))
            }
            Condition::Unassigned => contact.is_some_and(|c| c.conversation.owner.is_none()),
            Condition::Window { open } => contact.is_some_and(|c| c.window.is_open(facts.now) == *open),
            Condition::OptedOut { opted_out } => contact.is_some_and(|c| c.opted_out == *opted_out),
            Condition::FieldEquals { field, value } => contact
                .is_some_and(|c| c.fields.get(field).is_some_and(|v| v.trim().eq_ignore_ascii_case(value.trim()))),
            Condition::BusinessNumber { phone_number_id } => {
                contact.is_some_and(|c| &c.phone_number_id == phone_number_id)
            }
            Condition::ButtonPayload { payload } => {
                facts.button_payload.is_some_and(|tapped| tapped.trim().eq_ignore_ascii_case(payload.trim()))
            }
        }
    }
}

/// Fills `{{contact.name}}`, `{{contact.field.<key>}}`, `{{deal.title}}`,
/// `{{deal.value}}`, `{{deal.stage}}` from the facts; an unknown or empty
/// placeholder becomes empty text.
pub fn fill_fields(text: &str, facts: &RuleFacts<'_>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        out.push_str(&field_value(after[..end].trim(), facts));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn field_value(name: &str, facts: &RuleFacts<'_>) -> String {
    let contact = facts.contact;
    let deal = facts.deal;
    match name {
        "contact.name" => contact.and_then(Contact::shown_name).unwrap_or_default().to_owned(),
        "deal.title" => deal.map(|d| d.title.clone()).unwrap_or_default(),
        "deal.stage" => deal.map(|d| d.stage.clone()).unwrap_or_default(),
        "deal.value" => deal.map(|d| format_minor(d.value_minor, &d.currency)).unwrap_or_default(),
        other => match other.strip_prefix("contact.field.") {
            Some(key) => contact.and_then(|c| c.fields.get(key)).cloned().unwrap_or_default(),
            None => String::new(),
        },
    }
}

fn format_minor(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{currency} {sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn received(data: serde_json::Value) -> Event {
        Event::new(EventKind::MessageReceived, "e1", Millis(1_000), data)
            .about(&crate::domain::ContactId::parse("0123456789abcdef01234567").unwrap())
    }

    #[test]
    fn keywords_match_whole_words_in_any_case() {
        let keywords = vec!["price".to_owned(), "how much".to_owned()];
        assert!(keyword_matches("What's the PRICE?", &keywords));
        assert!(keyword_matches("how  much is it", &keywords));
        assert!(!keyword_matches("priceless", &keywords));
        assert!(!keyword_matches("much how", &keywords));
    }

    #[test]
    fn message_triggers_read_the_payload() {
        let first = received(json!({"first": true, "text": "hello", "referral": {"source_type": "ad"}}));
        let later = received(json!({"first": false, "text": "hello"}));
        let any = Trigger::MessageReceived { first_only: false };
        let opening = Trigger::MessageReceived { first_only: true };
        assert_eq!(any.on_event(&later), TriggerMatch::Fire { key: "e1".into() });
        assert_eq!(opening.on_event(&later), TriggerMatch::No);
        assert_eq!(opening.on_event(&first), TriggerMatch::Fire { key: "e1".into() });
        assert_eq!(
            Trigger::NewLead { source: Some("ad".into()) }.on_event(&first),
            TriggerMatch::Fire { key: "e1".into() }
        );
        assert_eq!(Trigger::NewLead { source: Some("post".into()) }.on_event(&first), TriggerMatch::No);
        assert_eq!(Trigger::NewLead { source: None }.on_event(&later), TriggerMatch::No);
        let posted =
            Event::new(EventKind::ContactCreated, "c1", Millis(1), serde_json::json!({"source": "lead:website"}));
        let added = Event::new(EventKind::ContactCreated, "c2", Millis(1), serde_json::json!({"source": "staff"}));
        assert!(matches!(
            Trigger::NewLead { source: Some("website".into()) }.on_event(&posted),
            TriggerMatch::Fire { .. }
        ));
        assert_eq!(Trigger::NewLead { source: Some("expo".into()) }.on_event(&posted), TriggerMatch::No);
        assert_eq!(Trigger::NewLead { source: None }.on_event(&added), TriggerMatch::No);
        assert_eq!(Trigger::OutsideHours.on_event(&later), TriggerMatch::FireIfClosed);
    }

    #[test]
    fn stage_triggers_match_from_and_to_with_any() {
        let moved =
            Event::new(EventKind::DealStageChanged, "m", Millis(5), json!({"deal": "d1", "from": "new", "to": "won"}));
        let to_won = Trigger::StageChanged { from: None, to: Some("won".into()) };
        let from_lost = Trigger::StageChanged { from: Some("lost".into()), to: None };
        assert_eq!(to_won.on_event(&moved), TriggerMatch::Fire { key: "m".into() });
        assert_eq!(from_lost.on_event(&moved), TriggerMatch::No);
        let idle = Trigger::DealIdle { days: 2 };
        assert_eq!(
            idle.on_event(&moved),
            TriggerMatch::Arm { subject: "d1".into(), since: Millis(5), at: Millis(5).plus_hours(48) }
        );
    }

    #[test]
    fn a_button_payload_condition_holds_only_on_that_tap() {
        let accept = Condition::ButtonPayload { payload: "ACCEPT_QT-1".into() };
        let tapped = |payload| RuleFacts { contact: None, deal: None, now: Millis(0), button_payload: payload };
        assert!(accept.holds(&tapped(Some("accept_qt-1"))));
        assert!(!accept.holds(&tapped(Some("ASK_QT-1"))));
        assert!(!accept.holds(&tapped(None)), "a text message is no tap");
    }

    #[test]
    fn placeholders_are_filled_from_fields() {
        let facts = RuleFacts { contact: None, deal: None, now: Millis(0), button_payload: None };
        assert_eq!(fill_fields("Hi {{contact.name}}, {{nope}}!", &facts), "Hi , !");
        assert_eq!(fill_fields("broken {{contact.name", &facts), "broken {{contact.name");
        assert_eq!(format_minor(123_456, "INR"), "INR 1234.56");
    }
}
