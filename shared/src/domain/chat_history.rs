//! The chats from before a number was onboarded to Cloud API, which
//! coexistence backfills (`history`).

use super::message::InboundMessage;
use super::CustomerIdentity;

/// One customer's chat from the backfill: their messages and the
/// business's, each marked [`super::message::Arrival::History`].
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryThread {
    /// The business number.
    pub phone_number_id: String,
    /// The customer the thread is with.
    pub customer: CustomerIdentity,
    /// The thread's messages, in Meta's order.
    pub messages: Vec<InboundMessage>,
}
