//! One-time invitations to join the team.

use super::StoreError;
use crate::domain::Millis;
use async_trait::async_trait;

/// Invitations, keyed by the hash of their token.
#[async_trait]
pub trait InviteStore: Send + Sync {
    /// Stores an invitation until `expires_at`.
    async fn put_invite(&self, token_hash: &str, email: &str, expires_at: Millis) -> Result<(), StoreError>;
    /// Uses up an invitation; its e-mail, or `None` if unknown or expired.
    async fn take_invite(&self, token_hash: &str, now: Millis) -> Result<Option<String>, StoreError>;
}
