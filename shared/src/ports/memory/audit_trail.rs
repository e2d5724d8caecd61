//! The memory stores' audit lines, checked as the DynamoDB store checks
//! each line it writes: in debug builds, a use case's unit test that
//! records a code `AUDIT_ACTIONS` does not list fails there, before an
//! end-to-end test or the web app's catalog meets it.

use crate::domain::audit_actions::debug_assert_listed;
use crate::domain::AuditEntry;
use std::ops::{Deref, DerefMut};

/// Audit lines, oldest first.
#[derive(Debug, Default, Clone)]
pub struct AuditTrail(Vec<AuditEntry>);

impl AuditTrail {
    /// Records `entry`, whose action must be a listed one.
    pub fn push(&mut self, entry: AuditEntry) {
        debug_assert_listed(&entry.action);
        self.0.push(entry);
    }

    /// The lines, oldest first.
    pub fn lines(&self) -> Vec<AuditEntry> {
        self.0.clone()
    }
}

impl Extend<AuditEntry> for AuditTrail {
    fn extend<T: IntoIterator<Item = AuditEntry>>(&mut self, entries: T) {
        entries.into_iter().for_each(|entry| self.push(entry));
    }
}

// Reading and editing lines in place (erasure rewrites them) need no check.
impl Deref for AuditTrail {
    type Target = [AuditEntry];

    fn deref(&self) -> &[AuditEntry] {
        &self.0
    }
}

impl DerefMut for AuditTrail {
    fn deref_mut(&mut self) -> &mut [AuditEntry] {
        &mut self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Millis;

    fn line(action: &str) -> AuditEntry {
        AuditEntry {
            at: Millis(1),
            actor: "a@shop.test".into(),
            action: action.into(),
            contact: None,
            detail: String::new(),
        }
    }

    #[test]
    fn a_listed_action_is_recorded() {
        let mut trail = AuditTrail::default();
        trail.push(line("invite"));
        trail.extend([line("close")]);
        assert_eq!(trail.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["invite", "close"]);
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "not in AUDIT_ACTIONS")]
    fn an_unlisted_action_fails_in_a_debug_build() {
        AuditTrail::default().push(line("number.save"));
    }
}
