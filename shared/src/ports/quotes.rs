//! Products, quotes and their numbering series.

use super::{Page, PageRequest, StoreError};
use crate::domain::product::Product;
use crate::domain::quote::Quote;
use crate::domain::{AuditEntry, ContactId, Event, Millis};
use async_trait::async_trait;

/// The product catalog (one small partition: a shop's catalog is hundreds
/// of items, read whole by the quote builder).
#[async_trait]
pub trait ProductStore: Send + Sync {
    /// Every product, by name.
    async fn products(&self) -> Result<Vec<Product>, StoreError>;
    /// Creates or replaces a product (audited in the same write).
    async fn put_product(&self, product: &Product, audit: &AuditEntry) -> Result<(), StoreError>;
    /// Removes a product; quotes keep their copies of its lines.
    async fn delete_product(&self, id: &str, audit: &AuditEntry) -> Result<bool, StoreError>;
}

/// Quotes and invoices.
#[async_trait]
pub trait QuoteStore: Send + Sync {
    /// The next number of the counter `series` (`QT-2026`): an atomic
    /// increment, so two concurrent quotes never share a number. A crash
    /// after the increment leaves a gap, never a duplicate.
    async fn next_in_series(&self, series: &str) -> Result<u64, StoreError>;
    /// Stores a new quote (audited in the same write).
    async fn create_quote(&self, quote: &Quote, audit: &AuditEntry) -> Result<(), StoreError>;
    /// One quote.
    async fn quote(&self, id: &str) -> Result<Option<Quote>, StoreError>;
    /// Replaces a quote if it was last changed at `expected_updated_at`;
    /// `false` when someone changed it first. The audit line and, for state
    /// changes, the event go in the same write.
    async fn save_quote(
        &self,
        quote: &Quote,
        expected_updated_at: Millis,
        audit: &AuditEntry,
        event: Option<&Event>,
    ) -> Result<bool, StoreError>;
    /// A contact's quotes, newest first (one Query).
    async fn contact_quotes(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<Quote>, StoreError>;
    /// A deal's quotes, newest first (one Query).
    async fn deal_quotes(&self, deal: &str, page: &PageRequest) -> Result<Page<Quote>, StoreError>;
}
