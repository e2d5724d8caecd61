//! One line of the audit log.

use super::{ContactId, Millis};

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When.
    pub at: Millis,
    /// Who (e-mail, or `system`).
    pub actor: String,
    /// What: `assign`, `unassign`, `close`, `reopen`, `send`, `invite`, …
    pub action: String,
    /// Which contact, if any.
    pub contact: Option<ContactId>,
    /// Details as JSON.
    pub detail: String,
}
