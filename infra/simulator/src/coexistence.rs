//! The webhooks of a number onboarded together with its WhatsApp Business
//! app (coexistence), shaped as Meta's webhook reference shows them:
//! `smb_message_echoes` when the shopkeeper types in the app,
//! `history` for the chats from before onboarding, `smb_app_state_sync`
//! for the app's address book, and the customer's `edit` and `revoke`.

use crate::webhook::{envelope, BusinessPhone};
use serde::Deserialize;
use serde_json::{json, Value};

/// One change of `field` for `phone`, in the full envelope.
fn change(phone: &BusinessPhone, field: &str, mut value: Value) -> Value {
    value["messaging_product"] = json!("whatsapp");
    value["metadata"] =
        json!({"display_phone_number": phone.display_phone_number, "phone_number_id": phone.phone_number_id});
    envelope(vec![json!({"field": field, "value": value})])
}

/// The shopkeeper sent `text` to `to` from the WhatsApp Business app.
pub fn echo(phone: &BusinessPhone, to: &str, wamid: &str, at_seconds: i64, text: &str) -> Value {
    let echo = json!({
        "from": phone.display_phone_number,
        "to": to,
        "id": wamid,
        "timestamp": at_seconds.to_string(),
        "type": "text",
        "text": {"body": text},
    });
    change(phone, "smb_message_echoes", json!({"message_echoes": [echo]}))
}

/// One message of a backfilled chat.
#[derive(Debug, Clone, Deserialize)]
pub struct PastMessage {
    /// The business sent it (else the customer did).
    #[serde(default)]
    pub from_business: bool,
    /// What it said.
    pub text: String,
    /// How long before now it was sent.
    #[serde(default = "a_day")]
    pub minutes_ago: i64,
}

fn a_day() -> i64 {
    24 * 60
}

/// One customer's backfilled chat.
#[derive(Debug, Clone, Deserialize)]
pub struct PastChat {
    /// The customer's `wa_id`.
    pub customer: String,
    /// The messages, oldest first.
    pub messages: Vec<PastMessage>,
}

/// A `history` chunk of `chats`, each message with a wamid from `wamid_of`
/// (the chat's index and the message's), so that sending the same chunk
/// twice repeats the same wamids, as Meta's redelivery does.
pub fn history(
    phone: &BusinessPhone,
    chats: &[PastChat],
    now_seconds: i64,
    wamid_of: impl Fn(usize, usize) -> String,
) -> Value {
    let threads: Vec<Value> = chats
        .iter()
        .enumerate()
        .map(|(c, chat)| {
            let messages: Vec<Value> = chat
                .messages
                .iter()
                .enumerate()
                .map(|(m, past)| {
                    let mut message = json!({
                        "id": wamid_of(c, m),
                        "timestamp": (now_seconds - past.minutes_ago * 60).to_string(),
                        "type": "text",
                        "text": {"body": past.text},
                        "history_context": {"status": "READ"},
                    });
                    if past.from_business {
                        message["from"] = json!(phone.display_phone_number);
                        message["to"] = json!(chat.customer);
                        message["history_context"]["from_me"] = json!(true);
                    } else {
                        message["from"] = json!(chat.customer);
                    }
                    message
                })
                .collect();
            json!({"id": chat.customer, "messages": messages})
        })
        .collect();
    let metadata = json!({"phase": 0, "chunk_order": 1, "progress": 100});
    change(phone, "history", json!({"history": [{"metadata": metadata, "threads": threads}]}))
}

/// The shopkeeper saved (`name`) or removed (`None`) a contact in the app.
pub fn address_book(phone: &BusinessPhone, phone_number: &str, name: Option<&str>, at_seconds: i64) -> Value {
    let (action, contact) = match name {
        Some(name) => {
            let first = name.split_whitespace().next().unwrap_or(name);
            ("add", json!({"full_name": name, "first_name": first, "phone_number": phone_number}))
        }
        None => ("remove", json!({"phone_number": phone_number})),
    };
    let sync = json!({"type": "contact", "contact": contact, "action": action, "metadata": {"timestamp": at_seconds.to_string()}});
    change(phone, "smb_app_state_sync", json!({"state_sync": [sync]}))
}

/// The customer's edit of `original`, which now says `text`, as the type
/// and body of a message object (see [`crate::Customer::message`]).
pub fn edited(original: &str, text: &str) -> (&'static str, Value) {
    ("edit", json!({"original_message_id": original, "message": {"type": "text", "text": {"body": text}}}))
}

/// The customer deleted `original` for everyone, as the type and body of a
/// message object.
pub fn revoked(original: &str) -> (&'static str, Value) {
    ("revoke", json!({"original_message_id": original}))
}
