//! Lead providers Parley reads itself, and where each feed's standing is kept.

use super::StoreError;
use crate::domain::indiamart::IndiaMartAnswer;
use crate::domain::lead_feed_status::{FeedOutcome, LeadFeedStatus};
use crate::domain::Millis;
use async_trait::async_trait;

/// Why a provider could not be read. Never carries a key or a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    /// Not reached, timed out, or a server error: try again later.
    #[error("the lead provider is unavailable: {0}")]
    Unavailable(String),
    /// The provider refused the request (a token without the permission,
    /// a lead that is not there).
    #[error("the lead provider refused: {0}")]
    Refused(String),
}

/// The Graph API's lead reads (Facebook Lead Ads).
#[async_trait]
pub trait LeadAdsApi: Send + Sync {
    /// `GET /{leadgen_id}`: the lead with its `field_data`.
    async fn lead(&self, leadgen_id: &str) -> Result<serde_json::Value, FeedError>;
}

/// IndiaMART's CRM lead API.
#[async_trait]
pub trait IndiaMartApi: Send + Sync {
    /// The enquiries received in `[start, end]`.
    async fn enquiries(&self, start: Millis, end: Millis) -> Result<IndiaMartAnswer, FeedError>;
}

/// One run of a feed (a pull, or one Facebook lead read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRun {
    /// When the provider was called.
    pub at: Millis,
    /// What came of it.
    pub outcome: FeedOutcome,
    /// The provider's words for a failure.
    pub detail: Option<String>,
    /// The window's end, when the next pull may start after it.
    pub cursor: Option<Millis>,
    /// Leads taken.
    pub taken: u64,
    /// Leads refused.
    pub refused: u64,
}

/// Each feed's standing, by the feed's source id.
#[async_trait]
pub trait LeadFeedStore: Send + Sync {
    /// The feed's standing; `None` before it first ran.
    async fn feed_status(&self, feed: &str) -> Result<Option<LeadFeedStatus>, StoreError>;
    /// Records a run: counts are added, so runs recorded at once (two
    /// Facebook leads on two Lambdas) both count.
    async fn record_feed_run(&self, feed: &str, run: &FeedRun) -> Result<(), StoreError>;
}
