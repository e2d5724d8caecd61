//! Meta's "mark as read" call, with the typing indicator it can carry:
//! `POST /{phone_number_id}/messages` with `status: read` and the customer
//! message's id answers `{"success": true}`; the customer's phone shows
//! blue ticks (and "typing…" for up to 25 seconds, or until the reply).
//! The simulator keeps each call so tests can see what the phone saw.

use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Mutex;

/// One read mark the business sent.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReadMark {
    /// The business number it came from.
    pub phone_number_id: String,
    /// The customer message marked read.
    pub message_id: String,
    /// Whether it asked for the typing indicator.
    pub typing: bool,
}

/// Why Meta refuses a mark: its code and details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkRefusal {
    /// Meta's error code.
    pub code: i64,
    /// Meta's `error_data.details`.
    pub details: &'static str,
}

/// The marks received so far.
#[derive(Debug, Default)]
pub struct ReadMarks(Mutex<Vec<ReadMark>>);

impl ReadMarks {
    /// Checks the body as Meta does and keeps the mark.
    pub fn take(&self, phone_number_id: &str, body: &Value) -> Result<Value, MarkRefusal> {
        let message_id = body["message_id"].as_str().filter(|id| id.starts_with("wamid."));
        let Some(message_id) = message_id else {
            return Err(MarkRefusal {
                code: 100,
                details: "message_id must be the wamid of a message the business received",
            });
        };
        let typing = match body.get("typing_indicator") {
            None => false,
            Some(indicator) if indicator["type"] == "text" => true,
            Some(_) => return Err(MarkRefusal { code: 100, details: "typing_indicator.type must be text" }),
        };
        let mark = ReadMark { phone_number_id: phone_number_id.to_owned(), message_id: message_id.to_owned(), typing };
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(mark);
        Ok(json!({"success": true}))
    }

    /// Every mark so far, oldest first.
    pub fn all(&self) -> Vec<ReadMark> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_needs_a_wamid_and_typing_is_only_text() {
        let marks = ReadMarks::default();
        let read = json!({"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.A"});
        assert_eq!(marks.take("1", &read), Ok(json!({"success": true})));
        let mut typing = read.clone();
        typing["typing_indicator"] = json!({"type": "text"});
        marks.take("1", &typing).unwrap();
        typing["typing_indicator"] = json!({"type": "audio"});
        assert_eq!(marks.take("1", &typing).map_err(|r| r.code), Err(100));
        assert_eq!(marks.take("1", &json!({"status": "read", "message_id": "m1"})).map_err(|r| r.code), Err(100));
        let typed: Vec<bool> = marks.all().iter().map(|m| m.typing).collect();
        assert_eq!(typed, [false, true]);
    }
}
