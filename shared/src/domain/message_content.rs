//! What a WhatsApp message says, typed for every kind Meta documents.

use serde::{Deserialize, Serialize};

/// A piece of media Meta hosts for a limited time (`id` is its media id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Media {
    /// Meta's media id, used to download the bytes.
    pub id: Option<String>,
    /// MIME type as Meta reports it.
    pub mime_type: Option<String>,
    /// SHA-256 of the file, as Meta reports it.
    pub sha256: Option<String>,
    /// The caption the customer typed, if any.
    pub caption: Option<String>,
}

/// One contact card shared in a `contacts` message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ContactCard {
    /// The card's formatted name.
    pub formatted_name: Option<String>,
    /// Phone numbers on the card.
    pub phones: Vec<String>,
}

/// One line of a catalog order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct OrderItem {
    /// The product's retailer id.
    pub product_retailer_id: Option<String>,
    /// How many were ordered.
    pub quantity: Option<f64>,
    /// Price per item.
    pub item_price: Option<f64>,
    /// ISO 4217 currency.
    pub currency: Option<String>,
}

/// Which interactive element the customer answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InteractiveKind {
    /// A reply button.
    ButtonReply,
    /// A list row.
    ListReply,
    /// A WhatsApp Flow's reply.
    NfmReply,
    /// Anything newer that Parley does not know yet.
    Other,
}

/// The typed content of a message. `Unsupported` holds Meta's own errors; the
/// raw JSON is kept beside the message regardless, so nothing is lost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MessageContent {
    /// Plain text.
    Text {
        /// The text.
        body: String,
    },
    /// A photo.
    Image {
        /// The image.
        media: Media,
    },
    /// An audio file or a voice note.
    Audio {
        /// The audio.
        media: Media,
        /// True for a push-to-talk voice note.
        voice: bool,
    },
    /// A video.
    Video {
        /// The video.
        media: Media,
    },
    /// A document.
    Document {
        /// The file.
        media: Media,
        /// Its file name.
        filename: Option<String>,
    },
    /// A sticker.
    Sticker {
        /// The sticker image.
        media: Media,
        /// True for an animated sticker.
        animated: bool,
    },
    /// A shared location.
    Location {
        /// Latitude in degrees.
        latitude: f64,
        /// Longitude in degrees.
        longitude: f64,
        /// The place's name.
        name: Option<String>,
        /// The place's address.
        address: Option<String>,
    },
    /// Shared contact cards.
    Contacts {
        /// The cards.
        cards: Vec<ContactCard>,
    },
    /// A reply to an interactive message (button, list, flow).
    Interactive {
        /// Which element.
        reply: InteractiveKind,
        /// The id we gave the option.
        id: Option<String>,
        /// The title the customer saw and tapped.
        title: Option<String>,
        /// A list row's description.
        description: Option<String>,
        /// A completed WhatsApp Flow's `flow_token`: which form it is.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        flow_token: Option<String>,
        /// A completed Flow's answers, by the form's field names.
        #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
        answers: std::collections::BTreeMap<String, String>,
    },
    /// What staff offered in an interactive message of theirs: the reply
    /// buttons, the list's rows, or the form's button, so the timeline
    /// shows what the customer was given to tap.
    Offered {
        /// `buttons`, `list` or `flow`.
        style: String,
        /// The text header, if any.
        header: Option<String>,
        /// The buttons' or rows' titles, in order (empty for a form).
        options: Vec<String>,
        /// The label of the button that opens the list or the form.
        button: Option<String>,
        /// The small text under the body.
        footer: Option<String>,
    },
    /// A tap on a template's quick-reply button.
    Button {
        /// The payload we set on the button.
        payload: Option<String>,
        /// The button's text.
        text: Option<String>,
    },
    /// A reaction to a message; `emoji: None` is the removal of a reaction.
    Reaction {
        /// The wamid reacted to.
        message_id: String,
        /// The emoji, or `None` when the customer removed their reaction.
        emoji: Option<String>,
    },
    /// A catalog order.
    Order {
        /// The catalog.
        catalog_id: Option<String>,
        /// The customer's note.
        text: Option<String>,
        /// The lines.
        items: Vec<OrderItem>,
    },
    /// A system notice, e.g. the customer changed their number.
    System {
        /// Meta's text.
        body: Option<String>,
        /// Meta's system type, e.g. `user_changed_number`.
        system_type: Option<String>,
        /// The customer's new `wa_id` after a number change.
        new_wa_id: Option<String>,
        /// The customer's new BSUID after an id change.
        new_user_id: Option<String>,
    },
    /// A WhatsApp call the customer made to the business (the Calling
    /// API's `calls` webhook, its `terminate` event).
    Call {
        /// Meta's call id (`wacid.…`).
        call_id: String,
        /// Nobody answered it.
        missed: bool,
        /// How long it was connected, when it was answered.
        duration_seconds: Option<u64>,
        /// Meta's status (`COMPLETED`, `FAILED`…), as sent.
        status: Option<String>,
    },
    /// A customer's WhatsApp call beginning to ring (the `calls` webhook's
    /// `connect`, with Meta's SDP offer for a browser to answer).
    CallRinging {
        /// Meta's call id (`wacid.…`).
        call_id: String,
        /// Meta's SDP offer. Never serialized: the contact's ringing call
        /// carries it while it can be answered, and a timeline has no use
        /// for it.
        #[serde(default, skip_serializing)]
        offer_sdp: String,
    },
    /// A change to an earlier message: its new content (an edit, Meta
    /// allows one within 15 minutes) or, with `content: None`, its deletion
    /// for everyone (a revoke, within two days). The timeline shows it on
    /// the message it changes.
    Revision {
        /// The wamid of the message changed.
        original_message_id: String,
        /// What it says now; `None` when it was deleted.
        content: Option<Box<MessageContent>>,
    },
    /// Something Meta could not deliver to us in a supported form, or a type
    /// Parley does not understand yet.
    Unsupported {
        /// Meta's errors (code and title), when it gave any.
        errors: Vec<String>,
    },
}

impl MessageContent {
    /// The line of text a person would read for this message: the text body,
    /// a caption, a reaction's emoji, the title of a tapped button or list row.
    pub fn summary_text(&self) -> Option<&str> {
        match self {
            MessageContent::Text { body } => Some(body),
            MessageContent::Image { media }
            | MessageContent::Video { media }
            | MessageContent::Document { media, .. } => media.caption.as_deref(),
            MessageContent::Reaction { emoji, .. } => emoji.as_deref(),
            MessageContent::Interactive { title, .. } => title.as_deref(),
            MessageContent::Button { text, .. } => text.as_deref(),
            MessageContent::Order { text, .. } => text.as_deref(),
            MessageContent::System { body, .. } => body.as_deref(),
            MessageContent::Location { name, .. } => name.as_deref(),
            MessageContent::Revision { content, .. } => content.as_deref().and_then(MessageContent::summary_text),
            MessageContent::Audio { .. }
            | MessageContent::Call { .. }
            | MessageContent::CallRinging { .. }
            | MessageContent::Offered { .. }
            | MessageContent::Sticker { .. }
            | MessageContent::Contacts { .. }
            | MessageContent::Unsupported { .. } => None,
        }
    }

    /// The media this message carries, if any.
    pub fn media(&self) -> Option<&Media> {
        match self {
            MessageContent::Image { media }
            | MessageContent::Video { media }
            | MessageContent::Audio { media, .. }
            | MessageContent::Document { media, .. }
            | MessageContent::Sticker { media, .. } => Some(media),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_text_reads_like_a_person_would() {
        let caption = MessageContent::Image { media: Media { caption: Some("our shop".into()), ..Media::default() } };
        assert_eq!(caption.summary_text(), Some("our shop"));
        let removed = MessageContent::Reaction { message_id: "w".into(), emoji: None };
        assert_eq!(removed.summary_text(), None);
        let voice = MessageContent::Audio { media: Media::default(), voice: true };
        assert_eq!(voice.summary_text(), None);
    }
}
