//! Where each business number's opening hours are kept.

use super::StoreError;
use crate::domain::business_hours::BusinessHours;
use crate::domain::AuditEntry;
use async_trait::async_trait;

/// The hours of every business number that has some.
#[async_trait]
pub trait BusinessHoursStore: Send + Sync {
    /// `(phone_number_id, hours)` of every number with hours saved, by number.
    async fn all_hours(&self) -> Result<Vec<(String, BusinessHours)>, StoreError>;
    /// Saves (replaces) `number`'s hours with their audit line, atomically.
    async fn save_hours(&self, number: &str, hours: &BusinessHours, audit: &AuditEntry) -> Result<(), StoreError>;
    /// Removes `number`'s hours (it counts as always open again) with its
    /// audit line, atomically; a number without hours is no change.
    async fn clear_hours(&self, number: &str, audit: &AuditEntry) -> Result<(), StoreError>;
}
