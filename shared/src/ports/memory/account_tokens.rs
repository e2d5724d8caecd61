//! Account tokens in memory.

use crate::ports::{AccountTokenStore, KeyStoreError};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Mutex;

/// Each account's token in a map.
#[derive(Debug, Default)]
pub struct MemoryAccountTokens(Mutex<HashMap<String, String>>);

#[async_trait]
impl AccountTokenStore for MemoryAccountTokens {
    async fn account_token(&self, waba_id: &str) -> Result<Option<String>, KeyStoreError> {
        Ok(self.0.lock().map_err(|_| KeyStoreError("poisoned".into()))?.get(waba_id).cloned())
    }

    async fn set_account_token(&self, waba_id: &str, token: Option<&str>) -> Result<(), KeyStoreError> {
        let mut tokens = self.0.lock().map_err(|_| KeyStoreError("poisoned".into()))?;
        match token {
            Some(token) => tokens.insert(waba_id.to_owned(), token.to_owned()),
            None => tokens.remove(waba_id),
        };
        Ok(())
    }
}
