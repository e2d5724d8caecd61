//! Each WhatsApp Business Account's own token in a Secrets Manager secret
//! of its own, named `<prefix><waba_id>` and holding `{"access_token": …}`;
//! `{}` is "none". A secret is created with an account's first token and
//! emptied, not deleted, when the token is taken away: a deleted secret's
//! name stays taken for days.

use super::secrets_manager_client::SecretsManagerClient;
use crate::ports::{AccountTokenStore, KeyStoreError};
use async_trait::async_trait;

/// The accounts' secrets.
#[derive(Debug, Clone)]
pub struct SecretsManagerAccountTokens {
    client: SecretsManagerClient,
    prefix: String,
}

impl SecretsManagerAccountTokens {
    /// Secrets named `prefix` followed by the account's id; no request is made.
    pub fn new(client: SecretsManagerClient, prefix: impl Into<String>) -> Self {
        SecretsManagerAccountTokens { client, prefix: prefix.into() }
    }

    fn name(&self, waba_id: &str) -> String {
        format!("{}{waba_id}", self.prefix)
    }
}

#[async_trait]
impl AccountTokenStore for SecretsManagerAccountTokens {
    async fn account_token(&self, waba_id: &str) -> Result<Option<String>, KeyStoreError> {
        let text = self.client.secret_string(&self.name(waba_id)).await.map_err(|e| KeyStoreError(e.to_string()))?;
        let stored: serde_json::Value = text.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
        Ok(stored["access_token"].as_str().filter(|t| !t.is_empty()).map(str::to_owned))
    }

    async fn set_account_token(&self, waba_id: &str, token: Option<&str>) -> Result<(), KeyStoreError> {
        let value = match token {
            Some(token) => serde_json::json!({ "access_token": token }),
            None => serde_json::json!({}),
        };
        self.client
            .write(
                &self.name(waba_id),
                "A WhatsApp Business Account's own Cloud API access token, set in Parley's settings.",
                &value.to_string(),
            )
            .await
            .map_err(|e| KeyStoreError(e.to_string()))
    }
}
