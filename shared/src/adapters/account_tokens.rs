//! Which access token a Cloud API call carries: the token of the account
//! the business number belongs to when an admin set one, else the
//! deployment's system-user token. What it reads (the number profiles, each
//! account's secret) is kept for a while per container, so a send costs no
//! extra request in the steady state and a new token applies within that
//! while. A lookup that fails falls back to the system-user token: Meta
//! then refuses or accepts the call, and says which.

use crate::domain::number_accounts::NumberAccounts;
use crate::ports::{AccountTokenStore, KeyStoreError, NumberProfileStore};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long what was read is used before it is read again.
pub const FRESH_FOR: Duration = Duration::from_secs(60);

/// The token for each call.
pub struct AccountTokens {
    system_user_token: String,
    own_waba_id: String,
    numbers: Arc<dyn NumberProfileStore>,
    tokens: Arc<dyn AccountTokenStore>,
    fresh_for: Duration,
    seen: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    accounts: Option<(Instant, NumberAccounts)>,
    tokens: HashMap<String, (Instant, Option<String>)>,
}

impl std::fmt::Debug for AccountTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountTokens").field("own_waba_id", &self.own_waba_id).finish_non_exhaustive()
    }
}

/// The token a call about `phone_number_id` carries: its account's, through
/// `accounts`, or `fallback` where an adapter was built without them.
pub async fn token_for_number(accounts: Option<&AccountTokens>, fallback: &str, phone_number_id: &str) -> String {
    match accounts {
        Some(accounts) => accounts.for_number(phone_number_id).await,
        None => fallback.to_owned(),
    }
}

impl AccountTokens {
    /// Tokens for the numbers `numbers` lists, beside the deployment's own
    /// account `own_waba_id` and its `system_user_token`.
    pub fn new(
        system_user_token: impl Into<String>,
        own_waba_id: impl Into<String>,
        numbers: Arc<dyn NumberProfileStore>,
        tokens: Arc<dyn AccountTokenStore>,
    ) -> Self {
        AccountTokens {
            system_user_token: system_user_token.into(),
            own_waba_id: own_waba_id.into(),
            numbers,
            tokens,
            fresh_for: FRESH_FOR,
            seen: Mutex::new(Seen::default()),
        }
    }

    /// Reads again after `fresh_for` instead of [`FRESH_FOR`].
    pub fn fresh_for(mut self, fresh_for: Duration) -> Self {
        self.fresh_for = fresh_for;
        self
    }

    /// The token a call from business number `phone_number_id` carries.
    pub async fn for_number(&self, phone_number_id: &str) -> String {
        let account = self.account_of(phone_number_id).await;
        self.for_account(account.as_deref()).await
    }

    /// The token a call about account `waba_id` (`None`: the deployment's
    /// own) carries.
    pub async fn for_account(&self, waba_id: Option<&str>) -> String {
        let Some(waba_id) = waba_id.filter(|id| *id != self.own_waba_id) else {
            return self.system_user_token.clone();
        };
        match self.account_token(waba_id).await {
            Ok(token) => token.unwrap_or_else(|| self.system_user_token.clone()),
            Err(e) => {
                tracing::warn!(error = %e, waba_id, "account token unreadable; using the system-user token");
                self.system_user_token.clone()
            }
        }
    }

    async fn account_of(&self, phone_number_id: &str) -> Option<String> {
        let cached = self.lock().accounts.clone().filter(|(at, _)| at.elapsed() < self.fresh_for);
        let accounts = match cached {
            Some((_, accounts)) => accounts,
            None => match self.numbers.number_profiles().await {
                Ok(profiles) => {
                    let accounts = NumberAccounts::of(&profiles, &self.own_waba_id);
                    self.lock().accounts = Some((Instant::now(), accounts.clone()));
                    accounts
                }
                Err(e) => {
                    tracing::warn!(error = %e, "number profiles unreadable; using the system-user token");
                    return None;
                }
            },
        };
        accounts.account_of(phone_number_id).map(str::to_owned)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The secrets as kept here: a token set through this container applies in
/// it at once (other containers read it again within [`FRESH_FOR`]).
#[async_trait::async_trait]
impl AccountTokenStore for AccountTokens {
    async fn account_token(&self, waba_id: &str) -> Result<Option<String>, KeyStoreError> {
        let cached = self.lock().tokens.get(waba_id).filter(|(at, _)| at.elapsed() < self.fresh_for).cloned();
        if let Some((_, token)) = cached {
            return Ok(token);
        }
        let token = self.tokens.account_token(waba_id).await?;
        self.lock().tokens.insert(waba_id.to_owned(), (Instant::now(), token.clone()));
        Ok(token)
    }

    async fn set_account_token(&self, waba_id: &str, token: Option<&str>) -> Result<(), KeyStoreError> {
        self.tokens.set_account_token(waba_id, token).await?;
        self.lock().tokens.insert(waba_id.to_owned(), (Instant::now(), token.map(str::to_owned)));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::number_profile::NumberProfile;
    use crate::domain::{AuditEntry, Millis};
    use crate::ports::memory::{MemoryAccountTokens, MemoryStore};

    async fn number(store: &MemoryStore, id: &str, waba: &str) {
        let profile = NumberProfile {
            phone_number_id: id.to_owned(),
            name: id.to_owned(),
            display_phone: None,
            waba_id: Some(waba.to_owned()),
            default_owner: None,
            updated_at: Millis(1),
        };
        let audit = AuditEntry {
            at: Millis(1),
            actor: "admin@shop.test".to_owned(),
            action: "number_saved".to_owned(),
            contact: None,
            detail: String::new(),
        };
        assert!(store.save_number_profile(&profile, None, &audit).await.unwrap());
    }

    #[tokio::test]
    async fn a_number_carries_its_account_s_token_and_the_rest_the_system_user_s() {
        let store = Arc::new(MemoryStore::default());
        number(&store, "111", "900").await;
        number(&store, "222", "700").await;
        let secrets = Arc::new(MemoryAccountTokens::default());
        secrets.set_account_token("700", Some("token-700")).await.unwrap();
        secrets.set_account_token("900", Some("never-used")).await.unwrap();
        let tokens = AccountTokens::new("system", "900", store.clone(), secrets.clone()).fresh_for(Duration::ZERO);
        assert_eq!(tokens.for_number("222").await, "token-700");
        assert_eq!(tokens.for_number("111").await, "system", "the deployment's own account");
        assert_eq!(tokens.for_number("333").await, "system", "a number nobody set up");
        assert_eq!(tokens.for_account(None).await, "system");
        secrets.set_account_token("700", None).await.unwrap();
        assert_eq!(tokens.for_number("222").await, "system", "a token taken away");
    }

    #[tokio::test]
    async fn what_was_read_is_kept_for_a_while() {
        let store = Arc::new(MemoryStore::default());
        number(&store, "222", "700").await;
        let secrets = Arc::new(MemoryAccountTokens::default());
        secrets.set_account_token("700", Some("first")).await.unwrap();
        let tokens = AccountTokens::new("system", "900", store.clone(), secrets.clone());
        assert_eq!(tokens.for_number("222").await, "first");
        secrets.set_account_token("700", Some("second")).await.unwrap();
        assert_eq!(tokens.for_number("222").await, "first", "read again only after FRESH_FOR");
        tokens.set_account_token("700", Some("third")).await.unwrap();
        assert_eq!(tokens.for_number("222").await, "third", "set here, used here at once");
        assert_eq!(secrets.account_token("700").await.unwrap().as_deref(), Some("third"), "and kept");
    }
}
