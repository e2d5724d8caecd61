//! The `interactive` object of a reply-buttons or list message, as the
//! Cloud API's send endpoint takes it.

use crate::domain::interactive_message::{InteractiveAction, InteractiveMessage};
use serde_json::{json, Value};

/// Meta's `interactive` object for `message` (checked beforehand).
pub fn interactive_object(message: &InteractiveMessage) -> Value {
    let (kind, action) = match &message.action {
        InteractiveAction::Buttons { buttons } => {
            let buttons: Vec<Value> = buttons
                .iter()
                .map(|b| json!({"type": "reply", "reply": {"id": b.id, "title": b.title.trim()}}))
                .collect();
            ("button", json!({ "buttons": buttons }))
        }
        InteractiveAction::List { button, sections } => {
            let sections: Vec<Value> = sections
                .iter()
                .map(|s| {
                    let rows: Vec<Value> = s
                        .rows
                        .iter()
                        .map(|r| {
                            let mut row = json!({"id": r.id, "title": r.title.trim()});
                            if let Some(d) = r.description.as_deref().filter(|d| !d.trim().is_empty()) {
                                row["description"] = json!(d);
                            }
                            row
                        })
                        .collect();
                    let mut section = json!({ "rows": rows });
                    if let Some(title) = &s.title {
                        section["title"] = json!(title.trim());
                    }
                    section
                })
                .collect();
            ("list", json!({ "button": button.trim(), "sections": sections }))
        }
        InteractiveAction::Flow { launch, token } => {
            let parameters = json!({
                "flow_message_version": "3",
                "flow_token": token,
                "flow_id": launch.flow_id,
                "flow_cta": launch.cta.trim(),
                "flow_action": "navigate",
                "flow_action_payload": {"screen": launch.screen},
            });
            ("flow", json!({ "name": "flow", "parameters": parameters }))
        }
    };
    let mut object = json!({ "type": kind, "body": {"text": message.body}, "action": action });
    if let Some(header) = &message.header {
        object["header"] = json!({"type": "text", "text": header.trim()});
    }
    if let Some(footer) = &message.footer {
        object["footer"] = json!({ "text": footer.trim() });
    }
    object
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::interactive_message::{ListRow, ListSection, ReplyButtonSpec};

    #[test]
    fn reply_buttons_carry_header_body_footer_and_buttons() {
        let message = InteractiveMessage {
            header: Some("Your order".into()),
            body: "Deliver tomorrow?".into(),
            footer: Some("Tap one".into()),
            action: InteractiveAction::Buttons {
                buttons: vec![
                    ReplyButtonSpec { id: "yes".into(), title: "Yes".into() },
                    ReplyButtonSpec { id: "no".into(), title: "No".into() },
                ],
            },
        };
        assert_eq!(
            interactive_object(&message),
            json!({
                "type": "button",
                "header": {"type": "text", "text": "Your order"},
                "body": {"text": "Deliver tomorrow?"},
                "footer": {"text": "Tap one"},
                "action": {"buttons": [
                    {"type": "reply", "reply": {"id": "yes", "title": "Yes"}},
                    {"type": "reply", "reply": {"id": "no", "title": "No"}},
                ]},
            })
        );
    }

    #[test]
    fn a_list_names_its_button_sections_and_rows() {
        let message = InteractiveMessage {
            header: None,
            body: "Pick a size".into(),
            footer: None,
            action: InteractiveAction::List {
                button: "Sizes".into(),
                sections: vec![ListSection {
                    title: Some("Shirts".into()),
                    rows: vec![
                        ListRow { id: "s".into(), title: "Small".into(), description: Some("Chest 36".into()) },
                        ListRow { id: "m".into(), title: "Medium".into(), description: None },
                    ],
                }],
            },
        };
        assert_eq!(
            interactive_object(&message),
            json!({
                "type": "list",
                "body": {"text": "Pick a size"},
                "action": {"button": "Sizes", "sections": [{"title": "Shirts", "rows": [
                    {"id": "s", "title": "Small", "description": "Chest 36"},
                    {"id": "m", "title": "Medium"},
                ]}]},
            })
        );
    }
}
