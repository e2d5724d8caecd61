//! Opt-ins staff record (a form, an import, what a customer told them on
//! the phone), and the business's consent settings. Both are audited in
//! the write that makes them.

use crate::domain::consent::{staff_consent, ConsentMethod, ConsentProblem};
use crate::domain::consent_policy::ConsentPolicy;
use crate::domain::{AuditEntry, ContactId, Session};
use crate::ports::{Clock, ConsentPolicyStore, ConsentStore, StoreError};
use std::sync::Arc;

/// Why a consent change was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConsentError {
    /// The consent settings are for managers and administrators.
    #[error("only managers and administrators change the consent settings")]
    Forbidden,
    /// Settings or an opt-in that do not hold.
    #[error("{0}")]
    Invalid(String),
    /// No such contact (or it was merged or erased meanwhile).
    #[error("contact not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<ConsentProblem> for ConsentError {
    fn from(problem: ConsentProblem) -> Self {
        ConsentError::Invalid(problem.to_string())
    }
}

/// The consent use case. The caller has checked that `actor` may see the
/// contact.
pub struct Consents {
    contacts: Arc<dyn ConsentStore>,
    policies: Arc<dyn ConsentPolicyStore>,
    clock: Arc<dyn Clock>,
}

impl Consents {
    /// Wires the use case.
    pub fn new(contacts: Arc<dyn ConsentStore>, policies: Arc<dyn ConsentPolicyStore>, clock: Arc<dyn Clock>) -> Self {
        Consents { contacts, policies, clock }
    }

    /// Records the opt-in staff report for `contact` (replacing the one on
    /// record). It does not lift an opt-out: that stays a manager's call.
    pub async fn record(
        &self,
        actor: &Session,
        contact: &ContactId,
        method: ConsentMethod,
        categories: &[String],
    ) -> Result<(), ConsentError> {
        let now = self.clock.now();
        let consent = staff_consent(now, method, categories)?;
        let names: Vec<&str> = consent.categories.iter().map(|c| c.as_str()).collect();
        let audit = AuditEntry {
            at: now,
            actor: actor.email.clone(),
            action: "opt_in".to_owned(),
            contact: Some(contact.clone()),
            detail: serde_json::json!({"method": method.as_str(), "categories": names}).to_string(),
        };
        if !self.contacts.record_consent(contact, &consent, &audit).await? {
            return Err(ConsentError::NotFound);
        }
        Ok(())
    }

    /// The saved settings, or the defaults; and whether they were saved.
    pub async fn policy(&self) -> Result<(ConsentPolicy, bool), StoreError> {
        let saved = self.policies.consent_policy().await?;
        let configured = saved.is_some();
        Ok((saved.unwrap_or_default(), configured))
    }

    /// Saves the settings (managers and administrators).
    pub async fn save_policy(&self, actor: &Session, policy: &ConsentPolicy) -> Result<(), ConsentError> {
        if !actor.role.supervises() {
            return Err(ConsentError::Forbidden);
        }
        policy.check().map_err(ConsentError::Invalid)?;
        let languages: Vec<&str> = policy.languages.iter().map(|l| l.language.as_str()).collect();
        let audit = AuditEntry {
            at: self.clock.now(),
            actor: actor.email.clone(),
            action: "consent_settings".to_owned(),
            contact: None,
            detail: serde_json::json!({"strict": policy.strict, "languages": languages}).to_string(),
        };
        self.policies.save_consent_policy(policy, &audit).await?;
        Ok(())
    }
}
