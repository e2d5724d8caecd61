//! Campaigns in memory: the same conditional step write, first-time-only
//! recipient records and monotonic recipient states as DynamoDB, and a
//! queue that records the steps asked for.

use super::{page_of, MemoryStore};
use crate::domain::campaign::{Audience, Campaign, CampaignReach, CampaignTotals, Recipient, RecipientState};
use crate::domain::{AuditEntry, Contact, ContactId, Millis};
use crate::ports::{
    AudienceSource, CampaignQueue, CampaignStore, Page, PageRequest, QueueError, RecipientRecord, StoreError,
};
use std::sync::{Mutex, PoisonError};

impl MemoryStore {
    /// The next `n` step records fail as storage outages (a crash between
    /// a step's sends and its record).
    pub fn fail_campaign_steps(&self, n: u32) {
        self.state().failing_campaign_steps = n;
    }
}

#[async_trait::async_trait]
impl CampaignStore for MemoryStore {
    async fn create_campaign(&self, campaign: &Campaign, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut state = self.state();
        state.campaigns.insert(campaign.id.clone(), campaign.clone());
        state.audit.push(audit.clone());
        Ok(())
    }

    async fn campaign(&self, id: &str) -> Result<Option<Campaign>, StoreError> {
        Ok(self.state().campaigns.get(id).cloned())
    }

    async fn recent_campaigns(&self, limit: i32) -> Result<Vec<Campaign>, StoreError> {
        let limit = usize::try_from(limit).unwrap_or(0);
        Ok(self.state().campaigns.values().rev().take(limit).cloned().collect())
    }

    async fn advance_campaign(
        &self,
        from: &Campaign,
        to: &Campaign,
        audit: Option<&AuditEntry>,
    ) -> Result<bool, StoreError> {
        let mut state = self.state();
        if state.failing_campaign_steps > 0 && to.steps > from.steps {
            state.failing_campaign_steps -= 1;
            return Err(StoreError::Unavailable("the step's record was lost".into()));
        }
        match state.campaigns.get(&to.id) {
            Some(stored) if stored.status == from.status && stored.steps == from.steps => {
                state.campaigns.insert(to.id.clone(), to.clone());
                state.audit.extend(audit.cloned());
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn record_recipient(
        &self,
        campaign: &str,
        recipient: &Recipient,
        at: Millis,
    ) -> Result<RecipientRecord, StoreError> {
        let mut state = self.state();
        let key = (campaign.to_owned(), recipient.contact.clone());
        if let Some(existing) = state.recipients.get(&key) {
            return Ok(RecipientRecord::Existing(existing.state));
        }
        state.recipients.insert(key, recipient.clone());
        let reach = CampaignReach { campaign: campaign.to_owned(), recipient: recipient.contact.clone(), at };
        state.campaign_marks.entry(recipient.contact.clone()).or_default().insert(campaign.to_owned(), reach);
        Ok(RecipientRecord::New)
    }

    async fn recipient_reached(
        &self,
        campaign: &str,
        contact: &ContactId,
        state_now: RecipientState,
        error_code: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        if let Some(r) = state.recipients.get_mut(&(campaign.to_owned(), contact.clone())) {
            if r.state != RecipientState::Excluded && r.state.rank() < state_now.rank() {
                r.state = state_now;
                if error_code.is_some() {
                    r.error_code = error_code;
                }
            }
        }
        Ok(())
    }

    async fn recipient_priced(&self, campaign: &str, contact: &ContactId, billed: bool) -> Result<(), StoreError> {
        if let Some(r) = self.state().recipients.get_mut(&(campaign.to_owned(), contact.clone())) {
            r.billed = Some(billed);
        }
        Ok(())
    }

    async fn latest_campaign_of(&self, contact: &ContactId) -> Result<Option<CampaignReach>, StoreError> {
        Ok(self.state().campaign_marks.get(contact).and_then(|m| m.values().next_back().cloned()))
    }

    async fn note_reply(&self, reach: &CampaignReach, at: Millis, opted_out: bool) -> Result<bool, StoreError> {
        let mut state = self.state();
        match state.recipients.get_mut(&(reach.campaign.clone(), reach.recipient.clone())) {
            Some(r) if r.state != RecipientState::Excluded => {
                if opted_out {
                    r.opted_out_after = true;
                } else {
                    r.replied_at.get_or_insert(at);
                }
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn mark_reply(&self, message: &crate::domain::MessageRef, campaign: &str) -> Result<(), StoreError> {
        let mut state = self.state();
        if let Some(row) = state.messages.get_mut(&message.contact).and_then(|m| m.get_mut(message.locator())) {
            row.message.campaign = Some(campaign.to_owned());
        }
        Ok(())
    }

    async fn recipients(&self, campaign: &str, page: &PageRequest) -> Result<Page<Recipient>, StoreError> {
        let all: Vec<Recipient> =
            self.state().recipients.iter().filter(|((c, _), _)| c == campaign).map(|(_, r)| r.clone()).collect();
        page_of(all, page)
    }

    async fn campaign_totals(&self, campaign: &str) -> Result<CampaignTotals, StoreError> {
        let mut totals = CampaignTotals::default();
        for ((c, _), r) in &self.state().recipients {
            if c == campaign {
                totals.add(r);
            }
        }
        Ok(totals)
    }
}

#[async_trait::async_trait]
impl AudienceSource for MemoryStore {
    async fn audience_page(
        &self,
        audience: &Audience,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Contact>, StoreError> {
        let state = self.state();
        let in_stage: Option<Vec<&ContactId>> = audience.stage.as_ref().map(|s| {
            state
                .deals
                .values()
                .filter(|d| d.pipeline == s.pipeline && d.stage == s.stage)
                .map(|d| &d.contact_id)
                .collect()
        });
        let candidates: Vec<Contact> = state
            .contacts
            .values()
            .map(|row| &row.contact)
            .filter(|c| in_stage.as_ref().is_none_or(|ids| ids.contains(&&c.id)))
            .filter(|c| audience.tag.as_ref().is_none_or(|tag| c.tags.contains(tag)))
            .cloned()
            .collect();
        page_of(candidates, &PageRequest { cursor: cursor.map(str::to_owned), limit: Some(limit) })
    }
}

/// Records the campaign steps asked for, with their delays.
#[derive(Debug, Default)]
pub struct MemoryCampaignQueue {
    asked: Mutex<Vec<(String, i32)>>,
}

impl MemoryCampaignQueue {
    /// Takes the steps asked for so far, in order.
    pub fn take(&self) -> Vec<(String, i32)> {
        std::mem::take(&mut *self.asked.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

#[async_trait::async_trait]
impl CampaignQueue for MemoryCampaignQueue {
    async fn enqueue_campaign(&self, id: &str, delay_seconds: i32) -> Result<(), QueueError> {
        self.asked.lock().unwrap_or_else(PoisonError::into_inner).push((id.to_owned(), delay_seconds));
        Ok(())
    }
}
