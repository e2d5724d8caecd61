//! Number profiles, in memory.

use super::MemoryStore;
use crate::domain::number_profile::NumberProfile;
use crate::domain::{AuditEntry, Millis};
use crate::ports::StoreError;

#[async_trait::async_trait]
impl crate::ports::NumberProfileStore for MemoryStore {
    async fn number_profiles(&self) -> Result<Vec<NumberProfile>, StoreError> {
        Ok(self.state().number_profiles.values().cloned().collect())
    }

    async fn save_number_profile(
        &self,
        profile: &NumberProfile,
        expected: Option<Millis>,
        _audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut state = self.state();
        let current = state.number_profiles.get(&profile.phone_number_id).map(|p| p.updated_at);
        if current != expected {
            return Ok(false);
        }
        state.number_profiles.insert(profile.phone_number_id.clone(), profile.clone());
        Ok(true)
    }

    async fn remove_number_profile(&self, id: &str, expected: Millis, _audit: &AuditEntry) -> Result<bool, StoreError> {
        let mut state = self.state();
        if state.number_profiles.get(id).map(|p| p.updated_at) != Some(expected) {
            return Ok(false);
        }
        state.number_profiles.remove(id);
        Ok(true)
    }
}
