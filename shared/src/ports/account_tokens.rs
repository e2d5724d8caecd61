//! Access tokens of WhatsApp Business Accounts that have their own. The
//! deployment's system-user token serves every account it was granted; an
//! account of another business (or one kept apart) gets a token of its own,
//! set by an admin and kept in the stack's secrets, never shown again.

use super::KeyStoreError;
use async_trait::async_trait;

/// One secret per account, so two admins setting two accounts' tokens at
/// once cannot undo each other.
#[async_trait]
pub trait AccountTokenStore: Send + Sync {
    /// Account `waba_id`'s own token; `None` when it has none.
    async fn account_token(&self, waba_id: &str) -> Result<Option<String>, KeyStoreError>;
    /// Sets account `waba_id`'s token, or with `None` takes it away (the
    /// system-user token then serves the account again).
    async fn set_account_token(&self, waba_id: &str, token: Option<&str>) -> Result<(), KeyStoreError>;
}
