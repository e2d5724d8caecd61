//! The AI provider's key in its own Secrets Manager secret, read when an
//! assist needs it and written when an admin sets it. The secret holds
//! `{"api_key": "..."}`; `{}` (as the stack creates it) is "not set".

use crate::adapters::error_chain;
use crate::ports::{AiKeyStore, KeyStoreError};
use async_trait::async_trait;

/// The key's secret.
#[derive(Debug, Clone)]
pub struct SecretsManagerAiKey {
    client: aws_sdk_secretsmanager::Client,
    secret_id: String,
}

impl SecretsManagerAiKey {
    /// The secret `secret_id` (an ARN or name); no request is made.
    pub fn new(client: aws_sdk_secretsmanager::Client, secret_id: impl Into<String>) -> Self {
        SecretsManagerAiKey { client, secret_id: secret_id.into() }
    }
}

fn unavailable<E: std::error::Error>(e: E) -> KeyStoreError {
    // The SDK's errors name the operation and code, never a secret value.
    KeyStoreError(error_chain::text(&e))
}

#[async_trait]
impl AiKeyStore for SecretsManagerAiKey {
    async fn ai_key(&self) -> Result<Option<String>, KeyStoreError> {
        let out = match self.client.get_secret_value().secret_id(&self.secret_id).send().await {
            Ok(out) => out,
            // Locally the secret appears with the first key set.
            Err(e) if e.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => return Ok(None),
            Err(e) => return Err(unavailable(e)),
        };
        let stored: serde_json::Value =
            out.secret_string().and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default();
        Ok(stored["api_key"].as_str().filter(|k| !k.is_empty()).map(str::to_owned))
    }

    async fn set_ai_key(&self, key: Option<&str>) -> Result<(), KeyStoreError> {
        let value = match key {
            Some(key) => serde_json::json!({ "api_key": key }),
            None => serde_json::json!({}),
        }
        .to_string();
        let put = self.client.put_secret_value().secret_id(&self.secret_id).secret_string(&value).send().await;
        match put {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => {
                self.client
                    .create_secret()
                    .name(&self.secret_id)
                    .secret_string(value)
                    .send()
                    .await
                    .map_err(unavailable)?;
                Ok(())
            }
            Err(e) => Err(unavailable(e)),
        }
    }
}
