//! Meta's side of customers' calls answered over WebRTC: each call rings
//! until the business pre-accepts, accepts, rejects or terminates it
//! (`POST /{phone_number_id}/calls`, checked as the Calling API documents
//! it), or the customer hangs up. Every end is reported to the business by
//! a `terminate` webhook; the SDP answer waits here for the customer's side
//! of a test to read.

use crate::calls::call_ended;
use crate::Customer;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;

/// Where a call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CallState {
    /// Ringing at the business.
    Ringing,
    /// The business set up the media path.
    PreAccepted,
    /// Connected.
    Accepted,
    /// The business declined it.
    Rejected,
    /// Ended.
    Terminated,
}

/// A call as the simulator's control API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CallView {
    /// Where it stands.
    pub state: CallState,
    /// The business's SDP answer, once it sent one.
    pub answer_sdp: Option<String>,
    /// The business's actions, in order.
    pub actions: Vec<String>,
}

#[derive(Debug)]
struct Call {
    customer: Customer,
    view: CallView,
    accepted_at: Option<i64>,
}

/// Why Meta refused a call action: its HTTP status, code and details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The error code (100: a parameter is invalid).
    pub code: i64,
    /// What was wrong.
    pub details: String,
}

fn refuse(details: impl Into<String>) -> Refusal {
    Refusal { code: 100, details: details.into() }
}

/// Every call the simulator's customers placed.
#[derive(Debug, Default)]
pub struct CallBook {
    calls: Mutex<HashMap<String, Call>>,
}

impl CallBook {
    /// `customer` calls: `call_id` rings.
    pub fn ring(&self, call_id: &str, customer: Customer) {
        let view = CallView { state: CallState::Ringing, answer_sdp: None, actions: Vec::new() };
        self.lock().insert(call_id.to_owned(), Call { customer, view, accepted_at: None });
    }

    /// The call, as the control API shows it.
    pub fn view(&self, call_id: &str) -> Option<CallView> {
        self.lock().get(call_id).map(|c| c.view.clone())
    }

    /// Takes the business's action in `body` at `now` (seconds). Returns
    /// the `terminate` webhook to send when the action ended the call.
    pub fn act(&self, body: &Value, now: i64) -> Result<Option<Value>, Refusal> {
        if body.get("messaging_product").and_then(Value::as_str) != Some("whatsapp") {
            return Err(refuse("messaging_product must be whatsapp"));
        }
        let call_id = body.get("call_id").and_then(Value::as_str).ok_or_else(|| refuse("call_id is required"))?;
        let action = body.get("action").and_then(Value::as_str).ok_or_else(|| refuse("action is required"))?;
        let mut calls = self.lock();
        let call = calls.get_mut(call_id).ok_or_else(|| refuse("no such call"))?;
        let state = call.view.state;
        let answer = || {
            let session = body.get("session").ok_or_else(|| refuse("session is required"))?;
            if session.get("sdp_type").and_then(Value::as_str) != Some("answer") {
                return Err(refuse("session.sdp_type must be answer"));
            }
            match session.get("sdp").and_then(Value::as_str) {
                Some(sdp) if sdp.starts_with("v=0") => Ok(sdp.to_owned()),
                _ => Err(refuse("session.sdp must be an RFC 8866 SDP")),
            }
        };
        let (next, ended) = match (action, state) {
            ("pre_accept", CallState::Ringing) => {
                call.view.answer_sdp = Some(answer()?);
                (CallState::PreAccepted, None)
            }
            ("accept", CallState::Ringing | CallState::PreAccepted) => {
                call.view.answer_sdp = Some(answer()?);
                call.accepted_at = Some(now);
                (CallState::Accepted, None)
            }
            ("reject", CallState::Ringing | CallState::PreAccepted) => (CallState::Rejected, Some(None)),
            ("terminate", CallState::PreAccepted | CallState::Accepted) => {
                (CallState::Terminated, Some(call.accepted_at.map(|at| (now - at).max(1))))
            }
            ("pre_accept" | "accept" | "reject" | "terminate", _) => {
                return Err(refuse(format!("the call cannot take {action} now")));
            }
            _ => return Err(refuse("action must be pre_accept, accept, reject or terminate")),
        };
        call.view.actions.push(action.to_owned());
        call.view.state = next;
        Ok(ended.map(|answered_for| call_ended(&call.customer, call_id, now, answered_for)))
    }

    /// The customer hangs up at `now`: the `terminate` webhook, unless it
    /// had ended.
    pub fn hang_up(&self, call_id: &str, now: i64) -> Option<Value> {
        let mut calls = self.lock();
        let call = calls.get_mut(call_id)?;
        if matches!(call.view.state, CallState::Rejected | CallState::Terminated) {
            return None;
        }
        call.view.state = CallState::Terminated;
        let answered_for = call.accepted_at.map(|at| (now - at).max(1));
        Some(call_ended(&call.customer, call_id, now, answered_for))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Call>> {
        self.calls.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer(action: &str, id: &str) -> Value {
        json!({"messaging_product": "whatsapp", "call_id": id, "action": action,
            "session": {"sdp_type": "answer", "sdp": "v=0\r\n"}})
    }

    #[test]
    fn an_answered_call_ends_with_its_duration_and_a_declined_one_without() {
        let book = CallBook::default();
        book.ring("wacid.A", Customer::new("15550001111", "Asha"));
        assert_eq!(book.act(&answer("pre_accept", "wacid.A"), 100), Ok(None));
        assert_eq!(book.act(&answer("accept", "wacid.A"), 100), Ok(None));
        let ended =
            book.act(&json!({"messaging_product": "whatsapp", "call_id": "wacid.A", "action": "terminate"}), 130);
        let ended = ended.unwrap().unwrap();
        assert_eq!(ended["entry"][0]["changes"][0]["value"]["calls"][0]["duration"], 30);
        assert_eq!(book.view("wacid.A").unwrap().actions, ["pre_accept", "accept", "terminate"]);

        book.ring("wacid.B", Customer::new("15550001111", "Asha"));
        let rejected = book.act(&json!({"messaging_product": "whatsapp", "call_id": "wacid.B", "action": "reject"}), 5);
        let rejected = rejected.unwrap().unwrap();
        assert_eq!(rejected["entry"][0]["changes"][0]["value"]["calls"][0]["status"], "FAILED");
        assert_eq!(book.hang_up("wacid.B", 6), None, "it had ended");
    }

    #[test]
    fn meta_refuses_what_its_contract_does_not_allow() {
        let book = CallBook::default();
        book.ring("wacid.C", Customer::new("15550001111", "Asha"));
        let no_sdp = json!({"messaging_product": "whatsapp", "call_id": "wacid.C", "action": "accept"});
        assert_eq!(book.act(&no_sdp, 1).unwrap_err().code, 100);
        assert!(book.act(&answer("accept", "wacid.NONE"), 1).is_err(), "an unknown call");
        let early_end = json!({"messaging_product": "whatsapp", "call_id": "wacid.C", "action": "terminate"});
        assert!(book.act(&early_end, 1).is_err(), "a ringing call is rejected, not terminated");
        assert!(book.view("wacid.C").unwrap().actions.is_empty(), "nothing refused is recorded");
    }
}
