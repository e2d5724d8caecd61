//! Something a staff member should know about, kept in their own list.

use super::{ContactId, Millis};
use serde::{Deserialize, Serialize};

/// Why someone is notified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A customer wrote in a conversation they own.
    NewMessage,
    /// A conversation was assigned to them.
    Assigned,
    /// A task of theirs fell due.
    TaskDue,
    /// A conversation waited on us past the SLA.
    SlaBreach,
    /// A deal of theirs stayed in a stage past its limit.
    DealIdle,
    /// A teammate mentioned them in a note.
    Mention,
    /// An automation rule asked for it.
    Rule,
}

/// One notification for one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// Derived from its cause (the event or the job and the recipient), so
    /// that a retried cause stores it once.
    pub id: String,
    /// The staff member's e-mail.
    pub recipient: String,
    /// Why.
    pub kind: NotificationKind,
    /// When it was raised.
    pub at: Millis,
    /// The conversation it links to.
    pub contact_id: Option<ContactId>,
    /// The task it links to.
    pub task_id: Option<String>,
    /// The deal it links to.
    pub deal_id: Option<String>,
    /// One line for the bell and the browser notification: a contact's name
    /// or a task's title, never a phone number or a message body.
    pub title: String,
    /// Whether the recipient has read it.
    pub read: bool,
}
