//! One person's read marker on a conversation.

use parley::domain::{ContactId, Millis};
use schemars::JsonSchema;
use serde::Serialize;

/// How far the caller has read the conversation.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ReadMarker")]
pub struct ReadMarkerView {
    contact_id: String,
    /// The newest inbound message's time the caller has read; `null`: never.
    read_through: Option<String>,
    unread: bool,
    /// What the customer's phone was told: `sent` (their latest message is
    /// marked read), `off` (the business switched receipts off), `not_due`
    /// (already marked, or nothing to mark) or `failed` (Meta did not take
    /// it; the next opening tries again).
    #[schemars(extend("enum" = ["sent", "off", "not_due", "failed"]))]
    read_receipt: &'static str,
}

/// What the customer was shown after staff began typing.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Typing")]
pub struct TypingView {
    /// `sent` ("typing…" shows), `off`, `not_due` (the window is closed or
    /// the customer never wrote) or `failed`.
    #[schemars(extend("enum" = ["sent", "off", "not_due", "failed"]))]
    pub indicator: &'static str,
}

impl ReadMarkerView {
    /// The marker of `contact`.
    pub fn new(contact: &ContactId, read_through: Option<Millis>, unread: bool, read_receipt: &'static str) -> Self {
        ReadMarkerView {
            contact_id: contact.to_string(),
            read_through: read_through.map(Millis::to_rfc3339),
            unread,
            read_receipt,
        }
    }
}
