//! Live push: a staff member's open socket, and the notice it is sent when
//! something they may see changed.

use super::{Event, Millis, Role};
use serde::Serialize;

/// How long a connection item lives: API Gateway closes a WebSocket after
/// two hours whatever happens, and TTL collects items whose `$disconnect`
/// never ran.
pub const CONNECTION_TTL_MS: i64 = 2 * 60 * 60 * 1000;

/// An open socket of a signed-in staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveConnection {
    /// API Gateway's connection id (or the local runner's).
    pub id: String,
    /// Whose it is.
    pub email: String,
    /// Their role when they connected: it decides which partition of the
    /// connection index the item sits in.
    pub role: Role,
    /// When it opened.
    pub connected_at: Millis,
    /// When its item may be collected.
    pub expires_at: Millis,
}

impl LiveConnection {
    /// A connection opened at `now`, kept for [`CONNECTION_TTL_MS`].
    pub fn opened(id: impl Into<String>, email: impl Into<String>, role: Role, now: Millis) -> Self {
        LiveConnection {
            id: id.into(),
            email: email.into(),
            role,
            connected_at: now,
            expires_at: Millis(now.0 + CONNECTION_TTL_MS),
        }
    }
}

/// What a socket is told: only that something about a contact changed and
/// when. No message body, no phone number: the app then asks
/// `GET /api/changes`, where the API decides what this person may read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiveNotice {
    /// The event's public kind (`message.received`, ...).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The contact it concerns.
    pub contact_id: Option<String>,
    /// When the change happened.
    pub at: i64,
}

impl LiveNotice {
    /// The notice for `event`.
    pub fn of(event: &Event) -> Self {
        LiveNotice {
            kind: event.kind.as_str(),
            contact_id: event.contact_id.as_ref().map(|c| c.to_string()),
            at: event.at.0,
        }
    }

    /// The JSON text sent down the socket.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EventKind;

    #[test]
    fn a_notice_carries_kind_contact_and_time_only() {
        let event =
            Event::new(EventKind::MessageReceived, "e1", Millis(42), serde_json::json!({"text": "secret body"}));
        let json = LiveNotice::of(&event).to_json();
        assert_eq!(json, r#"{"type":"message.received","contact_id":null,"at":42}"#);
    }

    #[test]
    fn a_connection_expires_after_two_hours() {
        let c = LiveConnection::opened("c1", "a@x", Role::Agent, Millis(1_000));
        assert_eq!(c.expires_at, Millis(1_000 + 7_200_000));
    }
}
