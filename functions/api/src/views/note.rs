//! An internal note on a contact.

use parley::domain::Note;
use schemars::JsonSchema;
use serde::Serialize;

/// A note staff wrote; customers never see it.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Note")]
pub struct NoteView {
    id: String,
    author: String,
    text: String,
    at: String,
}

impl From<Note> for NoteView {
    fn from(n: Note) -> Self {
        NoteView { id: n.id, author: n.author, text: n.text, at: n.at.to_rfc3339() }
    }
}
