//! Domain events: what happened, written in the same transaction as the
//! change it describes, so that automation, extensions and live push only
//! ever hear of changes that committed.

use super::{ContactId, Millis};
use serde::{Deserialize, Serialize};

/// The version of the event envelope and payloads. Consumers outside Parley
/// (webhooks, EventBridge rules) see it; a breaking change bumps it.
pub const EVENT_SCHEMA_VERSION: u32 = 1;

/// What kind of change an event describes. The dotted names are the public
/// ones: webhook subscriptions, EventBridge `detail-type` and the schema use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EventKind {
    /// A customer message was stored (once per wamid).
    #[serde(rename = "message.received")]
    MessageReceived,
    /// An outbound message moved on (sent, delivered, read, failed).
    #[serde(rename = "message.status_changed")]
    MessageStatusChanged,
    /// Meta priced an outbound message (billed or free, and its category),
    /// once per wamid, whichever of its statuses said so first.
    #[serde(rename = "message.priced")]
    MessagePriced,
    /// The business wrote to a customer from the WhatsApp Business app on
    /// its phone (coexistence), once per wamid.
    #[serde(rename = "message.sent_from_phone_app")]
    MessageSentFromPhoneApp,
    /// A conversation got an owner, or changed owner.
    #[serde(rename = "conversation.assigned")]
    ConversationAssigned,
    /// A conversation was closed.
    #[serde(rename = "conversation.closed")]
    ConversationClosed,
    /// A deal was opened.
    #[serde(rename = "deal.created")]
    DealCreated,
    /// A deal moved between stages.
    #[serde(rename = "deal.stage_changed")]
    DealStageChanged,
    /// A task or follow-up was created.
    #[serde(rename = "task.created")]
    TaskCreated,
    /// A task was completed.
    #[serde(rename = "task.done")]
    TaskDone,
    /// A contact appeared (first message, new lead, import).
    #[serde(rename = "contact.created")]
    ContactCreated,
    /// Two contacts became one.
    #[serde(rename = "contact.merged")]
    ContactMerged,
    /// An automation rule acted (or tried to).
    #[serde(rename = "rule.executed")]
    RuleExecuted,
    /// A quote was sent to its customer.
    #[serde(rename = "quote.sent")]
    QuoteSent,
    /// A quote was accepted (by staff, or the customer's Accept reply).
    #[serde(rename = "quote.accepted")]
    QuoteAccepted,
    /// A quote was declined.
    #[serde(rename = "quote.declined")]
    QuoteDeclined,
    /// A quote became an invoice.
    #[serde(rename = "quote.invoiced")]
    QuoteInvoiced,
    /// An invoice was marked paid.
    #[serde(rename = "quote.paid")]
    QuotePaid,
    /// A customer's WhatsApp call began to ring, once per call.
    #[serde(rename = "call.ringing")]
    CallRinging,
    /// A teammate answered a customer's WhatsApp call in the browser.
    #[serde(rename = "call.answered")]
    CallAnswered,
}

impl EventKind {
    /// Every kind, in the order the schema documents them.
    pub const ALL: [EventKind; 20] = [
        EventKind::MessageReceived,
        EventKind::MessageStatusChanged,
        EventKind::MessagePriced,
        EventKind::MessageSentFromPhoneApp,
        EventKind::ConversationAssigned,
        EventKind::ConversationClosed,
        EventKind::DealCreated,
        EventKind::DealStageChanged,
        EventKind::TaskCreated,
        EventKind::TaskDone,
        EventKind::ContactCreated,
        EventKind::ContactMerged,
        EventKind::RuleExecuted,
        EventKind::QuoteSent,
        EventKind::QuoteAccepted,
        EventKind::QuoteDeclined,
        EventKind::QuoteInvoiced,
        EventKind::QuotePaid,
        EventKind::CallRinging,
        EventKind::CallAnswered,
    ];

    /// The public dotted name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::MessageReceived => "message.received",
            EventKind::MessageStatusChanged => "message.status_changed",
            EventKind::MessagePriced => "message.priced",
            EventKind::MessageSentFromPhoneApp => "message.sent_from_phone_app",
            EventKind::ConversationAssigned => "conversation.assigned",
            EventKind::ConversationClosed => "conversation.closed",
            EventKind::DealCreated => "deal.created",
            EventKind::DealStageChanged => "deal.stage_changed",
            EventKind::TaskCreated => "task.created",
            EventKind::TaskDone => "task.done",
            EventKind::ContactCreated => "contact.created",
            EventKind::ContactMerged => "contact.merged",
            EventKind::RuleExecuted => "rule.executed",
            EventKind::QuoteSent => "quote.sent",
            EventKind::QuoteAccepted => "quote.accepted",
            EventKind::QuoteDeclined => "quote.declined",
            EventKind::QuoteInvoiced => "quote.invoiced",
            EventKind::QuotePaid => "quote.paid",
            EventKind::CallRinging => "call.ringing",
            EventKind::CallAnswered => "call.answered",
        }
    }

    /// The kind with this public name, if there is one.
    pub fn parse(name: &str) -> Option<Self> {
        EventKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// One change, as consumers receive it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Derived from the change itself (for example the deal and the instant of
    /// its move), so a retried write yields the same id and consumers can
    /// drop repeats.
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EventKind,
    /// [`EVENT_SCHEMA_VERSION`] when it was written.
    pub version: u32,
    /// When the change happened.
    pub at: Millis,
    /// The contact it concerns, when it concerns one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<ContactId>,
    /// The staff member who caused it; `None` for customers, Meta and automation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The kind's payload (documented per kind in the event schema). Never a
    /// phone number or a secret.
    pub data: serde_json::Value,
}

impl Event {
    /// An event of the current schema version.
    pub fn new(kind: EventKind, id: impl Into<String>, at: Millis, data: serde_json::Value) -> Self {
        Event { id: id.into(), kind, version: EVENT_SCHEMA_VERSION, at, contact_id: None, actor: None, data }
    }

    /// The same event, about `contact`.
    pub fn about(mut self, contact: &ContactId) -> Self {
        self.contact_id = Some(contact.clone());
        self
    }

    /// The same event, caused by `actor`.
    pub fn by(mut self, actor: &str) -> Self {
        self.actor = Some(actor.to_owned());
        self
    }

    /// Where the message a `message.received` event announces is stored:
    /// the event carries the message's own time, its contact and wamid.
    /// `None` for any other event.
    pub fn received_message(&self) -> Option<super::MessageRef> {
        if self.kind != EventKind::MessageReceived {
            return None;
        }
        let wamid = self.data.get("wamid")?.as_str()?;
        Some(super::MessageRef::new(self.contact_id.clone()?, self.at, wamid))
    }

    /// Meta's type name (`text`, `call`, `interactive`…) of the message a
    /// `message.received` event announces.
    pub fn received_type(&self) -> Option<&str> {
        (self.kind == EventKind::MessageReceived).then(|| self.data.get("message_type")?.as_str()).flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_public_name() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(EventKind::parse("deal.moved"), None);
    }
}
