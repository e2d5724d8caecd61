//! How a lead feed that Parley reads itself (Facebook Lead Ads, IndiaMART)
//! is doing, for the admin's settings screen: when it last ran, what came
//! of it, and where the next pull starts.

use super::Millis;
use serde::{Deserialize, Serialize};

/// What the feed's last attempt came to.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedOutcome {
    /// Leads were read (perhaps none).
    Ok,
    /// The provider asked us to slow down; the next run tries again.
    RateLimited,
    /// The provider refused the key or token: staff must replace it.
    KeyRejected,
    /// The provider could not be reached or answered an error; the next
    /// run (or Meta's redelivery) tries again.
    Failed,
    /// The key is not in the stack's secrets, so nothing is pulled.
    NoKey,
}

/// A feed's standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadFeedStatus {
    /// When the provider was last called.
    pub last_call_at: Option<Millis>,
    /// What came of it.
    pub outcome: FeedOutcome,
    /// The provider's words for a failure (never a key or a token).
    pub detail: Option<String>,
    /// Where the next pull's window starts (the end of the last good one).
    pub cursor: Option<Millis>,
    /// Leads taken since the feed started.
    pub leads_taken: u64,
    /// Leads refused since the feed started (no usable phone number).
    pub leads_refused: u64,
    /// When the last lead came.
    pub last_lead_at: Option<Millis>,
}

impl LeadFeedStatus {
    /// A feed that has not run yet.
    pub fn new() -> Self {
        LeadFeedStatus {
            last_call_at: None,
            outcome: FeedOutcome::Ok,
            detail: None,
            cursor: None,
            leads_taken: 0,
            leads_refused: 0,
            last_lead_at: None,
        }
    }
}

impl Default for LeadFeedStatus {
    fn default() -> Self {
        Self::new()
    }
}
