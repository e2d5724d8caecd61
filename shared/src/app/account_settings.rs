//! Settings → Numbers, per WhatsApp Business Account: which accounts the
//! numbers belong to, and the access token of each account that has its
//! own. The deployment's own account uses the stack's system-user token
//! (rotated with `make deploy ROTATE=WhatsAppAccessToken`); another account
//! uses that token too until an admin gives it one. A token is written, never
//! shown again, and every change is audited without it.

use crate::domain::{AuditEntry, Role, Session};
use crate::ports::{AccountTokenStore, AuditLog, Clock, KeyStoreError, NumberProfileStore, StoreError};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Meta's tokens are a few hundred characters; this leaves room.
const MAX_TOKEN_CHARS: usize = 2048;
/// Shorter than any token Meta issues: a paste gone wrong.
const MIN_TOKEN_CHARS: usize = 20;

/// One account, as the settings screen lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountStanding {
    /// The WhatsApp Business Account's id.
    pub waba_id: String,
    /// Whether it is the deployment's own (`WHATSAPP_WABA_ID`).
    pub deployment_own: bool,
    /// The `phone_number_id`s set up in it.
    pub numbers: Vec<String>,
    /// Whether an admin gave it a token of its own.
    pub own_token: bool,
}

/// Why a change is refused.
#[derive(Debug, thiserror::Error)]
pub enum AccountSettingsError {
    /// Only administrators manage tokens.
    #[error("only administrators manage access tokens")]
    Forbidden,
    /// No number is set up in that account.
    #[error("no business number is set up in that WhatsApp Business Account")]
    NotFound,
    /// The deployment's own account uses the stack's token.
    #[error("the deployment's own account uses the stack's access token: rotate it with make deploy ROTATE=WhatsAppAccessToken")]
    DeploymentOwn,
    /// Not something Meta issues.
    #[error("an access token is {MIN_TOKEN_CHARS} to {MAX_TOKEN_CHARS} characters without spaces")]
    BadToken,
    /// The secret could not be read or written.
    #[error("the token store is unavailable: {0}")]
    Unavailable(#[from] KeyStoreError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The use case.
pub struct AccountSettings {
    profiles: Arc<dyn NumberProfileStore>,
    tokens: Arc<dyn AccountTokenStore>,
    audit: Arc<dyn AuditLog>,
    clock: Arc<dyn Clock>,
    own_waba_id: String,
}

impl AccountSettings {
    /// Over the number profiles, the accounts' secrets, the audit log and
    /// the clock, beside the deployment's own account `own_waba_id`.
    pub fn new(
        profiles: Arc<dyn NumberProfileStore>,
        tokens: Arc<dyn AccountTokenStore>,
        audit: Arc<dyn AuditLog>,
        clock: Arc<dyn Clock>,
        own_waba_id: impl Into<String>,
    ) -> Self {
        AccountSettings { profiles, tokens, audit, clock, own_waba_id: own_waba_id.into() }
    }

    /// Every account a number was set up in, the deployment's own first
    /// (one secret read per other account).
    pub async fn accounts(&self, actor: &Session) -> Result<Vec<AccountStanding>, AccountSettingsError> {
        if actor.role != Role::Admin {
            return Err(AccountSettingsError::Forbidden);
        }
        let mut numbers: BTreeMap<String, Vec<String>> = BTreeMap::new();
        if !self.own_waba_id.is_empty() {
            numbers.entry(self.own_waba_id.clone()).or_default();
        }
        for profile in self.profiles.number_profiles().await? {
            if let Some(waba) = profile.waba_id.filter(|w| !w.is_empty()) {
                numbers.entry(waba).or_default().push(profile.phone_number_id);
            }
        }
        let mut accounts = Vec::new();
        for (waba_id, numbers) in numbers {
            let deployment_own = waba_id == self.own_waba_id;
            let own_token = !deployment_own && self.tokens.account_token(&waba_id).await?.is_some();
            accounts.push(AccountStanding { waba_id, deployment_own, numbers, own_token });
        }
        accounts.sort_by_key(|a| !a.deployment_own);
        Ok(accounts)
    }

    /// Gives account `waba_id` its own token, or with `None` takes it away.
    pub async fn set_token(
        &self,
        actor: &Session,
        waba_id: &str,
        token: Option<&str>,
    ) -> Result<(), AccountSettingsError> {
        if actor.role != Role::Admin {
            return Err(AccountSettingsError::Forbidden);
        }
        if waba_id == self.own_waba_id {
            return Err(AccountSettingsError::DeploymentOwn);
        }
        let token = token.map(str::trim);
        if token.is_some_and(|t| {
            !(MIN_TOKEN_CHARS..=MAX_TOKEN_CHARS).contains(&t.chars().count()) || t.chars().any(char::is_whitespace)
        }) {
            return Err(AccountSettingsError::BadToken);
        }
        let profiles = self.profiles.number_profiles().await?;
        if !profiles.iter().any(|p| p.waba_id.as_deref() == Some(waba_id)) {
            return Err(AccountSettingsError::NotFound);
        }
        self.tokens.set_account_token(waba_id, token).await?;
        let action = if token.is_some() { "account_token_set" } else { "account_token_removed" };
        let audit = AuditEntry {
            at: self.clock.now(),
            actor: actor.email.clone(),
            action: action.to_owned(),
            contact: None,
            detail: serde_json::json!({ "waba_id": waba_id }).to_string(),
        };
        self.audit.audit(&audit).await?;
        tracing::info!(waba_id, action, "account token changed");
        Ok(())
    }
}
