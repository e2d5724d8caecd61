//! A contact's marketing consent, and the business's consent settings.

use super::StoreError;
use crate::domain::consent::Consent;
use crate::domain::consent_policy::ConsentPolicy;
use crate::domain::{AuditEntry, ContactId};
use async_trait::async_trait;

/// A consent change a customer's keyword asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeywordChange {
    /// Opt out of marketing.
    OptOut,
    /// Opt back in, with this consent.
    OptIn(Consent),
}

/// What applying a keyword did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeywordApplied {
    /// The contact's standing changed, by this event (now or on an
    /// earlier delivery of it): the customer is owed the reply.
    Changed,
    /// They already stood there (a second STOP): nothing to confirm.
    Unchanged,
    /// No such contact (erased meanwhile).
    NoContact,
}

/// Opt-outs and opt-ins on contacts.
#[async_trait]
pub trait ConsentStore: Send + Sync {
    /// Marks or clears a contact's marketing opt-out, audited in the same
    /// write; `false` when there is no such contact.
    async fn set_opt_out(&self, contact: &ContactId, opted_out: bool, audit: &AuditEntry) -> Result<bool, StoreError>;

    /// Records an opt-in staff report (replacing the one on record),
    /// audited in the same write; `false` when there is no such contact.
    async fn record_consent(
        &self,
        contact: &ContactId,
        consent: &Consent,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;

    /// Applies a customer's keyword, at most once per standing: the change
    /// is conditional on the contact not standing there already, unless
    /// `event_id` made it (a redelivered event gets `Changed` again, so a
    /// reply lost to a crash is still sent, under its own idempotency key).
    /// The audit line is written once per event.
    async fn apply_keyword(
        &self,
        contact: &ContactId,
        change: &KeywordChange,
        event_id: &str,
        audit: &AuditEntry,
    ) -> Result<KeywordApplied, StoreError>;
}

/// The business's consent settings: one record.
#[async_trait]
pub trait ConsentPolicyStore: Send + Sync {
    /// The saved settings, or `None` before an admin first saved them.
    async fn consent_policy(&self) -> Result<Option<ConsentPolicy>, StoreError>;

    /// Saves the settings and their audit line in one write.
    async fn save_consent_policy(&self, policy: &ConsentPolicy, audit: &AuditEntry) -> Result<(), StoreError>;
}
