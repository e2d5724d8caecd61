//! A note staff keep on a contact.

use super::Millis;

/// A note staff keep on a contact (never sent to the customer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Id.
    pub id: String,
    /// Who wrote it.
    pub author: String,
    /// The note.
    pub text: String,
    /// When.
    pub at: Millis,
    /// The call it logs, when it is a call log (its text is then the
    /// caller's notes, possibly empty).
    pub call: Option<super::logged_call::LoggedCall>,
}
