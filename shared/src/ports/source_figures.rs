//! Where the lead-source report's counters and the ads it names are kept.

use super::StoreError;
use crate::domain::ad_referral::AdReferral;
use crate::domain::source_figures::{Attribution, SourceCount, SourceTotals};
use crate::domain::Millis;
use async_trait::async_trait;

/// The lead-source report's figures.
#[async_trait]
pub trait SourceFigureStore: Send + Sync {
    /// Applies `counts` to the lines of the business day `at` falls on,
    /// once for `event` however often it is delivered.
    async fn count_source(&self, event: &str, at: Millis, counts: &[SourceCount]) -> Result<(), StoreError>;
    /// Each line's totals over the days in `[from, to]`.
    async fn source_totals(&self, from: &str, to: &str) -> Result<Vec<(Attribution, SourceTotals)>, StoreError>;
    /// Keeps an ad's headline and link for the report (never a click id).
    async fn note_ad(&self, ad: &AdReferral) -> Result<(), StoreError>;
    /// The noted ads among `ids` (unknown ids are left out).
    async fn ads(&self, ids: &[String]) -> Result<Vec<AdReferral>, StoreError>;
}
