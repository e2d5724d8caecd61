//! The figures the managers' reports read.

use super::StoreError;
use crate::domain::Millis;
use async_trait::async_trait;

/// What the reports read.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// `(day, inbound, outbound)` message counts for days in `[from, to]`.
    async fn message_counts(&self, from: &str, to: &str) -> Result<Vec<(String, u64, u64)>, StoreError>;
    /// The first-response aggregates `(day, agent, figures)` of the days in
    /// `[from, to]` (one Query per month in the range).
    async fn first_responses(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String, crate::domain::response_figures::ResponseFigures)>, StoreError>;
    /// Open conversations nobody owns.
    async fn count_unassigned(&self) -> Result<u64, StoreError>;
    /// Conversations waiting on us since before `before`.
    async fn count_waiting_since(&self, before: Millis) -> Result<u64, StoreError>;
    /// The team's open tasks due in `[from, before)`.
    async fn count_team_tasks(&self, from: Option<Millis>, before: Millis) -> Result<u64, StoreError>;
}
