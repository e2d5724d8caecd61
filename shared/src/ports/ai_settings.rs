//! Where the AI assist settings and the provider key are kept.

use super::StoreError;
use crate::domain::ai_settings::AiSettings;
use crate::domain::AuditEntry;
use async_trait::async_trait;

/// The admin's AI assist settings: one record.
#[async_trait]
pub trait AiSettingsStore: Send + Sync {
    /// The saved settings, or `None` before an admin first saved them.
    async fn ai_settings(&self) -> Result<Option<AiSettings>, StoreError>;

    /// Saves the settings and their audit line in one write.
    async fn save_ai_settings(&self, settings: &AiSettings, audit: &AuditEntry) -> Result<(), StoreError>;
}

/// Why the key store failed. Never carries the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the AI key store is unavailable: {0}")]
pub struct KeyStoreError(pub String);

/// The provider's API key, kept with the stack's secrets.
#[async_trait]
pub trait AiKeyStore: Send + Sync {
    /// The key, or `None` while none is set.
    async fn ai_key(&self) -> Result<Option<String>, KeyStoreError>;

    /// Replaces the key; `None` removes it.
    async fn set_ai_key(&self, key: Option<&str>) -> Result<(), KeyStoreError>;
}
