//! Each WhatsApp Business Account's own token in a Secrets Manager secret
//! of its own, named `<prefix><waba_id>` and holding `{"access_token": …}`;
//! `{}` is "none". A secret is created with an account's first token and
//! emptied, not deleted, when the token is taken away: a deleted secret's
//! name stays taken for days.

use crate::adapters::error_chain;
use crate::ports::{AccountTokenStore, KeyStoreError};
use async_trait::async_trait;

/// The accounts' secrets.
#[derive(Debug, Clone)]
pub struct SecretsManagerAccountTokens {
    client: aws_sdk_secretsmanager::Client,
    prefix: String,
}

impl SecretsManagerAccountTokens {
    /// Secrets named `prefix` followed by the account's id; no request is made.
    pub fn new(client: aws_sdk_secretsmanager::Client, prefix: impl Into<String>) -> Self {
        SecretsManagerAccountTokens { client, prefix: prefix.into() }
    }

    fn name(&self, waba_id: &str) -> String {
        format!("{}{waba_id}", self.prefix)
    }
}

fn unavailable<E: std::error::Error>(e: E) -> KeyStoreError {
    // The SDK's errors name the operation and code, never a secret value.
    KeyStoreError(error_chain::text(&e))
}

#[async_trait]
impl AccountTokenStore for SecretsManagerAccountTokens {
    async fn account_token(&self, waba_id: &str) -> Result<Option<String>, KeyStoreError> {
        let out = match self.client.get_secret_value().secret_id(self.name(waba_id)).send().await {
            Ok(out) => out,
            Err(e) if e.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => return Ok(None),
            Err(e) => return Err(unavailable(e)),
        };
        let stored: serde_json::Value =
            out.secret_string().and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default();
        Ok(stored["access_token"].as_str().filter(|t| !t.is_empty()).map(str::to_owned))
    }

    async fn set_account_token(&self, waba_id: &str, token: Option<&str>) -> Result<(), KeyStoreError> {
        let value = match token {
            Some(token) => serde_json::json!({ "access_token": token }),
            None => serde_json::json!({}),
        }
        .to_string();
        let name = self.name(waba_id);
        let put = self.client.put_secret_value().secret_id(&name).secret_string(&value).send().await;
        match put {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => {
                let created = self
                    .client
                    .create_secret()
                    .name(&name)
                    .description("A WhatsApp Business Account's own Cloud API access token, set in Parley's settings.")
                    .secret_string(&value)
                    .send()
                    .await;
                match created {
                    Ok(_) => Ok(()),
                    // Another admin created it first: write over theirs, as
                    // the later of two saves does.
                    Err(e) if e.as_service_error().is_some_and(|e| e.is_resource_exists_exception()) => self
                        .client
                        .put_secret_value()
                        .secret_id(&name)
                        .secret_string(value)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(unavailable),
                    Err(e) => Err(unavailable(e)),
                }
            }
            Err(e) => Err(unavailable(e)),
        }
    }
}
