//! One line of the audit log.

use super::{ContactId, Millis, Session};

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

impl AuditEntry {
    /// What `actor` did at `at`, the detail kept as its JSON text.
    pub fn by(
        actor: &Session,
        at: Millis,
        action: &str,
        contact: Option<&ContactId>,
        detail: serde_json::Value,
    ) -> Self {
        AuditEntry {
            at,
            actor: actor.email.clone(),
            action: action.to_owned(),
            contact: contact.cloned(),
            detail: detail.to_string(),
        }
    }
}
