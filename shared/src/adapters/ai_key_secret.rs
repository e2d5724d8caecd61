//! The AI provider's key in its own Secrets Manager secret, read when an
//! assist needs it and written when an admin sets it. The secret holds
//! `{"api_key": "..."}`; `{}` (as the stack creates it) is "not set".

use super::secrets_manager_client::SecretsManagerClient;
use crate::ports::{AiKeyStore, KeyStoreError};
use async_trait::async_trait;

/// The key's secret.
#[derive(Debug, Clone)]
pub struct SecretsManagerAiKey {
    client: SecretsManagerClient,
    secret_id: String,
}

impl SecretsManagerAiKey {
    /// The secret `secret_id` (an ARN or name); no request is made.
    pub fn new(client: SecretsManagerClient, secret_id: impl Into<String>) -> Self {
        SecretsManagerAiKey { client, secret_id: secret_id.into() }
    }
}

#[async_trait]
impl AiKeyStore for SecretsManagerAiKey {
    async fn ai_key(&self) -> Result<Option<String>, KeyStoreError> {
        // Locally the secret appears with the first key set.
        let text = self.client.secret_string(&self.secret_id).await.map_err(|e| KeyStoreError(e.to_string()))?;
        let stored: serde_json::Value = text.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
        Ok(stored["api_key"].as_str().filter(|k| !k.is_empty()).map(str::to_owned))
    }

    async fn set_ai_key(&self, key: Option<&str>) -> Result<(), KeyStoreError> {
        let value = match key {
            Some(key) => serde_json::json!({ "api_key": key }),
            None => serde_json::json!({}),
        };
        self.client
            .write(&self.secret_id, "The AI assist provider's API key, set in Parley's settings.", &value.to_string())
            .await
            .map_err(|e| KeyStoreError(e.to_string()))
    }
}
