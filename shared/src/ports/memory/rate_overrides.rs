//! The business's own prices, in memory.

use super::MemoryStore;
use crate::ports::StoreError;

#[async_trait::async_trait]
impl crate::ports::RateOverrideStore for MemoryStore {
    async fn rate_overrides(&self) -> Result<Option<crate::domain::rate_overrides::RateOverrides>, StoreError> {
        Ok(self.state().rate_overrides.clone())
    }

    async fn save_rate_overrides(
        &self,
        overrides: &crate::domain::rate_overrides::RateOverrides,
        _audit: &crate::domain::AuditEntry,
    ) -> Result<(), StoreError> {
        self.state().rate_overrides = Some(overrides.clone());
        Ok(())
    }
}
