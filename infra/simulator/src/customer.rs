//! A customer writing to the business: every message type Meta documents,
//! built exactly as the webhook reference shows them.

use crate::webhook::{envelope, messages_change, BusinessPhone};
use rand::Rng;
use serde_json::{json, Value};

/// A WhatsApp user talking to the business.
#[derive(Debug, Clone)]
pub struct Customer {
    /// Phone-number based id (`None` when Meta withholds the number).
    pub wa_id: Option<String>,
    /// Business-scoped user id.
    pub user_id: Option<String>,
    /// Profile name.
    pub name: String,
    /// WhatsApp username, when they set one.
    pub username: Option<String>,
    /// The business number they write to.
    pub phone: BusinessPhone,
}

impl Customer {
    /// A customer identified by phone number.
    pub fn new(wa_id: &str, name: &str) -> Self {
        Customer {
            wa_id: Some(wa_id.to_owned()),
            user_id: None,
            name: name.to_owned(),
            username: None,
            phone: BusinessPhone::default(),
        }
    }

    /// The `contacts[]` entry Meta sends alongside their messages.
    pub fn contact(&self) -> Value {
        let mut c = json!({ "profile": { "name": self.name } });
        if let Some(username) = &self.username {
            c["profile"]["username"] = json!(username);
        }
        if let Some(wa) = &self.wa_id {
            c["wa_id"] = json!(wa);
        }
        if let Some(user) = &self.user_id {
            c["user_id"] = json!(user);
        }
        c
    }

    /// A message object of `kind` with its type-specific `body`.
    pub fn message(&self, wamid: &str, at_seconds: i64, kind: &str, body: Value) -> Value {
        let mut m = json!({ "id": wamid, "timestamp": at_seconds.to_string(), "type": kind });
        if let Some(wa) = &self.wa_id {
            m["from"] = json!(wa);
        }
        if let Some(user) = &self.user_id {
            m["from_user_id"] = json!(user);
        }
        if !body.is_null() {
            m[kind] = body;
        }
        m
    }

    /// A text message object.
    pub fn text(&self, wamid: &str, at_seconds: i64, text: &str) -> Value {
        self.message(wamid, at_seconds, "text", json!({ "body": text }))
    }

    /// The full webhook envelope carrying `messages` from this customer.
    pub fn webhook(&self, messages: Vec<Value>) -> Value {
        envelope(vec![messages_change(&self.phone, vec![self.contact()], messages, vec![])])
    }
}

/// A fresh wamid in Meta's style.
pub fn new_wamid() -> String {
    let bytes: [u8; 18] = rand::thread_rng().gen();
    format!("wamid.HBgM{}", hex_upper(&bytes))
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// One sample of every inbound message type in Meta's webhook reference, as
/// `(type, type-specific body, extra top-level fields)`.
pub fn every_message_type() -> Vec<(&'static str, Value, Value)> {
    vec![
        ("text", json!({"body": "Do you ship to Pune?"}), json!({})),
        (
            "image",
            json!({"caption": "this one", "mime_type": "image/jpeg", "sha256": "b1c6", "id": "1003383421387256"}),
            json!({}),
        ),
        (
            "audio",
            json!({"mime_type": "audio/ogg; codecs=opus", "sha256": "a1b2", "id": "1003383421387257", "voice": true}),
            json!({}),
        ),
        (
            "video",
            json!({"caption": "unboxing", "mime_type": "video/mp4", "sha256": "c3d4", "id": "1003383421387258"}),
            json!({}),
        ),
        (
            "document",
            json!({"caption": "PO", "filename": "po-1182.pdf", "mime_type": "application/pdf", "sha256": "e5f6", "id": "1003383421387259"}),
            json!({}),
        ),
        (
            "sticker",
            json!({"mime_type": "image/webp", "sha256": "0a0b", "id": "1003383421387260", "animated": false}),
            json!({}),
        ),
        (
            "location",
            json!({"latitude": 18.5204, "longitude": 73.8567, "name": "Shop", "address": "FC Road, Pune"}),
            json!({}),
        ),
        (
            "contacts",
            Value::Null,
            json!({"contacts": [{"name": {"formatted_name": "Ravi Kumar", "first_name": "Ravi"}, "phones": [{"phone": "+91 98200 00000", "wa_id": "919820000000", "type": "CELL"}]}]}),
        ),
        (
            "interactive",
            json!({"type": "button_reply", "button_reply": {"id": "confirm", "title": "Confirm order"}}),
            json!({}),
        ),
        (
            "interactive",
            json!({"type": "list_reply", "list_reply": {"id": "size-m", "title": "Medium", "description": "Chest 38-40"}}),
            json!({}),
        ),
        (
            "button",
            json!({"payload": "STOP_PROMOS", "text": "Stop promotions"}),
            json!({"context": {"from": "15550783881", "id": "wamid.TEMPLATE1"}}),
        ),
        ("reaction", json!({"message_id": "wamid.EARLIER", "emoji": "\u{1F44D}"}), json!({})),
        ("reaction", json!({"message_id": "wamid.EARLIER"}), json!({})),
        (
            "order",
            json!({"catalog_id": "cat-1", "text": "Please deliver Friday", "product_items": [{"product_retailer_id": "sku-1", "quantity": 2, "item_price": 499.0, "currency": "INR"}]}),
            json!({}),
        ),
        (
            "system",
            json!({"body": "User A changed from 919800000001 to 919800000002", "new_wa_id": "919800000002", "type": "user_changed_number"}),
            json!({}),
        ),
        (
            "unsupported",
            Value::Null,
            json!({"errors": [{"code": 131051, "title": "Message type unknown", "message": "Message type unknown", "error_data": {"details": "Message type is currently not supported"}}]}),
        ),
        (
            "text",
            json!({"body": "Saw your ad"}),
            json!({"referral": {"source_url": "https://fb.me/ad", "source_id": "120200", "source_type": "ad", "headline": "Diwali sale", "body": "20% off", "media_type": "image", "ctwa_clid": "ARAk"}}),
        ),
        (
            "text",
            json!({"body": "is this still available?"}),
            json!({"context": {"from": "15550783881", "id": "wamid.PRODUCT", "forwarded": true}}),
        ),
    ]
}

/// A completed WhatsApp Flow (`interactive.nfm_reply`), as the type and body
/// of a message object: Meta sends the form's answers, with the
/// `flow_token` the business sent the Flow with, as a JSON string.
pub fn flow_completed(flow_token: &str, answers: &serde_json::Map<String, Value>) -> (&'static str, Value) {
    let mut response = answers.clone();
    response.insert("flow_token".to_owned(), json!(flow_token));
    let reply = json!({"name": "flow", "body": "Sent", "response_json": Value::Object(response).to_string()});
    ("interactive", json!({"type": "nfm_reply", "nfm_reply": reply}))
}
