//! The marketing opt-out. Recording a customer's opt-out is open to whoever
//! can see the contact, because it only ever stops messages; clearing it
//! lets marketing reach them again, so it takes a manager or an
//! administrator. Both are audited in the same write as the change.

use crate::domain::{AuditEntry, ContactId, Session};
use crate::ports::{Clock, ConsentStore, StoreError};
use std::sync::Arc;

/// Why an opt-out change was refused.
#[derive(Debug, thiserror::Error)]
pub enum OptOutError {
    /// Clearing an opt-out is for managers and administrators.
    #[error("only managers and administrators clear an opt-out")]
    Forbidden,
    /// No such contact.
    #[error("contact not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The opt-out use case. The caller has checked that `actor` may see the
/// contact.
pub struct OptOuts {
    consent: Arc<dyn ConsentStore>,
    clock: Arc<dyn Clock>,
}

impl OptOuts {
    /// Wires the use case.
    pub fn new(consent: Arc<dyn ConsentStore>, clock: Arc<dyn Clock>) -> Self {
        OptOuts { consent, clock }
    }

    /// Records (`true`) or clears (`false`) the contact's opt-out.
    pub async fn set(&self, actor: &Session, contact: &ContactId, opted_out: bool) -> Result<(), OptOutError> {
        if !opted_out && !actor.role.supervises() {
            return Err(OptOutError::Forbidden);
        }
        let audit = AuditEntry {
            at: self.clock.now(),
            actor: actor.email.clone(),
            action: if opted_out { "opt_out" } else { "clear_opt_out" }.to_owned(),
            contact: Some(contact.clone()),
            detail: "{}".to_owned(),
        };
        if !self.consent.set_opt_out(contact, opted_out, &audit).await? {
            return Err(OptOutError::NotFound);
        }
        Ok(())
    }
}
