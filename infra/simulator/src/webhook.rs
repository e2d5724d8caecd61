//! Meta-shaped webhook envelopes, signed as Meta signs them.

use serde_json::{json, Value};

/// The business number the simulator plays.
#[derive(Debug, Clone)]
pub struct BusinessPhone {
    /// Meta's `phone_number_id`.
    pub phone_number_id: String,
    /// The number as shown.
    pub display_phone_number: String,
}

impl Default for BusinessPhone {
    fn default() -> Self {
        BusinessPhone { phone_number_id: "106540352242922".to_owned(), display_phone_number: "15550783881".to_owned() }
    }
}

impl BusinessPhone {
    /// Another number of the same business: `phone_number_id`, shown as a
    /// US test number ending in its last digits.
    pub fn numbered(phone_number_id: &str) -> Self {
        let digits: String = phone_number_id.chars().filter(char::is_ascii_digit).collect();
        let tail = &digits[digits.len().saturating_sub(7)..];
        BusinessPhone { phone_number_id: phone_number_id.to_owned(), display_phone_number: format!("1555{tail:0>7}") }
    }
}

/// Wraps a `messages` change value in the full envelope.
pub fn envelope(changes: Vec<Value>) -> Value {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "102290129340398", "changes": changes }],
    })
}

/// One `messages` change for `phone`, with contacts, messages and statuses.
pub fn messages_change(
    phone: &BusinessPhone,
    contacts: Vec<Value>,
    messages: Vec<Value>,
    statuses: Vec<Value>,
) -> Value {
    let mut value = json!({
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": phone.display_phone_number,
            "phone_number_id": phone.phone_number_id,
        },
    });
    for (key, list) in [("contacts", contacts), ("messages", messages), ("statuses", statuses)] {
        if !list.is_empty() {
            value[key] = Value::Array(list);
        }
    }
    json!({ "field": "messages", "value": value })
}

/// A status object as Meta sends it for an outbound message.
pub fn status(wamid: &str, status: &str, at_seconds: i64, recipient_id: &str) -> Value {
    let mut s = json!({
        "id": wamid,
        "status": status,
        "timestamp": at_seconds.to_string(),
        "recipient_id": recipient_id,
    });
    if status == "sent" || status == "delivered" {
        s["pricing"] = json!({"billable": true, "pricing_model": "PMP", "type": "regular", "category": "utility"});
    }
    if status == "failed" {
        s["errors"] = json!([{
            "code": 131026,
            "title": "Message undeliverable",
            "message": "Message undeliverable",
            "error_data": {"details": "Receiver is incapable of receiving this message"},
        }]);
    }
    s
}

/// The `X-Hub-Signature-256` header for `body`.
pub fn signature(app_secret: &str, body: &[u8]) -> String {
    parley::whatsapp::sign(app_secret.as_bytes(), body)
}

/// Posts a signed webhook body to `url` (the `/webhook` endpoint).
pub async fn post_signed(
    client: &reqwest::Client,
    url: &str,
    app_secret: &str,
    body: Vec<u8>,
) -> reqwest::Result<reqwest::Response> {
    let sig = signature(app_secret, &body);
    client
        .post(url)
        .header("content-type", "application/json")
        .header("x-hub-signature-256", sig)
        .body(body)
        .send()
        .await
}
