//! The lead-source report's counters in memory: each event counted once.

use super::MemoryStore;
use crate::domain::ad_referral::AdReferral;
use crate::domain::source_figures::{Attribution, SourceCount, SourceMeasure, SourceTotals};
use crate::domain::Millis;
use crate::ports::{SourceFigureStore, StoreError};
use std::collections::BTreeMap;

#[async_trait::async_trait]
impl SourceFigureStore for MemoryStore {
    async fn count_source(&self, event: &str, at: Millis, counts: &[SourceCount]) -> Result<(), StoreError> {
        let mut state = self.state();
        if !state.source_events.insert(event.to_owned()) {
            return Ok(());
        }
        let day = state.report_day_of(at);
        for count in counts {
            let slot = (day.clone(), count.line.key(), count.measure.field().to_owned());
            *state.source_counts.entry(slot).or_default() += count.by;
        }
        Ok(())
    }

    async fn source_totals(&self, from: &str, to: &str) -> Result<Vec<(Attribution, SourceTotals)>, StoreError> {
        let state = self.state();
        let mut totals: BTreeMap<Attribution, SourceTotals> = BTreeMap::new();
        for ((day, line, field), by) in &state.source_counts {
            if day.as_str() < from || day.as_str() > to {
                continue;
            }
            if let (Some(line), Some(measure)) = (Attribution::parse(line), SourceMeasure::parse(field)) {
                totals.entry(line).or_default().add(measure, *by);
            }
        }
        Ok(totals.into_iter().collect())
    }

    async fn note_ad(&self, ad: &AdReferral) -> Result<(), StoreError> {
        self.state().ads.insert(ad.ad_id.clone(), ad.without_click());
        Ok(())
    }

    async fn ads(&self, ids: &[String]) -> Result<Vec<AdReferral>, StoreError> {
        let state = self.state();
        Ok(ids.iter().filter_map(|id| state.ads.get(id).cloned()).collect())
    }
}
