//! The Calling API's `calls` webhook. A customer's call ends with a
//! `terminate` event that says all the timeline needs (its status, start,
//! end and duration), so that event is kept, once per call id; `connect`
//! (the SDP offer, for answering in a WebRTC client) is acknowledged.

use super::inbound::{text, MessageOf, WireContact};
use super::webhook::WebhookBatch;
use crate::domain::message::Arrival;
use crate::domain::{CustomerIdentity, MessageContent, Millis};
use serde_json::Value;

/// Reads a `calls` change: each user-initiated call's end becomes a
/// message of type `call` from the customer.
pub(super) fn read_calls(value: &Value, phone_number_id: &str, received_at: Millis, batch: &mut WebhookBatch) {
    let contacts: Vec<WireContact> = value
        .get("contacts")
        .and_then(Value::as_array)
        .map_or(Vec::new(), |c| c.iter().map(WireContact::from_json).collect());
    for call in value.get("calls").and_then(Value::as_array).map_or(&[][..], Vec::as_slice) {
        let event = text(call, "event").unwrap_or_default();
        let direction = text(call, "direction").unwrap_or_else(|| "USER_INITIATED".to_owned());
        if event != "terminate" || direction != "USER_INITIATED" {
            // A connect (the call is ringing) or a call the business placed:
            // nothing for the customer's timeline.
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
        let number = |key: &str| text(call, key).and_then(|v| v.parse::<u64>().ok());
        let duration_seconds = number("duration").filter(|d| *d > 0);
        // A call never connected has no start and no duration.
        let missed = duration_seconds.is_none() && number("start_time").is_none();
        let of = MessageOf { phone_number_id, customer, received_at, arrival: Arrival::Live };
        let mut message = of.read(call, sender.and_then(|c| c.name.clone()));
        message.type_name = "call".to_owned();
        message.content = MessageContent::Call { call_id, missed, duration_seconds, status: text(call, "status") };
        batch.messages.push(message);
    }
}
