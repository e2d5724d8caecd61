//! Contacts added by phone, and lead sources, as the DynamoDB store keeps
//! them: an added contact claims the same identity a first message would.

use super::MemoryStore;
use crate::domain::conversation::ConversationStatus;
use crate::domain::identity::IdentityKey;
use crate::domain::{AuditEntry, ContactId};
use crate::ports::{ContactEnrolment, Enrolled, LeadSourceStore, NewContact, StoreError, StoredLeadSource};

#[async_trait::async_trait]
impl ContactEnrolment for MemoryStore {
    async fn enrol_contact(&self, new: &NewContact) -> Result<Enrolled, StoreError> {
        let mut state = self.state();
        let key = IdentityKey::WaId(new.wa_id.clone());
        let claim = (new.number.0.clone(), key.as_key());
        if let Some(owner) = state.identities.get(&claim) {
            return Ok(Enrolled::Existing(owner.clone()));
        }
        let id = ContactId::derive(&self.ids, &new.number, &key);
        state.identities.insert(claim, id.clone());
        let mut row = super::contacts::new_contact(&id, &new.number.0, new.at);
        row.contact.wa_id = Some(new.wa_id.clone());
        row.contact.display_name = new.name.clone();
        row.contact.conversation.owner = new.owner.clone();
        row.contact.conversation.status = Some(ConversationStatus::Open);
        state.contacts.insert(id.clone(), row);
        state.events.push(crate::domain::change_event::contact_created(&id, &new.number.0, &new.source, new.at));
        Ok(Enrolled::Created(id))
    }
}

#[async_trait::async_trait]
impl LeadSourceStore for MemoryStore {
    async fn lead_sources(&self) -> Result<Vec<StoredLeadSource>, StoreError> {
        Ok(self.state().lead_sources.values().cloned().collect())
    }

    async fn lead_source(&self, id: &str) -> Result<Option<StoredLeadSource>, StoreError> {
        Ok(self.state().lead_sources.get(id).cloned())
    }

    async fn put_lead_source(
        &self,
        stored: &StoredLeadSource,
        new: bool,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut state = self.state();
        if new && state.lead_sources.contains_key(&stored.source.id) {
            return Ok(false);
        }
        state.lead_sources.insert(stored.source.id.clone(), stored.clone());
        state.audit.push(audit.clone());
        Ok(true)
    }

    async fn delete_lead_source(&self, id: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        let mut state = self.state();
        if state.lead_sources.remove(id).is_none() {
            return Ok(false);
        }
        state.audit.push(audit.clone());
        Ok(true)
    }
}
