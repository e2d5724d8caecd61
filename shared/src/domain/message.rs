//! One WhatsApp message, inbound or outbound, with its typed content and the
//! raw JSON it came from.

use super::{ContactId, CustomerIdentity, DeliveryStatus, MessageContent, Millis};
use serde::{Deserialize, Serialize};

/// Which way a message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From the customer.
    In,
    /// From the business.
    Out,
}

impl Direction {
    /// The API's name: `in` or `out`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

/// How a message Meta reported reached Parley. It decides the message's
/// direction and what it sets off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Arrival {
    /// The customer wrote it just now (`messages`): it opens the service
    /// window, is counted, routed and handed to the rules.
    #[default]
    Live,
    /// The business typed it in the WhatsApp Business app on its phone
    /// (`smb_message_echoes`, coexistence). It is the team's answer, but
    /// Meta neither bills it nor counts it for the service window.
    PhoneApp,
    /// A message from before the number was onboarded (`history`). It is
    /// kept, and it sets off nothing: no rule, notification or routing.
    History {
        /// The business sent it (else the customer did).
        from_business: bool,
    },
}

impl Arrival {
    /// Which way the message went.
    pub fn direction(self) -> Direction {
        match self {
            Arrival::Live | Arrival::History { from_business: false } => Direction::In,
            Arrival::PhoneApp | Arrival::History { from_business: true } => Direction::Out,
        }
    }

    /// The name the timeline shows a message's origin by; `None` for a
    /// customer's live message.
    pub fn origin(self) -> Option<&'static str> {
        match self {
            Arrival::Live => None,
            Arrival::PhoneApp => Some("phone_app"),
            Arrival::History { .. } => Some("history"),
        }
    }
}

/// A message Meta reported on the business's number: a customer's, or,
/// under coexistence, one the business sent from the WhatsApp Business app
/// (see [`Arrival`]). `from` is always the customer.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundMessage {
    /// Meta's message id (wamid); the idempotency key.
    pub wamid: String,
    /// The business number it was sent to.
    pub phone_number_id: String,
    /// Who sent it.
    pub from: CustomerIdentity,
    /// The sender's WhatsApp profile name, when Meta included it.
    pub profile_name: Option<String>,
    /// The sender's WhatsApp username, when they set one.
    pub username: Option<String>,
    /// When the customer sent it.
    pub at: Millis,
    /// Meta's type name (`text`, `image`, …), kept verbatim.
    pub type_name: String,
    /// What it says.
    pub content: MessageContent,
    /// The message replied to or forwarded (Meta's `context`), as JSON.
    pub context: Option<String>,
    /// The click-to-WhatsApp ad it came from (Meta's `referral`), as JSON.
    pub referral: Option<String>,
    /// The message object exactly as Meta sent it.
    pub raw: String,
    /// How it reached Parley.
    pub arrival: Arrival,
}

impl InboundMessage {
    /// The ad its `referral` names, if it names one.
    pub fn ad(&self) -> Option<super::ad_referral::AdReferral> {
        self.referral.as_deref().and_then(super::ad_referral::AdReferral::parse)
    }

    /// The source of a contact this message is the first touch of: `ad`
    /// when it came with a `referral`, else `whatsapp`.
    pub fn first_touch_source(&self) -> &'static str {
        if self.referral.is_some() {
            "ad"
        } else {
            "whatsapp"
        }
    }
}

/// A stored message as the timeline shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The wamid, or our own id while an outbound message has none yet.
    pub id: String,
    /// The contact whose timeline it is on.
    pub contact_id: ContactId,
    /// In or out.
    pub direction: Direction,
    /// Meta's type name.
    pub type_name: String,
    /// The line of text a person reads.
    pub text: Option<String>,
    /// Delivery status of an outbound message.
    pub status: Option<DeliveryStatus>,
    /// When it was sent.
    pub at: Millis,
    /// Typed content.
    pub content: Option<MessageContent>,
    /// Meta's `context`, as JSON.
    pub context: Option<String>,
    /// Meta's `referral`, as JSON.
    pub referral: Option<String>,
    /// Meta's failure reasons and later error notes, as JSON.
    pub errors: Option<String>,
    /// Meta's pricing, as JSON.
    pub pricing: Option<String>,
    /// Send attempts of an outbound message.
    pub attempts: Option<u32>,
    /// The last send went out but no answer came; staff may retry.
    pub outcome_unknown: bool,
    /// Parley's price estimate when it was queued, as JSON.
    pub estimate: Option<String>,
    /// The copy of a customer's file in the business's bucket.
    pub media: Option<super::media_copy::MediaCopy>,
    /// The campaign that sent it, or that a customer's message replied to.
    pub campaign: Option<String>,
    /// `phone_app` or `history` for a message that came through
    /// coexistence (see [`Arrival::origin`]); `None` otherwise.
    pub origin: Option<String>,
    /// The teammate who pressed send (an outbound message staff sent;
    /// `None` for rules, campaigns and the phone app).
    pub sent_by: Option<String>,
}
