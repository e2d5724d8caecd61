//! One inbound `messages[]` object → [`InboundMessage`].
//!
//! Parsing is lenient by design: Meta adds types and fields without notice,
//! so an unknown type becomes `Unsupported` and unknown fields are ignored;
//! the raw JSON travels with the message either way.

use crate::domain::message::{Arrival, InboundMessage};
use crate::domain::message_content::{ContactCard, InteractiveKind, Media, OrderItem};
use crate::domain::{CustomerIdentity, MessageContent, Millis};
use serde_json::Value;
use std::collections::BTreeMap;

/// The sender's entry in the change's `contacts[]`.
#[derive(Debug, Clone, Default)]
pub struct WireContact {
    /// Phone-number based id.
    pub wa_id: Option<String>,
    /// Business-scoped user id.
    pub user_id: Option<String>,
    /// Profile name.
    pub name: Option<String>,
    /// The WhatsApp username the customer chose (`profile.username`), which
    /// the app shows instead of their number; it can change at any time.
    pub username: Option<String>,
}

impl WireContact {
    /// Reads one `contacts[]` element.
    pub fn from_json(value: &Value) -> Self {
        WireContact {
            wa_id: text(value, "wa_id"),
            user_id: text(value, "user_id"),
            name: value.get("profile").and_then(|p| text(p, "name")),
            username: value.get("profile").and_then(|p| text(p, "username")),
        }
    }
}

/// Why a message could not be attributed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InboundError {
    /// No `from` and no `from_user_id`: there is nobody to file it under.
    #[error("message {0} names no sender")]
    NoSender(String),
}

/// Reads one message. `received_at` stands in for a missing or bad timestamp.
pub fn parse_message(
    value: &Value,
    phone_number_id: &str,
    contacts: &[WireContact],
    received_at: Millis,
) -> Result<InboundMessage, InboundError> {
    let from_wa = text(value, "from");
    let from_user = text(value, "from_user_id");
    let sender = contacts
        .iter()
        .find(|c| (from_wa.is_some() && c.wa_id == from_wa) || (from_user.is_some() && c.user_id == from_user));
    let identity = CustomerIdentity::new(
        from_wa.clone().or_else(|| sender.and_then(|c| c.wa_id.clone())),
        from_user.or_else(|| sender.and_then(|c| c.user_id.clone())),
    )
    .ok_or_else(|| InboundError::NoSender(message_id(value)))?;
    let message = MessageOf { phone_number_id, customer: identity, received_at, arrival: Arrival::Live };
    let mut read = message.read(value, sender.and_then(|c| c.name.clone()));
    read.username = sender.and_then(|c| c.username.clone());
    Ok(read)
}

/// What a message object is read against: everything the object itself
/// does not say. Under coexistence the customer is the thread or the
/// echo's recipient, not the sender.
pub(crate) struct MessageOf<'a> {
    /// The business number.
    pub phone_number_id: &'a str,
    /// The customer whose timeline it is on.
    pub customer: CustomerIdentity,
    /// Stands in for a missing or bad timestamp.
    pub received_at: Millis,
    /// How it reached Parley.
    pub arrival: Arrival,
}

impl MessageOf<'_> {
    /// Reads one message object.
    pub fn read(self, value: &Value, profile_name: Option<String>) -> InboundMessage {
        let type_name = text(value, "type").unwrap_or_else(|| "unknown".to_owned());
        let at = text(value, "timestamp").and_then(|t| Millis::parse_unix_seconds(&t)).unwrap_or(self.received_at);
        InboundMessage {
            wamid: message_id(value),
            phone_number_id: self.phone_number_id.to_owned(),
            from: self.customer,
            profile_name,
            username: None,
            at,
            content: parse_content(&type_name, value),
            type_name,
            context: value.get("context").map(Value::to_string),
            referral: value.get("referral").map(Value::to_string),
            raw: value.to_string(),
            arrival: self.arrival,
        }
    }
}

/// The message's wamid, or one derived from its bytes when Meta sent none.
fn message_id(value: &Value) -> String {
    text(value, "id").unwrap_or_else(|| synthetic_wamid(&value.to_string()))
}

/// Idempotency for a message Meta sent without an id: the same bytes give the
/// same key, so a redelivery is still stored once.
fn synthetic_wamid(raw: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("nowamid.{}", hex::encode(&Sha256::digest(raw.as_bytes())[..16]))
}

fn parse_content(type_name: &str, message: &Value) -> MessageContent {
    let body = message.get(type_name).unwrap_or(&Value::Null);
    match type_name {
        "text" => match text(body, "body") {
            Some(body) => MessageContent::Text { body },
            None => unsupported(message),
        },
        "image" => MessageContent::Image { media: media(body) },
        "video" => MessageContent::Video { media: media(body) },
        "audio" => MessageContent::Audio { media: media(body), voice: flag(body, "voice") },
        "sticker" => MessageContent::Sticker { media: media(body), animated: flag(body, "animated") },
        "document" => MessageContent::Document { media: media(body), filename: text(body, "filename") },
        "location" => match (number(body, "latitude"), number(body, "longitude")) {
            (Some(latitude), Some(longitude)) => MessageContent::Location {
                latitude,
                longitude,
                name: text(body, "name"),
                address: text(body, "address"),
            },
            _ => unsupported(message),
        },
        "contacts" => MessageContent::Contacts {
            cards: message
                .get("contacts")
                .and_then(Value::as_array)
                .map(|cards| cards.iter().map(contact_card).collect())
                .unwrap_or_default(),
        },
        "interactive" => interactive(body),
        "button" => MessageContent::Button { payload: text(body, "payload"), text: text(body, "text") },
        "reaction" => match text(body, "message_id") {
            Some(message_id) => {
                MessageContent::Reaction { message_id, emoji: text(body, "emoji").filter(|e| !e.is_empty()) }
            }
            None => unsupported(message),
        },
        "order" => MessageContent::Order {
            catalog_id: text(body, "catalog_id"),
            text: text(body, "text"),
            items: body
                .get("product_items")
                .and_then(Value::as_array)
                .map(|items| items.iter().map(order_item).collect())
                .unwrap_or_default(),
        },
        "edit" => match (text(body, "original_message_id"), body.get("message")) {
            (Some(original_message_id), Some(edited)) => {
                let edited_type = text(edited, "type").unwrap_or_default();
                let content = Some(Box::new(parse_content(&edited_type, edited)));
                MessageContent::Revision { original_message_id, content }
            }
            _ => unsupported(message),
        },
        "revoke" => match text(body, "original_message_id") {
            Some(original_message_id) => MessageContent::Revision { original_message_id, content: None },
            None => unsupported(message),
        },
        "system" => MessageContent::System {
            body: text(body, "body"),
            system_type: text(body, "type"),
            new_wa_id: text(body, "new_wa_id").or_else(|| text(body, "wa_id")),
            new_user_id: text(body, "new_user_id").or_else(|| text(body, "user_id")),
        },
        _ => unsupported(message),
    }
}

fn interactive(body: &Value) -> MessageContent {
    let kind_name = text(body, "type").unwrap_or_default();
    let reply = match kind_name.as_str() {
        "button_reply" => InteractiveKind::ButtonReply,
        "list_reply" => InteractiveKind::ListReply,
        "nfm_reply" => InteractiveKind::NfmReply,
        _ => InteractiveKind::Other,
    };
    let chosen = body.get(&kind_name).unwrap_or(&Value::Null);
    let (flow_token, answers) = flow_answers(chosen);
    MessageContent::Interactive {
        reply,
        id: text(chosen, "id"),
        title: text(chosen, "title").or_else(|| text(chosen, "body")),
        description: text(chosen, "description"),
        flow_token,
        answers,
    }
}

/// A completed Flow's `response_json` (a JSON object Meta sends as a
/// string): its `flow_token` and its answers, each as text (a list joined
/// with commas, anything else as its JSON).
fn flow_answers(reply: &Value) -> (Option<String>, BTreeMap<String, String>) {
    let Some(Value::Object(response)) = text(reply, "response_json").and_then(|j| serde_json::from_str(&j).ok()) else {
        return (None, BTreeMap::new());
    };
    let mut token = None;
    let mut answers = BTreeMap::new();
    for (key, value) in response {
        let value = match value {
            Value::String(s) => s,
            Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(", "),
            Value::Null => continue,
            other => other.to_string(),
        };
        match key.as_str() {
            "flow_token" => token = Some(value),
            _ => {
                answers.insert(key, value);
            }
        }
    }
    (token, answers)
}

fn unsupported(message: &Value) -> MessageContent {
    let errors = message
        .get("errors")
        .and_then(Value::as_array)
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    let code = e.get("code").map(Value::to_string).unwrap_or_default();
                    let title = text(e, "title").or_else(|| text(e, "message")).unwrap_or_default();
                    format!("{code} {title}").trim().to_owned()
                })
                .collect()
        })
        .unwrap_or_default();
    MessageContent::Unsupported { errors }
}

fn media(body: &Value) -> Media {
    Media {
        id: text(body, "id"),
        mime_type: text(body, "mime_type"),
        sha256: text(body, "sha256"),
        caption: text(body, "caption"),
    }
}

fn contact_card(card: &Value) -> ContactCard {
    ContactCard {
        formatted_name: card.get("name").and_then(|n| text(n, "formatted_name")),
        phones: card
            .get("phones")
            .and_then(Value::as_array)
            .map(|phones| phones.iter().filter_map(|p| text(p, "phone")).collect())
            .unwrap_or_default(),
    }
}

fn order_item(item: &Value) -> OrderItem {
    OrderItem {
        product_retailer_id: text(item, "product_retailer_id"),
        quantity: number(item, "quantity"),
        item_price: number(item, "item_price"),
        currency: text(item, "currency"),
    }
}

/// A string field; numbers are accepted too, since Meta is not consistent.
pub(crate) fn text(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn number(value: &Value, key: &str) -> Option<f64> {
    match value.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn flag(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(false)
}
