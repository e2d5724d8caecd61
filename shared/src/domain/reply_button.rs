//! A reply button under a message staff send inside the window (Meta's
//! interactive "button" message): the customer taps it, and the tap comes
//! back as an `interactive.button_reply` carrying the button's id.
//!
//! Meta's limits (<https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-reply-buttons-messages>):
//! at most 3 buttons, a title of at most 20 characters, an id of at most
//! 256, and a body text (the caption here) of at most 1024.

use serde::{Deserialize, Serialize};

/// The most buttons one message carries.
pub const MAX_REPLY_BUTTONS: usize = 3;
/// The longest title Meta shows.
pub const MAX_BUTTON_TITLE_CHARS: usize = 20;
/// The longest id Meta echoes back.
pub const MAX_BUTTON_ID_CHARS: usize = 256;

/// One button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyButton {
    /// What the tap sends back (`quote:qt.…:accept`).
    pub id: String,
    /// What the customer reads on it.
    pub title: String,
}

/// Buttons Meta would refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a message has at most 3 reply buttons, each titled in 1 to 20 characters with a distinct id of at most 256")]
pub struct BadReplyButtons;

/// Checks `buttons` against Meta's limits.
pub fn check_reply_buttons(buttons: &[ReplyButton]) -> Result<(), BadReplyButtons> {
    let fits = |b: &ReplyButton| {
        let title = b.title.trim().chars().count();
        (1..=MAX_BUTTON_TITLE_CHARS).contains(&title) && (1..=MAX_BUTTON_ID_CHARS).contains(&b.id.chars().count())
    };
    let distinct = buttons.iter().enumerate().all(|(i, b)| buttons[..i].iter().all(|a| a.id != b.id));
    if buttons.len() > MAX_REPLY_BUTTONS || !buttons.iter().all(fits) || !distinct {
        return Err(BadReplyButtons);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn button(id: &str, title: &str) -> ReplyButton {
        ReplyButton { id: id.into(), title: title.into() }
    }

    #[test]
    fn metas_limits_hold() {
        assert!(check_reply_buttons(&[]).is_ok());
        assert!(check_reply_buttons(&[button("a", "Accept"), button("b", "Ask a question")]).is_ok());
        assert!(check_reply_buttons(&[button("a", "1"), button("b", "2"), button("c", "3"), button("d", "4")]).is_err());
        assert!(check_reply_buttons(&[button("a", "twenty-one characters")]).is_err());
        assert!(check_reply_buttons(&[button("a", "   ")]).is_err());
        assert!(check_reply_buttons(&[button("", "Accept")]).is_err());
        assert!(check_reply_buttons(&[button(&"x".repeat(257), "Accept")]).is_err());
        assert!(check_reply_buttons(&[button("a", "Yes"), button("a", "No")]).is_err(), "ids are distinct");
    }
}
