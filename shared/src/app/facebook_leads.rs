//! Facebook Lead Ads: for each `leadgen` change Meta posts, the lead is read
//! from the Graph API and taken like any lead, into the Facebook source's
//! pipeline and stage. A change Meta delivers again finds the lead's deal
//! made and makes nothing new.

use super::lead_intake::{LeadError, LeadIntake, LeadOutcome};
use crate::domain::facebook_lead::{lead_payload, LeadgenNotice};
use crate::domain::lead_feed_status::FeedOutcome;
use crate::domain::lead_source::{LeadAuth, FACEBOOK_LEAD_ADS};
use crate::ports::{Clock, FeedError, FeedRun, LeadAdsApi, LeadFeedStore, StoreError};
use std::sync::Arc;

/// The Facebook Lead Ads use case.
pub struct FacebookLeads {
    api: Arc<dyn LeadAdsApi>,
    intake: Arc<LeadIntake>,
    feeds: Arc<dyn LeadFeedStore>,
    clock: Arc<dyn Clock>,
}

/// What became of one notice.
#[derive(Debug)]
pub enum LeadgenTaken {
    /// The lead is in (now, or before).
    Taken(LeadOutcome),
    /// The lead cannot be taken as it is (no usable phone number): Meta
    /// delivering it again would not help. Counted as refused.
    Refused(String),
}

impl FacebookLeads {
    /// Wires the use case.
    pub fn new(
        api: Arc<dyn LeadAdsApi>,
        intake: Arc<LeadIntake>,
        feeds: Arc<dyn LeadFeedStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        FacebookLeads { api, intake, feeds, clock }
    }

    /// Reads and takes one lead. An `Err` means try again later (the
    /// webhook answers 5xx, so Meta delivers it again): the Graph API or
    /// storage failed, or the token may not read leads yet.
    pub async fn take(&self, notice: &LeadgenNotice) -> Result<LeadgenTaken, StoreError> {
        let at = self.clock.now();
        let run = |outcome, detail: Option<String>, taken, refused| FeedRun {
            at,
            outcome,
            detail,
            cursor: None,
            taken,
            refused,
        };
        let lead = match self.api.lead(&notice.leadgen_id).await {
            Ok(lead) => lead,
            Err(e) => {
                // A token without `leads_retrieval` is a refusal, an outage
                // is not; the detail tells staff which.
                let outcome = match e {
                    FeedError::Refused(_) => FeedOutcome::KeyRejected,
                    FeedError::Unavailable(_) => FeedOutcome::Failed,
                };
                tracing::error!(leadgen_id = %notice.leadgen_id, error = %e, "the Facebook lead could not be read; Meta will deliver it again");
                self.feeds.record_feed_run(FACEBOOK_LEAD_ADS, &run(outcome, Some(e.to_string()), 0, 0)).await?;
                return Err(StoreError::Unavailable("the lead could not be read from the Graph API".into()));
            }
        };
        match self.intake.receive_fed(LeadAuth::FacebookLeadAds, &lead_payload(&lead, notice)).await {
            Ok(outcome) => {
                let taken = u64::from(outcome.created);
                self.feeds.record_feed_run(FACEBOOK_LEAD_ADS, &run(FeedOutcome::Ok, None, taken, 0)).await?;
                Ok(LeadgenTaken::Taken(outcome))
            }
            Err(LeadError::Store(e)) => Err(e),
            Err(e) => {
                tracing::warn!(leadgen_id = %notice.leadgen_id, error = %e, "Facebook lead refused");
                self.feeds.record_feed_run(FACEBOOK_LEAD_ADS, &run(FeedOutcome::Ok, Some(e.to_string()), 0, 1)).await?;
                Ok(LeadgenTaken::Refused(e.to_string()))
            }
        }
    }
}
