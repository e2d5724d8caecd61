//! A webhook item that no retry will store (too large for an item, a key too
//! long): kept aside with its raw JSON so that the rest of its delivery is
//! acknowledged and nothing is silently lost.

use super::Millis;

/// Which kind of webhook item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// An inbound message.
    Message,
    /// A status of an outbound message.
    Status,
}

impl ItemKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Message => "message",
            ItemKind::Status => "status",
        }
    }
}

/// An item parked for operators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnprocessableItem {
    /// Message or status.
    pub kind: ItemKind,
    /// Meta's message id (the wamid).
    pub wamid: String,
    /// The business number it came to.
    pub phone_number_id: String,
    /// The item's own time (so a redelivery parks it in the same place).
    pub at: Millis,
    /// When Parley received it.
    pub received_at: Millis,
    /// Why it was refused (the store's words; never the item's content).
    pub reason: String,
    /// The item exactly as Meta sent it.
    pub raw: String,
}
