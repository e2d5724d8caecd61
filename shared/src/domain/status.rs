//! An outbound message's delivery state, and the monotonic rule that applies
//! Meta's late, duplicated and out-of-order status webhooks.

use super::Millis;
use serde::{Deserialize, Serialize};

/// Where an outbound message is: `queued → sending → sent → delivered → read`,
/// or `failed`. Inbound messages carry no status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Stored and waiting for the sender.
    Queued,
    /// Claimed by a sender; the Cloud API call may be under way.
    Sending,
    /// Accepted by Meta.
    Sent,
    /// On the customer's phone.
    Delivered,
    /// Seen by the customer.
    Read,
    /// Meta or Parley gave up on it.
    Failed,
}

impl DeliveryStatus {
    /// Progress order. `failed` sits between `sent` and `delivered`: a late
    /// `sent` never hides a failure, while `delivered` or `read` prove the
    /// message arrived after all, so a failure that comes after them is kept
    /// as a note rather than a downgrade.
    pub fn rank(self) -> u8 {
        match self {
            DeliveryStatus::Queued => 0,
            DeliveryStatus::Sending => 10,
            DeliveryStatus::Sent => 20,
            DeliveryStatus::Failed => 25,
            DeliveryStatus::Delivered => 30,
            DeliveryStatus::Read => 40,
        }
    }

    /// Whether moving from `self` to `next` is progress (and so applied).
    pub fn advances_to(self, next: DeliveryStatus) -> bool {
        next.rank() > self.rank()
    }

    /// Meta's and the API's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Queued => "queued",
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Read => "read",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// Parses Meta's and our own names.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "queued" => DeliveryStatus::Queued,
            "sending" => DeliveryStatus::Sending,
            "sent" => DeliveryStatus::Sent,
            "delivered" => DeliveryStatus::Delivered,
            "read" => DeliveryStatus::Read,
            "failed" => DeliveryStatus::Failed,
            _ => return None,
        })
    }
}

/// Meta's reason for a failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryError {
    /// Meta's error code, e.g. 131047.
    pub code: i64,
    /// Meta's short title.
    pub title: String,
    /// Meta's details, when given.
    pub details: Option<String>,
}

/// How Meta billed a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pricing {
    /// Whether the message is charged.
    pub billable: bool,
    /// `marketing`, `utility`, `authentication`, `service`, …
    pub category: Option<String>,
    /// `PMP` (per message) or the older `CBP`.
    pub pricing_model: Option<String>,
    /// `regular`, `free_customer_service`, `free_entry_point`, …
    pub pricing_type: Option<String>,
}

/// One status webhook for one message.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusUpdate {
    /// The message's wamid.
    pub wamid: String,
    /// The new status (never `queued` or `sending`: those are ours).
    pub status: DeliveryStatus,
    /// When Meta says it happened.
    pub at: Millis,
    /// The business number it was sent from.
    pub phone_number_id: String,
    /// The recipient's `wa_id`, if given.
    pub recipient_id: Option<String>,
    /// Billing, when Meta attached it.
    pub pricing: Option<Pricing>,
    /// Why it failed, for `failed`.
    pub errors: Vec<DeliveryError>,
    /// Our own message key, echoed back from `biz_opaque_callback_data`.
    pub callback_data: Option<String>,
    /// The status object exactly as Meta sent it.
    pub raw: String,
}

#[cfg(test)]
mod tests {
    use super::DeliveryStatus::*;

    #[test]
    fn late_sent_never_downgrades_delivered() {
        assert!(Sent.advances_to(Delivered));
        assert!(!Delivered.advances_to(Sent));
        assert!(!Read.advances_to(Read));
    }

    #[test]
    fn failure_after_read_is_not_a_downgrade_but_beats_sent() {
        assert!(!Read.advances_to(Failed));
        assert!(!Delivered.advances_to(Failed));
        assert!(Sent.advances_to(Failed));
        assert!(!Failed.advances_to(Sent));
        assert!(Failed.advances_to(Delivered));
    }

    #[test]
    fn names_round_trip() {
        for s in [Queued, Sending, Sent, Delivered, Read, Failed] {
            assert_eq!(super::DeliveryStatus::parse(s.as_str()), Some(s));
        }
    }
}
