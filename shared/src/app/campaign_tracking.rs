//! Keeps each campaign recipient's record current: a status of a campaign
//! message moves its recipient on (its id names the campaign, so this
//! reads nothing), and a customer writing within 72 hours of a campaign
//! is its reply (and, after an opt-out keyword, an opt-out after it).

use super::reactions::{Reaction, ReactionError};
use crate::domain::campaign::{campaign_of_message, is_campaign_reply, RecipientState};
use crate::domain::{DeliveryStatus, Event, EventKind};
use crate::ports::{CampaignStore, ConversationStore};
use async_trait::async_trait;
use std::sync::Arc;

/// The reaction on `message.status_changed`, `message.priced` and
/// `message.received`.
pub struct CampaignTracking {
    campaigns: Arc<dyn CampaignStore>,
    contacts: Arc<dyn ConversationStore>,
}

impl CampaignTracking {
    /// Over the recipients and the contacts (re-read only after a possible
    /// opt-out keyword).
    pub fn new(campaigns: Arc<dyn CampaignStore>, contacts: Arc<dyn ConversationStore>) -> Self {
        CampaignTracking { campaigns, contacts }
    }
}

#[async_trait]
impl Reaction for CampaignTracking {
    fn name(&self) -> &'static str {
        "campaign_tracking"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        let Some(contact) = &event.contact_id else { return Ok(()) };
        let text = |name: &str| event.data.get(name).and_then(|v| v.as_str());
        match event.kind {
            EventKind::MessageStatusChanged => {
                let Some((campaign, recipient)) = text("message_id").and_then(campaign_of_message) else {
                    return Ok(());
                };
                let Some(state) = text("status").and_then(DeliveryStatus::parse).and_then(RecipientState::of_status)
                else {
                    return Ok(());
                };
                let code = event.data.get("error_codes").and_then(|c| c.get(0)).and_then(serde_json::Value::as_i64);
                self.campaigns.recipient_reached(campaign, &recipient, state, code).await?;
            }
            EventKind::MessagePriced => {
                let Some((campaign, recipient)) = text("message_id").and_then(campaign_of_message) else {
                    return Ok(());
                };
                let Some(billed) = event.data.get("billable").and_then(serde_json::Value::as_bool) else {
                    return Ok(());
                };
                self.campaigns.recipient_priced(campaign, &recipient, billed).await?;
            }
            EventKind::MessageReceived => {
                let Some(reach) = self.campaigns.latest_campaign_of(contact).await? else { return Ok(()) };
                if !is_campaign_reply(reach.at, event.at) {
                    return Ok(());
                }
                // The keyword reaction ran first: a STOP is on the contact now.
                let keyword = event.data.get("keyword_candidate").and_then(serde_json::Value::as_bool) == Some(true);
                let opted_out = keyword && self.contacts.contact(contact).await?.is_some_and(|c| c.opted_out);
                let noted = self.campaigns.note_reply(&reach, event.at, opted_out).await?;
                if let (true, false, Some(wamid)) = (noted, opted_out, text("wamid")) {
                    let message = crate::domain::MessageRef::new(contact.clone(), event.at, wamid);
                    self.campaigns.mark_reply(&message, &reach.campaign).await?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}
