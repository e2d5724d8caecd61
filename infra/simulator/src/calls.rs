//! A customer's WhatsApp call to the business, as the Calling API reports
//! its end (`calls` webhook, `terminate` event, user-initiated). A call that
//! was answered carries its start, end and duration; a missed one carries
//! neither start nor duration, and Meta's status `FAILED`.

use crate::webhook::{envelope, BusinessPhone};
use crate::Customer;
use serde_json::{json, Value};

/// The `terminate` of `customer`'s call `call_id`, ended at `ended_at`
/// after `answered_for` seconds connected (`None`: nobody answered).
pub fn call_ended(customer: &Customer, call_id: &str, ended_at: i64, answered_for: Option<i64>) -> Value {
    let phone: &BusinessPhone = &customer.phone;
    let mut call = json!({
        "id": call_id,
        "from": customer.wa_id,
        "to": phone.display_phone_number,
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
    let value = json!({
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": phone.display_phone_number, "phone_number_id": phone.phone_number_id},
        "contacts": [customer.contact()],
        "calls": [call],
    });
    envelope(vec![json!({"field": "calls", "value": value})])
}
