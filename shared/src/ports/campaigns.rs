//! Campaigns: the campaigns themselves, their recipients, the audience
//! they are drawn from, and the worker's queue.

use super::{Page, PageRequest, QueueError, StoreError};
use crate::domain::campaign::{Audience, Campaign, CampaignReach, CampaignTotals, Recipient, RecipientState};
use crate::domain::{AuditEntry, Contact, ContactId, Millis};
use async_trait::async_trait;

/// What recording a recipient found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipientRecord {
    /// RecipientRecord now.
    New,
    /// RecipientRecord before (a redelivered or redone step), in this state.
    Existing(RecipientState),
}

/// Campaigns and their recipients.
#[async_trait]
pub trait CampaignStore: Send + Sync {
    /// Stores a new campaign with its audit line, in one write.
    async fn create_campaign(&self, campaign: &Campaign, audit: &AuditEntry) -> Result<(), StoreError>;
    /// One campaign.
    async fn campaign(&self, id: &str) -> Result<Option<Campaign>, StoreError>;
    /// The latest campaigns, newest first.
    async fn recent_campaigns(&self, limit: i32) -> Result<Vec<Campaign>, StoreError>;
    /// Replaces `from` with `to`, only if the stored campaign still has
    /// `from`'s status and step count: `false` when staff (pause, cancel)
    /// or another run of the same step got there first. Staff's moves are
    /// audited in the same write.
    async fn advance_campaign(
        &self,
        from: &Campaign,
        to: &Campaign,
        audit: Option<&AuditEntry>,
    ) -> Result<bool, StoreError>;
    /// Records a recipient the first time it is reached (and notes on the
    /// contact that this campaign reached it at `at`, for replies and
    /// erasure); a recipient recorded before is left as it is.
    async fn record_recipient(
        &self,
        campaign: &str,
        recipient: &Recipient,
        at: Millis,
    ) -> Result<RecipientRecord, StoreError>;
    /// Moves a recipient on to `state` (never back), with Meta's error
    /// code for a failure.
    async fn recipient_reached(
        &self,
        campaign: &str,
        contact: &ContactId,
        state: RecipientState,
        error_code: Option<i64>,
    ) -> Result<(), StoreError>;
    /// Notes Meta's pricing of the recipient's message (billed or free);
    /// the same pricing noted again changes nothing.
    async fn recipient_priced(&self, campaign: &str, contact: &ContactId, billed: bool) -> Result<(), StoreError>;
    /// The latest campaign that reached `contact` (or a contact merged into it).
    async fn latest_campaign_of(&self, contact: &ContactId) -> Result<Option<CampaignReach>, StoreError>;
    /// Notes the recipient's reply at `at` (the first one counts), or,
    /// when the message opted it out, that it opted out after the campaign
    /// (an opt-out is not a reply); `false` when it was left out or is unknown.
    async fn note_reply(&self, reach: &CampaignReach, at: Millis, opted_out: bool) -> Result<bool, StoreError>;
    /// Marks a customer's message as a reply to `campaign` (nothing when
    /// the message is gone).
    async fn mark_reply(&self, message: &crate::domain::MessageRef, campaign: &str) -> Result<(), StoreError>;
    /// A page of a campaign's recipients.
    async fn recipients(&self, campaign: &str, page: &PageRequest) -> Result<Page<Recipient>, StoreError>;
    /// A campaign's results, counted from every recipient.
    async fn campaign_totals(&self, campaign: &str) -> Result<CampaignTotals, StoreError>;
}

/// The contacts a segment is drawn from, page by page, without a Scan:
/// the tag's index for a tagged segment, the stage's deals for a stage,
/// else the contact list. The caller judges each contact against the
/// whole segment.
#[async_trait]
pub trait AudienceSource: Send + Sync {
    /// Up to `limit` candidates after `cursor`.
    async fn audience_page(
        &self,
        audience: &Audience,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Contact>, StoreError>;
}

/// The campaign worker's queue.
#[async_trait]
pub trait CampaignQueue: Send + Sync {
    /// Asks the worker to take the campaign's next step after `delay_seconds` (0 to 900).
    async fn enqueue_campaign(&self, id: &str, delay_seconds: i32) -> Result<(), QueueError>;
}
