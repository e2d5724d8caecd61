//! Writing an internal note: the rules a note must meet and its id, so that
//! every caller (API, automation later) makes notes the same way.

use crate::domain::logged_call::{CallOutcome, LoggedCall};
use crate::domain::{Millis, Note};

/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 10_000;

/// Why a note was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NoteError {
    /// Empty after trimming, or longer than [`MAX_NOTE_CHARS`].
    #[error("a note needs 1 to {MAX_NOTE_CHARS} characters")]
    Length,
    /// A call that did not connect has no duration.
    #[error("only a call that connected has a duration")]
    DurationWithoutAnswer,
}

/// A new note by `author` at `at`, trimmed, with a fresh `nt.` id.
pub fn new_note(author: &str, text: &str, at: Millis) -> Result<Note, NoteError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_NOTE_CHARS {
        return Err(NoteError::Length);
    }
    Ok(Note { id: note_id(), author: author.to_owned(), text: text.to_owned(), at, call: None })
}

/// A call `author` made and logged at `at`, with their notes (which may be
/// empty); a duration only for a call that connected.
pub fn logged_call(author: &str, call: LoggedCall, notes: &str, at: Millis) -> Result<Note, NoteError> {
    let notes = notes.trim();
    if notes.chars().count() > MAX_NOTE_CHARS {
        return Err(NoteError::Length);
    }
    if call.duration_seconds.is_some() && call.outcome != CallOutcome::Connected {
        return Err(NoteError::DurationWithoutAnswer);
    }
    Ok(Note { id: note_id(), author: author.to_owned(), text: notes.to_owned(), at, call: Some(call) })
}

fn note_id() -> String {
    super::send_message::new_message_id().replacen("pm.", "nt.", 1)
}

/// Notifies the teammates a note mentions as `@name` (idempotent per
/// note and person); the title is the contact's name, never the note.
pub async fn notify_mentions(
    users: &dyn crate::ports::UserStore,
    notifications: &dyn crate::ports::Notifications,
    note: &Note,
    contact: &crate::domain::Contact,
) -> Result<usize, crate::ports::StoreError> {
    use crate::domain::notification::{Notification, NotificationKind};
    if !note.text.contains('@') {
        return Ok(0);
    }
    let team = users.list_users().await?;
    let named = crate::domain::mention::mentioned(&note.text, &team, &note.author);
    for user in &named {
        let notification = Notification {
            id: format!("mention-{}-{}", note.id, user.email),
            recipient: user.email.clone(),
            kind: NotificationKind::Mention,
            at: note.at,
            contact_id: Some(contact.id.clone()),
            task_id: None,
            deal_id: None,
            title: contact.shown_name().unwrap_or("A customer").to_owned(),
            read: false,
        };
        notifications.notify(&notification).await?;
    }
    Ok(named.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_trimmed_and_gets_its_own_kind_of_id() {
        let note = new_note("a@shop.test", "  call back at 5 ", Millis(7)).unwrap();
        assert_eq!(note.text, "call back at 5");
        assert!(note.id.starts_with("nt.") && note.id.len() > 3, "{}", note.id);
        assert_ne!(note.id, new_note("a@shop.test", "x", Millis(7)).unwrap().id);
    }

    #[test]
    fn a_call_log_may_have_no_notes_but_only_a_connected_call_has_a_duration() {
        let rang_out = LoggedCall { outcome: CallOutcome::NoAnswer, duration_seconds: None };
        let logged = logged_call("a@shop.test", rang_out, "  ", Millis(3)).unwrap();
        assert_eq!((logged.text.as_str(), logged.call), ("", Some(rang_out)));
        let odd = LoggedCall { outcome: CallOutcome::Busy, duration_seconds: Some(30) };
        assert_eq!(logged_call("a", odd, "", Millis(3)), Err(NoteError::DurationWithoutAnswer));
        let talked = LoggedCall { outcome: CallOutcome::Connected, duration_seconds: Some(240) };
        assert!(logged_call("a", talked, "wants 40 pcs", Millis(3)).is_ok());
    }

    #[test]
    fn blank_and_overlong_notes_are_refused() {
        assert_eq!(new_note("a", "   ", Millis(0)), Err(NoteError::Length));
        assert_eq!(new_note("a", &"x".repeat(MAX_NOTE_CHARS + 1), Millis(0)), Err(NoteError::Length));
        assert!(new_note("a", &"x".repeat(MAX_NOTE_CHARS), Millis(0)).is_ok());
    }
}
