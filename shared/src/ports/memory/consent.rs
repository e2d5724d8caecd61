//! Opt-outs, opt-ins and the consent settings, with the DynamoDB store's
//! conditions.

use super::MemoryStore;
use crate::domain::consent::Consent;
use crate::domain::consent_policy::ConsentPolicy;
use crate::domain::{AuditEntry, ContactId};
use crate::ports::{ConsentPolicyStore, ConsentStore, KeywordApplied, KeywordChange, StoreError};

#[async_trait::async_trait]
impl ConsentStore for MemoryStore {
    async fn set_opt_out(&self, contact: &ContactId, opted_out: bool, audit: &AuditEntry) -> Result<bool, StoreError> {
        let mut state = self.state();
        let Some(row) = state.contacts.get_mut(contact) else { return Ok(false) };
        row.contact.opted_out = opted_out;
        state.audit.push(audit.clone());
        Ok(true)
    }

    async fn record_consent(
        &self,
        contact: &ContactId,
        consent: &Consent,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut state = self.state();
        let Some(row) = state.contacts.get_mut(contact) else { return Ok(false) };
        row.contact.consent = Some(consent.clone());
        state.audit.push(audit.clone());
        Ok(true)
    }

    async fn apply_keyword(
        &self,
        contact: &ContactId,
        change: &KeywordChange,
        event_id: &str,
        audit: &AuditEntry,
    ) -> Result<KeywordApplied, StoreError> {
        let mut state = self.state();
        let by_this_event = state.keyword_events.get(contact).is_some_and(|e| e == event_id);
        let Some(row) = state.contacts.get_mut(contact) else { return Ok(KeywordApplied::NoContact) };
        let record = &mut row.contact;
        let moves = match change {
            KeywordChange::OptOut => !record.opted_out,
            KeywordChange::OptIn(_) => {
                record.opted_out || !record.consent.as_ref().is_some_and(Consent::covers_marketing)
            }
        };
        if !moves && !by_this_event {
            return Ok(KeywordApplied::Unchanged);
        }
        match change {
            KeywordChange::OptOut => record.opted_out = true,
            KeywordChange::OptIn(consent) => {
                record.opted_out = false;
                record.consent = Some(consent.clone());
            }
        }
        if !by_this_event {
            state.keyword_events.insert(contact.clone(), event_id.to_owned());
            state.audit.push(audit.clone());
        }
        Ok(KeywordApplied::Changed)
    }
}

#[async_trait::async_trait]
impl ConsentPolicyStore for MemoryStore {
    async fn consent_policy(&self) -> Result<Option<ConsentPolicy>, StoreError> {
        Ok(self.state().consent_policy.clone())
    }

    async fn save_consent_policy(&self, policy: &ConsentPolicy, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut state = self.state();
        state.consent_policy = Some(policy.clone());
        state.audit.push(audit.clone());
        Ok(())
    }
}
