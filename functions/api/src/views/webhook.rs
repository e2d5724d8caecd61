//! Outbound webhook subscriptions and their deliveries as the API shows them.

use parley::app::webhooks::WithSecret;
use parley::domain::{Attempt, WebhookDelivery, WebhookSubscription};
use schemars::JsonSchema;
use serde::Serialize;

/// The public event type names a subscription can ask for.
const KINDS: [&str; 20] = [
    "message.received",
    "message.status_changed",
    "message.priced",
    "message.sent_from_phone_app",
    "conversation.assigned",
    "conversation.closed",
    "deal.created",
    "deal.stage_changed",
    "task.created",
    "task.done",
    "contact.created",
    "contact.merged",
    "rule.executed",
    "quote.sent",
    "quote.accepted",
    "quote.declined",
    "quote.invoiced",
    "quote.paid",
    "call.ringing",
    "call.answered",
];

/// A subscription; never its secret.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Webhook")]
pub struct WebhookView {
    id: String,
    name: String,
    url: String,
    #[schemars(extend("items" = {"type": "string", "enum": KINDS}))]
    kinds: Vec<&'static str>,
    active: bool,
    /// RFC 3339.
    created_at: String,
}

impl From<WebhookSubscription> for WebhookView {
    fn from(s: WebhookSubscription) -> Self {
        WebhookView {
            id: s.id,
            name: s.name,
            url: s.url,
            kinds: s.kinds.iter().map(|k| k.as_str()).collect(),
            active: s.active,
            created_at: s.created_at.to_rfc3339(),
        }
    }
}

/// A subscription with its signing secret: the only answers that carry it
/// (creation and rotation). Store it now; it is never shown again.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "WebhookWithSecret")]
pub struct WebhookSecretView {
    webhook: WebhookView,
    secret: String,
}

impl From<WithSecret> for WebhookSecretView {
    fn from(w: WithSecret) -> Self {
        WebhookSecretView { secret: w.secret.expose().to_owned(), webhook: w.subscription.into() }
    }
}

/// One POST to the receiver.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "WebhookAttempt")]
pub struct AttemptView {
    /// RFC 3339.
    at: String,
    /// The receiver's HTTP status, when it answered.
    status: Option<u16>,
    duration_ms: u64,
    /// Why there was no answer.
    #[schemars(extend("enum" = ["timeout", "connect", "transport", "no_subscription", null]))]
    error: Option<String>,
}

impl From<Attempt> for AttemptView {
    fn from(a: Attempt) -> Self {
        AttemptView {
            at: a.at.to_rfc3339(),
            status: a.status,
            duration_ms: a.duration_ms,
            error: a.error.and_then(|e| serde_json::to_value(e).ok()).and_then(|v| v.as_str().map(str::to_owned)),
        }
    }
}

/// One event's delivery to one subscription, with its attempts (oldest first).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "WebhookDelivery")]
pub struct WebhookDeliveryView {
    id: String,
    event_id: String,
    #[schemars(extend("enum" = KINDS))]
    event_type: &'static str,
    #[schemars(extend("enum" = ["pending", "delivered", "failed", "dead"]))]
    state: &'static str,
    /// RFC 3339: when the event happened.
    created_at: String,
    attempts: Vec<AttemptView>,
}

impl From<WebhookDelivery> for WebhookDeliveryView {
    fn from(d: WebhookDelivery) -> Self {
        WebhookDeliveryView {
            id: d.id,
            event_id: d.event_id,
            event_type: d.kind.as_str(),
            state: d.state.as_str(),
            created_at: d.created_at.to_rfc3339(),
            attempts: d.attempts.into_iter().map(AttemptView::from).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::KINDS;
    use parley::domain::EventKind;

    #[test]
    fn the_published_kinds_are_every_event_kind() {
        let all: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(all, KINDS);
    }
}
