//! An internal note on a contact.

use parley::domain::logged_call::LoggedCall;
use parley::domain::Note;
use schemars::JsonSchema;
use serde::Serialize;

/// A note staff wrote; customers never see it.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Note")]
pub struct NoteView {
    id: String,
    author: String,
    /// The note; for a call log, the caller's notes (possibly empty).
    text: String,
    at: String,
    /// The call this note logs, when it is a call log.
    call: Option<LoggedCall>,
}

impl From<Note> for NoteView {
    fn from(n: Note) -> Self {
        NoteView { id: n.id, author: n.author, text: n.text, at: n.at.to_rfc3339(), call: n.call }
    }
}

/// A logged call, and the follow-up set from it.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "CallLogged")]
pub struct CallLoggedView {
    /// The call log, on the timeline with the notes.
    pub note: NoteView,
    /// The follow-up to call again, when one was asked for.
    pub follow_up: Option<super::TaskView>,
}
