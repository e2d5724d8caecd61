//! One entry of the audit log.

use parley::domain::audit_actions::AUDIT_ACTIONS;
use parley::domain::AuditEntry;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

/// Who did what, when, to which contact; `detail` depends on `action`.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "AuditEntry")]
pub struct AuditEntryView {
    at: String,
    actor: String,
    #[schemars(extend("enum" = AUDIT_ACTIONS))]
    action: String,
    contact_id: Option<String>,
    detail: Value,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(e: AuditEntry) -> Self {
        AuditEntryView {
            at: e.at.to_rfc3339(),
            actor: e.actor,
            action: e.action,
            contact_id: e.contact.map(|c| c.to_string()),
            detail: serde_json::from_str(&e.detail).unwrap_or(Value::Null),
        }
    }
}
