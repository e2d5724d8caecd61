//! The Calling API's `calls` webhook. A customer's call begins with a
//! `connect` event carrying Meta's SDP offer: it is kept as a ringing call
//! (once per call), which a teammate may answer in the browser. It ends
//! with a `terminate` event that says all the timeline needs (its status,
//! start, end and duration), kept once per call id.

use super::inbound::{text, MessageOf, WireContact};
use super::webhook::WebhookBatch;
use crate::domain::message::Arrival;
use crate::domain::ringing_call::ring_wamid;
use crate::domain::{CustomerIdentity, MessageContent, Millis};
use serde_json::Value;

/// Reads a `calls` change: a user-initiated call's `connect` becomes a
/// message of type `call_ringing` from the customer, and its end one of
/// type `call`.
pub(super) fn read_calls(value: &Value, phone_number_id: &str, received_at: Millis, batch: &mut WebhookBatch) {
    let contacts: Vec<WireContact> = value
        .get("contacts")
        .and_then(Value::as_array)
        .map_or(Vec::new(), |c| c.iter().map(WireContact::from_json).collect());
    for call in value.get("calls").and_then(Value::as_array).map_or(&[][..], Vec::as_slice) {
        let event = text(call, "event").unwrap_or_default();
        let direction = text(call, "direction").unwrap_or_else(|| "USER_INITIATED".to_owned());
        let offer = call
            .get("session")
            .filter(|s| s.get("sdp_type").and_then(Value::as_str) == Some("offer"))
            .and_then(|s| s.get("sdp"))
            .and_then(Value::as_str);
        let ringing = event == "connect" && offer.is_some();
        if !(event == "terminate" || ringing) || direction != "USER_INITIATED" {
            // A call the business placed, or an event without what a browser
            // needs to answer: nothing for the customer's timeline.
            batch.other_changes.push((format!("calls.{event}"), String::new()));
            continue;
        }
        let Some(call_id) = text(call, "id") else {
            batch.rejected.push("call without an id".to_owned());
            continue;
        };
        let caller = text(call, "from");
        let sender = contacts.iter().find(|c| c.wa_id.is_some() && c.wa_id == caller);
        let Some(customer) = CustomerIdentity::new(caller.clone(), sender.and_then(|c| c.user_id.clone())) else {
            batch.rejected.push(format!("call {call_id} names no caller"));
            continue;
        };
        let of = MessageOf { phone_number_id, customer, received_at, arrival: Arrival::Live };
        let mut message = of.read(call, sender.and_then(|c| c.name.clone()));
        if let (true, Some(offer)) = (ringing, offer) {
            message.wamid = ring_wamid(&call_id);
            message.type_name = "call_ringing".to_owned();
            message.content = MessageContent::CallRinging { call_id, offer_sdp: offer.to_owned() };
            batch.messages.push(message);
            continue;
        }
        let number = |key: &str| text(call, key).and_then(|v| v.parse::<u64>().ok());
        let duration_seconds = number("duration").filter(|d| *d > 0);
        // A call never connected has no start and no duration.
        let missed = duration_seconds.is_none() && number("start_time").is_none();
        message.type_name = "call".to_owned();
        message.content = MessageContent::Call { call_id, missed, duration_seconds, status: text(call, "status") };
        batch.messages.push(message);
    }
}
