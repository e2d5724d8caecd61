//! A customer's WhatsApp call as the inbox shows it while it rings or is
//! under way, and what answering, declining or hanging up did.

use parley::domain::ringing_call::RingingCall;
use schemars::JsonSchema;
use serde::Serialize;

/// A call ringing on a contact, or under way; gone once it ends.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "RingingCall")]
pub struct RingingCallView {
    /// Meta's call id (`wacid.…`).
    call_id: String,
    /// When it began ringing (RFC 3339); nobody can answer it 90 seconds on.
    since: String,
    /// Meta's SDP offer, for the answering browser's RTCPeerConnection.
    offer_sdp: String,
    /// The teammate (e-mail) who answered it.
    answered_by: Option<String>,
}

impl From<RingingCall> for RingingCallView {
    fn from(call: RingingCall) -> Self {
        RingingCallView {
            call_id: call.call_id,
            since: call.since.to_rfc3339(),
            offer_sdp: call.offer_sdp,
            answered_by: call.answered_by,
        }
    }
}

/// The call, answered.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CallAnswered")]
pub struct CallAnsweredView {
    /// Meta's call id.
    pub call_id: String,
    /// Who answered it: the caller of this request.
    pub answered_by: String,
}

/// The call, declined or hung up; Meta's `terminate` takes it off the
/// contact moments later.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CallEnded")]
pub struct CallEndedView {
    /// Meta's call id.
    pub call_id: String,
}
