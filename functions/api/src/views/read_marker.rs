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
}

impl ReadMarkerView {
    /// The marker of `contact`.
    pub fn new(contact: &ContactId, read_through: Option<Millis>, unread: bool) -> Self {
        ReadMarkerView { contact_id: contact.to_string(), read_through: read_through.map(Millis::to_rfc3339), unread }
    }
}
