//! An outbound message as the sender needs it.

use super::outbound::OutboundContent;
use super::{MessageRef, Millis};

/// An outbound message as the sender needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboundMessage {
    /// Parley's id (`pm.…`), stable from the moment staff press send.
    pub id: String,
    /// Where it lives (its contact is the recipient's).
    pub reference: MessageRef,
    /// The business number to send from.
    pub phone_number_id: String,
    /// The recipient (`wa_id`, or BSUID).
    pub to: String,
    /// What to send.
    pub content: OutboundContent,
    /// The wamid replied to.
    pub reply_to: Option<String>,
    /// Send attempts so far (including the one under way).
    pub attempts: u32,
    /// When staff pressed send.
    pub created_at: Millis,
    /// The teammate who pressed send; `None` when a rule, a campaign or the
    /// system sent it.
    pub sent_by: Option<String>,
}
