//! Meta's word per business number, in memory.

use super::MemoryStore;
use crate::domain::number_standing::{NumberStanding, StandingChange, StandingKind};
use crate::domain::volume_tier::VolumeTierReached;
use crate::ports::{NumberStandings, StoreError};

#[async_trait::async_trait]
impl NumberStandings for MemoryStore {
    async fn note_standing(&self, change: &StandingChange) -> Result<bool, StoreError> {
        let mut state = self.state();
        let kept = state.standings.entry(change.number.clone()).or_insert_with(|| NumberStanding {
            number: change.number.clone(),
            account_wide: change.account_wide,
            ..NumberStanding::default()
        });
        let newer = |at: Option<crate::domain::Millis>| at.is_none_or(|at| at < change.at);
        match change.kind {
            StandingKind::Quality if newer(kept.quality.as_ref().map(|q| q.1)) => {
                kept.quality = Some((change.event.clone(), change.at));
                if change.limit.is_some() {
                    kept.limit = change.limit.clone();
                }
                Ok(true)
            }
            StandingKind::Account if newer(kept.account.as_ref().map(|a| a.2)) => {
                kept.account = Some((change.event.clone(), change.detail.clone(), change.at));
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn standings(&self) -> Result<Vec<NumberStanding>, StoreError> {
        Ok(self.state().standings.values().cloned().collect())
    }

    async fn note_volume_tier(&self, tier: &VolumeTierReached) -> Result<bool, StoreError> {
        let mut state = self.state();
        let kept = state.volume_tiers.get(&tier.slot()).is_some_and(|kept| kept.at >= tier.at);
        if !kept {
            state.volume_tiers.insert(tier.slot(), tier.clone());
        }
        Ok(!kept)
    }

    async fn volume_tiers(&self) -> Result<Vec<VolumeTierReached>, StoreError> {
        Ok(self.state().volume_tiers.values().cloned().collect())
    }
}
