//! A message of the timeline.

use super::MediaView;
use parley::domain::pricing::Estimate;
use parley::domain::Message;
use parley::ports::MediaVault;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

/// A message as the API shows it. `content`, `context` and `referral` are
/// the WhatsApp objects as received or sent; `errors` and `pricing` are
/// Meta's, passed on as they came.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Message")]
pub struct MessageView {
    id: String,
    #[schemars(extend("enum" = ["in", "out"]))]
    direction: &'static str,
    #[serde(rename = "type")]
    type_name: String,
    text: Option<String>,
    #[schemars(extend("enum" = ["queued", "sending", "sent", "delivered", "read", "failed", null]))]
    status: Option<&'static str>,
    at: String,
    #[schemars(with = "Option<Map<String, Value>>")]
    content: Option<Value>,
    #[schemars(with = "Option<Map<String, Value>>")]
    context: Option<Value>,
    #[schemars(with = "Option<Map<String, Value>>")]
    referral: Option<Value>,
    errors: Option<Value>,
    pricing: Option<Value>,
    attempts: Option<u32>,
    outcome_unknown: bool,
    /// The price shown before sending (outbound messages).
    #[schemars(with = "Option<Estimate>")]
    estimate: Option<Value>,
    /// A customer's file (image, audio, video, document, sticker) and its
    /// copy in the business's bucket.
    media: Option<MediaView>,
    /// The campaign that sent it, or that the customer replied to.
    campaign_id: Option<String>,
    /// How a message came through coexistence with the WhatsApp Business
    /// app: `phone_app` (the business typed it on its phone) or `history`
    /// (from before the number was onboarded); absent otherwise.
    #[schemars(extend("enum" = ["phone_app", "history", null]))]
    origin: Option<String>,
    /// The teammate (e-mail address) who sent it; absent for the
    /// customer's messages and what rules, campaigns and the phone app sent.
    sent_by: Option<String>,
}

fn json(text: Option<String>) -> Option<Value> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

impl MessageView {
    /// The view with a link to its file, when the file is stored.
    pub async fn linked(m: Message, vault: &dyn MediaVault) -> Self {
        let media = MediaView::linked(&m, vault).await;
        MessageView { media, ..MessageView::from(m) }
    }
}

impl From<Message> for MessageView {
    fn from(m: Message) -> Self {
        let media = MediaView::of(&m);
        MessageView {
            media,
            id: m.id,
            direction: m.direction.as_str(),
            type_name: m.type_name,
            text: m.text,
            status: m.status.map(|s| s.as_str()),
            at: m.at.to_rfc3339(),
            content: m.content.and_then(|c| serde_json::to_value(c).ok()),
            context: json(m.context),
            referral: json(m.referral),
            errors: json(m.errors),
            pricing: json(m.pricing),
            attempts: m.attempts,
            outcome_unknown: m.outcome_unknown,
            estimate: json(m.estimate),
            campaign_id: m.campaign,
            origin: m.origin,
            sent_by: m.sent_by,
        }
    }
}
