//! Pipelines and deals.

use super::{Page, PageRequest, StoreError};
use crate::domain::pipeline::{Deal, Pipeline};
use crate::domain::{AuditEntry, ContactId, Event, Millis};
use async_trait::async_trait;

/// Pipelines and deals.
#[async_trait]
pub trait DealStore: Send + Sync {
    /// Every pipeline.
    async fn pipelines(&self) -> Result<Vec<Pipeline>, StoreError>;
    /// Creates or replaces a pipeline definition.
    async fn put_pipeline(&self, pipeline: &Pipeline, audit: &AuditEntry) -> Result<(), StoreError>;
    /// Stores a new deal (audited in the same write).
    async fn create_deal(&self, deal: &Deal, audit: &AuditEntry) -> Result<(), StoreError>;
    /// One deal.
    async fn deal(&self, id: &str) -> Result<Option<Deal>, StoreError>;
    /// Replaces a deal if it was last changed at `expected_updated_at`;
    /// `false` when someone changed it first. The audit line (and, for stage
    /// moves, the domain event) go in the same write.
    async fn save_deal(
        &self,
        deal: &Deal,
        expected_updated_at: Millis,
        audit: &AuditEntry,
        event: Option<&Event>,
    ) -> Result<bool, StoreError>;
    /// Deals in one stage, most recently changed first.
    /// With `only_visible_to`, only the deals that viewer may see, still in
    /// full pages.
    async fn deals_in_stage(
        &self,
        pipeline: &str,
        stage: &str,
        only_visible_to: Option<&crate::domain::conversation::Viewer>,
        page: &PageRequest,
    ) -> Result<Page<Deal>, StoreError>;
    /// A contact's deals, newest first.
    async fn contact_deals(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<Deal>, StoreError>;
}
