//! Number profiles read at most once per `ttl` per container: routing asks
//! for them on every inbound message, and they change a few times a year.
//! A changed default owner therefore applies to conversations that start
//! up to `ttl` later; saves go straight through and drop the copy.

use crate::domain::number_profile::NumberProfile;
use crate::domain::{AuditEntry, Millis};
use crate::ports::{NumberProfileStore, StoreError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a container keeps what it read: a changed default owner
/// applies to conversations that start this much later at most.
pub const NUMBER_PROFILES_KEPT: Duration = Duration::from_secs(30);

/// The cache in front of a [`NumberProfileStore`].
pub struct CachedNumberProfiles {
    inner: Arc<dyn NumberProfileStore>,
    ttl: Duration,
    copy: Mutex<Option<(Instant, Vec<NumberProfile>)>>,
}

impl CachedNumberProfiles {
    /// Over `inner`, keeping what it read for `ttl`.
    pub fn new(inner: Arc<dyn NumberProfileStore>, ttl: Duration) -> Self {
        CachedNumberProfiles { inner, ttl, copy: Mutex::new(None) }
    }

    fn fresh(&self) -> Option<Vec<NumberProfile>> {
        let copy = self.copy.lock().ok()?;
        copy.as_ref().filter(|(at, _)| at.elapsed() < self.ttl).map(|(_, profiles)| profiles.clone())
    }

    fn forget(&self) {
        if let Ok(mut copy) = self.copy.lock() {
            *copy = None;
        }
    }
}

#[async_trait::async_trait]
impl NumberProfileStore for CachedNumberProfiles {
    async fn number_profiles(&self) -> Result<Vec<NumberProfile>, StoreError> {
        if let Some(profiles) = self.fresh() {
            return Ok(profiles);
        }
        let profiles = self.inner.number_profiles().await?;
        if let Ok(mut copy) = self.copy.lock() {
            *copy = Some((Instant::now(), profiles.clone()));
        }
        Ok(profiles)
    }

    async fn save_number_profile(
        &self,
        profile: &NumberProfile,
        expected: Option<Millis>,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        self.forget();
        self.inner.save_number_profile(profile, expected, audit).await
    }

    async fn remove_number_profile(&self, id: &str, expected: Millis, audit: &AuditEntry) -> Result<bool, StoreError> {
        self.forget();
        self.inner.remove_number_profile(id, expected, audit).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::memory::MemoryStore;

    fn profile(name: &str, at: i64) -> NumberProfile {
        NumberProfile {
            phone_number_id: "106540352242922".into(),
            name: name.into(),
            display_phone: None,
            waba_id: None,
            default_owner: None,
            updated_at: Millis(at),
        }
    }

    fn audit() -> AuditEntry {
        AuditEntry {
            at: Millis(1),
            actor: "a@b.in".into(),
            action: "number_saved".into(),
            contact: None,
            detail: "{}".into(),
        }
    }

    #[tokio::test]
    async fn reads_are_kept_for_the_ttl_and_a_save_through_it_drops_them() {
        let store = Arc::new(MemoryStore::default());
        let cached = CachedNumberProfiles::new(store.clone(), Duration::from_secs(3600));
        assert!(cached.number_profiles().await.unwrap().is_empty());
        // Saved behind the cache's back (another container): not seen yet.
        assert!(store.save_number_profile(&profile("Sales", 1), None, &audit()).await.unwrap());
        assert!(cached.number_profiles().await.unwrap().is_empty());
        assert!(cached.save_number_profile(&profile("Support", 2), Some(Millis(1)), &audit()).await.unwrap());
        assert_eq!(cached.number_profiles().await.unwrap()[0].name, "Support");

        let uncached = CachedNumberProfiles::new(store.clone(), Duration::ZERO);
        assert!(uncached.number_profiles().await.unwrap().len() == 1);
        assert!(store.remove_number_profile("106540352242922", Millis(2), &audit()).await.unwrap());
        assert!(uncached.number_profiles().await.unwrap().is_empty());
    }
}
