//! The team's user records.

use super::StoreError;
use crate::domain::{User, UserPatch};
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
    async fn update_user(&self, email: &str, patch: &UserPatch) -> Result<Option<User>, StoreError>;
    /// Sets a password (and activates the user).
    async fn set_password(&self, email: &str, password_hash: &str) -> Result<(), StoreError>;
}
