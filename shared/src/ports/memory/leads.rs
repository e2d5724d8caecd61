//! Contacts added by phone, lead sources and lead feeds, as the DynamoDB store keeps
//! them: an added contact claims the same identity a first message would.

use super::MemoryStore;
use crate::domain::conversation::ConversationStatus;
use crate::domain::identity::IdentityKey;
use crate::domain::lead_feed_status::LeadFeedStatus;
use crate::domain::{AuditEntry, ContactId};
use crate::ports::{
    ContactEnrolment, Enrolled, FeedRun, LeadFeedStore, LeadSourceStore, NewContact, StoreError, StoredLeadSource,
};

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
        row.contact.last_activity_at = Some(new.at);
        row.contact.conversation.owner = new.owner.clone();
        row.contact.source = Some(new.source.clone());
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

#[async_trait::async_trait]
impl LeadFeedStore for MemoryStore {
    async fn feed_status(&self, feed: &str) -> Result<Option<LeadFeedStatus>, StoreError> {
        Ok(self.state().lead_feeds.get(feed).cloned())
    }

    async fn record_feed_run(&self, feed: &str, run: &FeedRun) -> Result<(), StoreError> {
        let mut state = self.state();
        let status = state.lead_feeds.entry(feed.to_owned()).or_default();
        status.last_call_at = Some(run.at);
        status.outcome = run.outcome;
        status.detail = run.detail.clone();
        status.cursor = run.cursor.or(status.cursor);
        status.leads_taken += run.taken;
        status.leads_refused += run.refused;
        if run.taken > 0 {
            status.last_lead_at = Some(run.at);
        }
        Ok(())
    }
}
