//! A customer's WhatsApp call to the business, as the Calling API reports
//! it (`calls` webhook, user-initiated): its `connect` with the caller's
//! SDP offer, and its `terminate`. A call that was answered ends with its
//! start, end and duration; a missed one with neither start nor duration,
//! and Meta's status `FAILED`.

use crate::webhook::{envelope, BusinessPhone};
use crate::Customer;
use serde_json::{json, Value};

/// The `connect` of `customer`'s call `call_id` at `at`, with the SDP
/// offer a business's WebRTC client answers.
pub fn call_connect(customer: &Customer, call_id: &str, at: i64, offer_sdp: &str) -> Value {
    let call = json!({
        "id": call_id,
        "from": customer.wa_id,
        "to": customer.phone.display_phone_number,
        "event": "connect",
        "direction": "USER_INITIATED",
        "timestamp": at.to_string(),
        "session": {"sdp_type": "offer", "sdp": offer_sdp},
    });
    calls_change(customer, call)
}

/// The `terminate` of `customer`'s call `call_id`, ended at `ended_at`
/// after `answered_for` seconds connected (`None`: nobody answered).
pub fn call_ended(customer: &Customer, call_id: &str, ended_at: i64, answered_for: Option<i64>) -> Value {
    let mut call = json!({
        "id": call_id,
        "from": customer.wa_id,
        "to": customer.phone.display_phone_number,
        "event": "terminate",
        "direction": "USER_INITIATED",
        "timestamp": ended_at.to_string(),
    });
    match answered_for {
        Some(seconds) => {
            call["status"] = json!("COMPLETED");
            call["start_time"] = json!((ended_at - seconds).to_string());
            call["end_time"] = json!(ended_at.to_string());
            call["duration"] = json!(seconds);
        }
        None => call["status"] = json!("FAILED"),
    }
    calls_change(customer, call)
}

fn calls_change(customer: &Customer, call: Value) -> Value {
    let phone: &BusinessPhone = &customer.phone;
    let value = json!({
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": phone.display_phone_number, "phone_number_id": phone.phone_number_id},
        "contacts": [customer.contact()],
        "calls": [call],
    });
    envelope(vec![json!({"field": "calls", "value": value})])
}
