//! Something that happened, kept for automation to consume.

use super::Millis;

/// Something that happened, kept for automation to consume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainEvent {
    /// When.
    pub at: Millis,
    /// `deal.stage_changed`, …
    pub kind: String,
    /// The payload as JSON.
    pub payload: String,
}
