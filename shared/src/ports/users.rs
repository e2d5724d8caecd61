//! The team's user records.

use super::StoreError;
use crate::domain::{AuditEntry, Millis, User, UserPatch};
use async_trait::async_trait;

/// Staff accounts.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// A user by normalised e-mail.
    async fn user(&self, email: &str) -> Result<Option<User>, StoreError>;
    /// Creates `user` unless the e-mail is taken; `true` when created.
    async fn create_user(&self, user: &User) -> Result<bool, StoreError>;
    /// The whole team.
    async fn list_users(&self) -> Result<Vec<User>, StoreError>;
    /// Changes role, active or available; `None` when there is no such user.
    /// Deactivating also kills any outstanding invitation or reset link and
    /// ends a pending invitation.
    async fn update_user(&self, email: &str, patch: &UserPatch) -> Result<Option<User>, StoreError>;
    /// Sets an active user's password, ends their sessions from before `at`
    /// and kills any outstanding link; audited in the same write. `false`
    /// when there is no such active user.
    async fn change_password(
        &self,
        email: &str,
        password_hash: &str,
        at: Millis,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;
}
