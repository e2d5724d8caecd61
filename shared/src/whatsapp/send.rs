//! The Cloud API send contract: `POST /{version}/{phone_number_id}/messages`,
//! its response, and which of its errors are worth retrying.

use super::interactive_message::interactive_object;
use super::status::delivery_error;
use super::template_message::template_object;
use crate::domain::outbound::OutboundContent;
use crate::domain::outbound_media::MediaKind;
use crate::domain::DeliveryError;
use serde_json::{json, Value};

/// One message to send.
#[derive(Debug, Clone, PartialEq)]
pub struct SendRequest {
    /// The business number to send from.
    pub phone_number_id: String,
    /// The recipient's `wa_id`, or their BSUID when no number is known.
    pub to: String,
    /// What to send.
    pub content: OutboundContent,
    /// The wamid replied to, if any.
    pub reply_to: Option<String>,
    /// Our message key, echoed back on every status webhook.
    pub callback_data: String,
    /// Where Meta fetches a file from (a presigned GET), for a file or a
    /// template header kept in the business's bucket.
    pub media_link: Option<String>,
}

impl SendRequest {
    /// The JSON body Meta expects.
    pub fn body(&self) -> Value {
        let mut body = json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "biz_opaque_callback_data": self.callback_data,
        });
        // A phone number goes in `to`; a business-scoped user id (a
        // customer who hid their number behind a username) in `recipient`,
        // as Meta specifies.
        let addressed_by = if is_phone_number(&self.to) { "to" } else { "recipient" };
        body[addressed_by] = json!(self.to);
        match &self.content {
            OutboundContent::Text { text } => {
                body["type"] = json!("text");
                body["text"] = json!({ "preview_url": false, "body": text });
            }
            OutboundContent::Template { name, language, params, inputs } => {
                body["type"] = json!("template");
                body["template"] = template_object(name, language, params, inputs, self.media_link.as_deref());
            }
            OutboundContent::Interactive { interactive } => {
                body["type"] = json!("interactive");
                body["interactive"] = interactive_object(interactive);
            }
            OutboundContent::Reaction { message_id, emoji } => {
                // An empty emoji is Meta's way of removing the reaction.
                body["type"] = json!("reaction");
                body["reaction"] = json!({ "message_id": message_id, "emoji": emoji });
            }
            OutboundContent::Media { file } => {
                // By link: Meta fetches the file from the bucket itself (see
                // README, "Staff send media").
                let kind = file.kind.as_str();
                let mut media = json!({ "link": self.media_link });
                if let Some(caption) = file.caption.as_ref().filter(|_| file.kind.takes_caption()) {
                    media["caption"] = json!(caption);
                }
                if let (MediaKind::Document, Some(name)) = (file.kind, &file.filename) {
                    media["filename"] = json!(name);
                }
                if file.buttons.is_empty() {
                    body["type"] = json!(kind);
                    body[kind] = media;
                } else {
                    // Meta's interactive reply-buttons message: the file is its
                    // header (which takes no caption), the caption its body.
                    let caption = media.as_object_mut().and_then(|m| m.remove("caption"));
                    let buttons: Vec<Value> = file
                        .buttons
                        .iter()
                        .map(|b| json!({"type": "reply", "reply": {"id": b.id, "title": b.title}}))
                        .collect();
                    body["type"] = json!("interactive");
                    body["interactive"] = json!({
                        "type": "button",
                        "header": {"type": kind, kind: media},
                        "body": {"text": caption.unwrap_or_default()},
                        "action": {"buttons": buttons},
                    });
                }
            }
        }
        if let Some(wamid) = &self.reply_to {
            body["context"] = json!({ "message_id": wamid });
        }
        body
    }
}

/// Whether `to` is a `wa_id` (digits only) rather than a BSUID
/// (`CC.` then letters and digits).
fn is_phone_number(to: &str) -> bool {
    !to.is_empty() && to.bytes().all(|b| b.is_ascii_digit())
}

/// Whether trying again can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Throttling, Meta-side trouble, the network: back off and retry.
    Retryable,
    /// The request itself is wrong or not allowed: fail now, show why.
    Permanent,
}

/// A failed send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure {
    /// Retry or not.
    pub class: ErrorClass,
    /// Meta's error (code 0 for network trouble).
    pub error: DeliveryError,
}

/// How a send ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// Meta accepted it and named it.
    Accepted {
        /// The new wamid.
        wamid: String,
    },
    /// Meta refused it, or it never left.
    Failed(SendFailure),
    /// The request left but no readable answer came (a timeout, or a 2xx
    /// whose body does not name the message): it may or may not have been
    /// sent, so it is never resent blindly.
    Unknown,
}

/// Meta's codes that are worth retrying: rate limits (4, 80007, 130429,
/// 131056 pair rate), and temporary trouble (1, 2, 131000, 131016, 133004).
const RETRYABLE_CODES: &[i64] = &[1, 2, 4, 80007, 130429, 131000, 131016, 131056, 133004];

/// Classifies an HTTP status and Meta error code.
pub fn classify(http_status: u16, code: i64) -> ErrorClass {
    if RETRYABLE_CODES.contains(&code) || http_status == 429 || http_status >= 500 {
        ErrorClass::Retryable
    } else {
        ErrorClass::Permanent
    }
}

/// Reads a Cloud API response.
pub fn parse_response(http_status: u16, body: &[u8]) -> SendOutcome {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    if (200..300).contains(&http_status) {
        return match value["messages"][0]["id"].as_str() {
            Some(wamid) => SendOutcome::Accepted { wamid: wamid.to_owned() },
            // Meta took the request; only its status webhook can say what
            // became of it.
            None => SendOutcome::Unknown,
        };
    }
    let error = match value.get("error") {
        Some(e) => delivery_error(e),
        None => DeliveryError { code: 0, title: format!("HTTP {http_status} without an error body"), details: None },
    };
    SendOutcome::Failed(SendFailure { class: classify(http_status, error.code), error })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_goes_in_to_and_a_business_scoped_user_id_in_recipient() {
        let request = |to: &str| SendRequest {
            phone_number_id: "1".into(),
            to: to.into(),
            content: OutboundContent::Text { text: "hi".into() },
            reply_to: None,
            callback_data: "c".into(),
            media_link: None,
        };
        let by_phone = request("919812345678").body();
        assert_eq!((by_phone["to"].as_str(), by_phone.get("recipient")), (Some("919812345678"), None));
        let by_user = request("IN.13491208655302741918").body();
        assert_eq!((by_user.get("to"), by_user["recipient"].as_str()), (None, Some("IN.13491208655302741918")));
    }

    #[test]
    fn a_document_with_reply_buttons_goes_as_the_header_of_an_interactive_message() {
        use crate::domain::outbound_media::OutboundFile;
        use crate::domain::reply_button::ReplyButton;
        let file = OutboundFile {
            kind: MediaKind::Document,
            key: "media/x/out-1".into(),
            mime_type: "application/pdf".into(),
            size: 10,
            filename: Some("QT-2026-0001.pdf".into()),
            caption: Some("Your quotation".into()),
            buttons: vec![
                ReplyButton { id: "quote:qt.1:accept".into(), title: "Accept".into() },
                ReplyButton { id: "quote:qt.1:ask".into(), title: "Ask a question".into() },
            ],
        };
        let request = SendRequest {
            phone_number_id: "1".into(),
            to: "919812345678".into(),
            content: OutboundContent::Media { file },
            reply_to: None,
            callback_data: "c".into(),
            media_link: Some("https://bucket.test/q?sig".into()),
        };
        let body = request.body();
        assert_eq!(body["type"], "interactive");
        assert_eq!(
            body["interactive"],
            serde_json::json!({
                "type": "button",
                "header": {"type": "document", "document": {"link": "https://bucket.test/q?sig", "filename": "QT-2026-0001.pdf"}},
                "body": {"text": "Your quotation"},
                "action": {"buttons": [
                    {"type": "reply", "reply": {"id": "quote:qt.1:accept", "title": "Accept"}},
                    {"type": "reply", "reply": {"id": "quote:qt.1:ask", "title": "Ask a question"}},
                ]},
            })
        );
    }

    #[test]
    fn a_document_goes_by_link_with_its_caption_and_name_and_audio_without_a_caption() {
        use crate::domain::outbound_media::OutboundFile;
        let file = |kind: MediaKind, mime: &str| OutboundFile {
            kind,
            key: "media/x/out-1".into(),
            mime_type: mime.into(),
            size: 10,
            filename: Some("brochure.pdf".into()),
            caption: Some("Our range".into()),
            buttons: vec![],
        };
        let request = |file: OutboundFile| SendRequest {
            phone_number_id: "1".into(),
            to: "919812345678".into(),
            content: OutboundContent::Media { file },
            reply_to: None,
            callback_data: "c".into(),
            media_link: Some("https://bucket.test/media/x/out-1?sig".into()),
        };
        let body = request(file(MediaKind::Document, "application/pdf")).body();
        assert_eq!(body["type"], "document");
        assert_eq!(
            body["document"],
            serde_json::json!({"link": "https://bucket.test/media/x/out-1?sig", "caption": "Our range", "filename": "brochure.pdf"})
        );
        let body = request(file(MediaKind::Audio, "audio/mpeg")).body();
        assert_eq!(body["type"], "audio");
        assert_eq!(body["audio"], serde_json::json!({"link": "https://bucket.test/media/x/out-1?sig"}));
        let body = request(file(MediaKind::Image, "image/png")).body();
        assert_eq!(body["image"]["caption"], "Our range");
        assert!(body["image"].get("filename").is_none());
    }

    #[test]
    fn builds_metas_template_body_with_our_callback_key() {
        let request = SendRequest {
            phone_number_id: "1".into(),
            to: "919812345678".into(),
            content: OutboundContent::Template {
                name: "order_update".into(),
                language: "en_US".into(),
                params: vec!["Asha".into()],
                inputs: Default::default(),
            },
            reply_to: Some("wamid.Q".into()),
            callback_data: "c|M#1".into(),
            media_link: None,
        };
        let body = request.body();
        assert_eq!(body["template"]["components"][0]["parameters"][0]["text"], "Asha");
        assert_eq!(body["template"]["language"]["code"], "en_US");
        assert_eq!(body["context"]["message_id"], "wamid.Q");
        assert_eq!(body["biz_opaque_callback_data"], "c|M#1");
    }

    #[test]
    fn reads_success_and_classifies_errors() {
        let ok = br#"{"messaging_product":"whatsapp","contacts":[{"input":"1","wa_id":"1"}],"messages":[{"id":"wamid.X","message_status":"accepted"}]}"#;
        assert_eq!(parse_response(200, ok), SendOutcome::Accepted { wamid: "wamid.X".into() });
        for unreadable in [&b"<html>bad gateway</html>"[..], b"{}", b"", br#"{"messages":[]}"#] {
            assert_eq!(parse_response(200, unreadable), SendOutcome::Unknown, "a 2xx is never a failure");
        }
        let window = br#"{"error":{"message":"Re-engagement message","type":"OAuthException","code":131047,"error_data":{"messaging_product":"whatsapp","details":"More than 24 hours have passed"},"fbtrace_id":"A"}}"#;
        let SendOutcome::Failed(failure) = parse_response(400, window) else { panic!("a failure") };
        assert_eq!(failure.class, ErrorClass::Permanent);
        assert_eq!(failure.error.code, 131047);
        assert_eq!(failure.error.details.as_deref(), Some("More than 24 hours have passed"));
        let throttled = br#"{"error":{"message":"(#130429) Rate limit hit","code":130429}}"#;
        assert!(matches!(
            parse_response(400, throttled),
            SendOutcome::Failed(SendFailure { class: ErrorClass::Retryable, .. })
        ));
        assert!(matches!(
            parse_response(503, b"oops"),
            SendOutcome::Failed(SendFailure { class: ErrorClass::Retryable, .. })
        ));
        for code in [131047, 132000, 132001, 131026, 131049, 190] {
            assert_eq!(classify(400, code), ErrorClass::Permanent, "{code}");
        }
    }
}

#[cfg(test)]
mod template_sends {
    //! The mistakes other inboxes shipped, checked from what staff give to
    //! the JSON that leaves for Meta.
    use super::*;
    use crate::domain::outbound::{plan_send, Recipient};
    use crate::domain::pricing::RateCards;
    use crate::domain::template::{Category, Template};
    use crate::domain::template_component::{ParameterFormat, TemplateHeader};
    use crate::domain::template_inputs::{HeaderInput, NamedParam, TemplateInputs};
    use crate::domain::{Millis, ServiceWindow};

    fn sent(template: Template, params: Vec<String>, inputs: TemplateInputs) -> Value {
        let content = OutboundContent::Template {
            name: template.name.clone(),
            language: template.language.clone(),
            params,
            inputs,
        };
        let recipient = Recipient { window: ServiceWindow::default(), marketing_refused: None, wa_id: None };
        let plan = plan_send(&recipient, &content, &[template], &RateCards::default(), Millis(1)).unwrap();
        let request = SendRequest {
            phone_number_id: "1".into(),
            to: "9".into(),
            content: plan.content,
            reply_to: None,
            callback_data: "c".into(),
            media_link: None,
        };
        request.body()
    }

    #[test]
    fn header_parameters_are_not_dropped() {
        let mut t = Template::body_only("order_shipped", "en_US", Category::Utility, "APPROVED", "Hi {{1}}");
        t.header = Some(TemplateHeader::Text { text: "Order {{1}}".into(), parameter: Some("1".into()) });
        let inputs = TemplateInputs {
            header: Some(HeaderInput::Text { text: "#42".into(), parameter_name: None }),
            ..TemplateInputs::default()
        };
        let body = sent(t, vec!["Asha".into()], inputs);
        assert_eq!(
            body["template"]["components"][0],
            serde_json::json!({"type": "header", "parameters": [{"type": "text", "text": "#42"}]})
        );
        assert_eq!(body["template"]["components"][1]["type"], "body");
    }

    #[test]
    fn named_parameters_leave_with_their_names() {
        let mut t =
            Template::body_only("offer", "en_US", Category::Utility, "APPROVED", "Hi {{first_name}}, {{part}} is in");
        t.parameter_format = ParameterFormat::Named;
        t.body_param_names = vec!["first_name".into(), "part".into()];
        t.body_params = 2;
        t.header = Some(TemplateHeader::Text { text: "{{shop}} news".into(), parameter: Some("shop".into()) });
        let inputs = TemplateInputs {
            header: Some(HeaderInput::Text { text: "Kumar Motors".into(), parameter_name: None }),
            named: vec![
                NamedParam { parameter_name: "part".into(), text: "the pump".into() },
                NamedParam { parameter_name: "first_name".into(), text: "Asha".into() },
            ],
            buttons: vec![],
        };
        let body = sent(t, vec![], inputs);
        assert_eq!(
            body["template"]["components"],
            serde_json::json!([
                {"type": "header", "parameters": [{"type": "text", "parameter_name": "shop", "text": "Kumar Motors"}]},
                {"type": "body", "parameters": [
                    {"type": "text", "parameter_name": "first_name", "text": "Asha"},
                    {"type": "text", "parameter_name": "part", "text": "the pump"}
                ]}
            ])
        );
    }
}
