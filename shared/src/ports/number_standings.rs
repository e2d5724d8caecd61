//! Where Meta's word on each business number is kept.

use super::StoreError;
use crate::domain::number_standing::{NumberStanding, StandingChange};
use crate::domain::volume_tier::VolumeTierReached;
use async_trait::async_trait;

/// The latest quality and account events per business number (or whole
/// account), and the volume tier Meta last put each account in.
#[async_trait]
pub trait NumberStandings: Send + Sync {
    /// Keeps `change` unless a later one of its kind is kept already
    /// (Meta's webhooks come out of order and again); `true` when kept.
    async fn note_standing(&self, change: &StandingChange) -> Result<bool, StoreError>;
    /// Every number Meta said something of.
    async fn standings(&self) -> Result<Vec<NumberStanding>, StoreError>;
    /// Keeps `tier` unless a later word for its account, category and
    /// region ([`VolumeTierReached::slot`]) is kept; `true` when kept.
    async fn note_volume_tier(&self, tier: &VolumeTierReached) -> Result<bool, StoreError>;
    /// The latest tier per account, category and region.
    async fn volume_tiers(&self) -> Result<Vec<VolumeTierReached>, StoreError>;
}
