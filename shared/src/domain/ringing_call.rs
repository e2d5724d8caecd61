//! A customer's WhatsApp call while it rings or is under way, kept on its
//! contact so that the inbox lists it (and live push announces it) like any
//! other change, and answered in a browser over WebRTC: the media flows
//! between that browser and Meta, and only the SDP passes through Parley.

use super::message::InboundMessage;
use super::{MessageContent, Millis};

/// How long a call may ring before nobody can answer it. Meta gives up
/// sooner; past this the call is only waiting for its `terminate`.
pub const RING_MS: i64 = 90_000;

/// The `wamid` a ringing call is stored under: its `terminate` is stored
/// under the call id itself, and each is a message of its own.
pub fn ring_wamid(call_id: &str) -> String {
    format!("ring.{call_id}")
}

/// A call on a contact, from Meta's `connect` until its `terminate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RingingCall {
    /// Meta's call id (`wacid.…`).
    pub call_id: String,
    /// When it began ringing.
    pub since: Millis,
    /// Meta's SDP offer, which the answering browser answers.
    pub offer_sdp: String,
    /// The teammate (e-mail) who answered it, once someone has.
    pub answered_by: Option<String>,
}

impl RingingCall {
    /// The call `message` begins to ring, when it is a call's `connect`:
    /// what both stores put on the contact.
    pub fn rung_by(message: &InboundMessage) -> Option<Self> {
        let MessageContent::CallRinging { call_id, offer_sdp } = &message.content else { return None };
        Some(RingingCall {
            call_id: call_id.clone(),
            since: message.at,
            offer_sdp: offer_sdp.clone(),
            answered_by: None,
        })
    }

    /// Whether someone may still answer it at `now`.
    pub fn answerable(&self, now: Millis) -> bool {
        self.answered_by.is_none() && now.0 - self.since.0 < RING_MS
    }
}

/// What claiming a call for a teammate came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallClaim {
    /// The teammate has it.
    Claimed,
    /// Someone else answered first.
    Taken {
        /// Who.
        by: String,
    },
    /// It no longer rings (it ended, or rang out).
    Over,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ringing(answered_by: Option<&str>) -> RingingCall {
        RingingCall {
            call_id: "wacid.1".into(),
            since: Millis(1_000_000),
            offer_sdp: "v=0".into(),
            answered_by: answered_by.map(str::to_owned),
        }
    }

    #[test]
    fn a_call_is_answerable_only_while_it_rings_and_nobody_has_it() {
        assert!(ringing(None).answerable(Millis(1_000_000 + RING_MS - 1)));
        assert!(!ringing(None).answerable(Millis(1_000_000 + RING_MS)));
        assert!(!ringing(Some("asha@shop.in")).answerable(Millis(1_000_001)));
    }

    #[test]
    fn the_ring_and_the_end_of_a_call_are_two_messages() {
        assert_eq!(ring_wamid("wacid.9"), "ring.wacid.9");
        assert_ne!(ring_wamid("wacid.9"), "wacid.9");
    }
}
