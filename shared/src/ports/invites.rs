//! One-time links that set a password: invitations to join the team and
//! password resets. A user has at most one outstanding link.

use super::StoreError;
use crate::domain::{AuditEntry, Invite, Millis, User};
use async_trait::async_trait;

/// Invitation and reset links, keyed by the hash of their token.
#[async_trait]
pub trait InviteStore: Send + Sync {
    /// Stores an invited `user` (inactive, no password) and `invite`, its
    /// link, replacing a still-pending invitation of the same e-mail; audited
    /// in the same write. `false` when the e-mail belongs to someone who
    /// accepted, or was deactivated.
    async fn invite_user(&self, user: &User, invite: &Invite, audit: &AuditEntry) -> Result<bool, StoreError>;
    /// Makes `invite` the user's one outstanding link (a new invitation for a
    /// pending invitee, a password reset for an active user); audited in the
    /// same write. `false` when there is no such user or they are deactivated.
    async fn issue_link(&self, invite: &Invite, audit: &AuditEntry) -> Result<bool, StoreError>;
    /// Kills the user's outstanding link; audited in the same write. `false`
    /// when there is no such user.
    async fn revoke_link(&self, email: &str, audit: &AuditEntry) -> Result<bool, StoreError>;
    /// The link behind a token hash, unless unknown or expired (a replaced or
    /// revoked link is still found here; accepting it fails).
    async fn invite(&self, token_hash: &str, now: Millis) -> Result<Option<Invite>, StoreError>;
    /// In one write: uses up `invite`, sets the password (and the name the
    /// teammate gave, if any), activates the user and ends their sessions
    /// from before `at`. `false` (and nothing
    /// changed) when the link was used, replaced or revoked meanwhile, or the
    /// user was deactivated. A storage error leaves the link usable.
    async fn accept_invite(
        &self,
        invite: &Invite,
        password_hash: &str,
        name: Option<&str>,
        at: Millis,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;
}
