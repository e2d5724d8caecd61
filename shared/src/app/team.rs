//! The team: invitations, roles, deactivation. Only administrators manage it.

use super::auth::{hash_password, token_hash};
use crate::domain::user::normalize_email;
use crate::domain::{AuditEntry, Session, UserPatch};
use crate::domain::{Millis, Role, User};
use crate::ports::{AuditLog, Clock, InviteStore, StoreError, UserStore};
use rand::RngCore;
use std::sync::Arc;

/// How long an invitation link works.
pub const INVITE_DAYS: i64 = 7;
/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 10;

/// Why a team change was refused.
#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    /// The caller's role does not allow it.
    #[error("only an administrator can manage the team")]
    Forbidden,
    /// Not an e-mail.
    #[error("{0:?} is not an e-mail address")]
    BadEmail(String),
    /// Someone already has that e-mail.
    #[error("{0} is already on the team")]
    Exists(String),
    /// No such user.
    #[error("no such user")]
    NotFound,
    /// The invitation is unknown, used or expired.
    #[error("this invitation is not valid any more; ask for a new one")]
    BadInvite,
    /// Too short.
    #[error("a password needs at least {MIN_PASSWORD} characters")]
    WeakPassword,
    /// An administrator demoting or deactivating themselves.
    #[error("you cannot demote or deactivate yourself")]
    SelfLockout,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An invitation to share with the new teammate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Who is invited.
    pub email: String,
    /// The one-time token for the invitation link.
    pub token: String,
    /// When it stops working.
    pub expires_at: Millis,
}

/// The team use case.
pub struct Team {
    users: Arc<dyn UserStore>,
    invites: Arc<dyn InviteStore>,
    audit: Arc<dyn AuditLog>,
    clock: Arc<dyn Clock>,
}

impl Team {
    /// Wires the use case.
    pub fn new(
        users: Arc<dyn UserStore>,
        invites: Arc<dyn InviteStore>,
        audit: Arc<dyn AuditLog>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Team { users, invites, audit, clock }
    }

    /// The team, for supervisors.
    pub async fn list(&self, actor: &Session) -> Result<Vec<User>, TeamError> {
        if !actor.role.supervises() {
            return Err(TeamError::Forbidden);
        }
        Ok(self.users.list_users().await?)
    }

    /// Invites a teammate: an inactive user and a one-time link.
    pub async fn invite(&self, actor: &Session, email: &str, name: &str, role: Role) -> Result<Invitation, TeamError> {
        if !actor.role.manages_team() {
            return Err(TeamError::Forbidden);
        }
        let email = normalize_email(email);
        if !email.contains('@') || email.len() > 254 || email.chars().any(char::is_whitespace) {
            return Err(TeamError::BadEmail(email));
        }
        let user = User {
            email: email.clone(),
            name: if name.trim().is_empty() { email.clone() } else { name.trim().to_owned() },
            role,
            // No password works until the invitation is accepted.
            password_hash: "!".to_owned(),
            active: false,
            available: true,
        };
        if !self.users.create_user(&user).await? {
            return Err(TeamError::Exists(email));
        }
        let mut bytes = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
        let now = self.clock.now();
        let expires_at = now.plus_hours(24 * INVITE_DAYS);
        self.invites.put_invite(&token_hash(&token), &email, expires_at).await?;
        self.audit(actor, "invite", serde_json::json!({"email": email, "role": role.as_str()})).await?;
        Ok(Invitation { email, token, expires_at })
    }

    /// Accepts an invitation: sets the password and activates the user.
    pub async fn accept(&self, token: &str, password: &str) -> Result<String, TeamError> {
        if password.chars().count() < MIN_PASSWORD {
            return Err(TeamError::WeakPassword);
        }
        let email =
            self.invites.take_invite(&token_hash(token), self.clock.now()).await?.ok_or(TeamError::BadInvite)?;
        let hash = hash_password(password).map_err(|_| TeamError::WeakPassword)?;
        self.users.set_password(&email, &hash).await?;
        Ok(email)
    }

    /// Changes a teammate's role, activity or availability.
    pub async fn update(&self, actor: &Session, email: &str, patch: &UserPatch) -> Result<User, TeamError> {
        let email = normalize_email(email);
        let only_availability = patch.role.is_none() && patch.active.is_none() && patch.name.is_none();
        // Anyone may set their own availability; everything else is the admins'.
        if !(actor.role.manages_team() || (only_availability && actor.email == email)) {
            return Err(TeamError::Forbidden);
        }
        if actor.email == email
            && (patch.active == Some(false)
                || patch.role.is_some_and(|r| r != Role::Admin && actor.role == Role::Admin))
        {
            return Err(TeamError::SelfLockout);
        }
        let user = self.users.update_user(&email, patch).await?.ok_or(TeamError::NotFound)?;
        let detail = serde_json::json!({
            "email": email,
            "role": patch.role.map(Role::as_str),
            "active": patch.active,
            "available": patch.available,
        });
        self.audit(actor, "update_user", detail).await?;
        Ok(user)
    }

    async fn audit(&self, actor: &Session, action: &str, detail: serde_json::Value) -> Result<(), TeamError> {
        let entry = AuditEntry {
            at: self.clock.now(),
            actor: actor.email.clone(),
            action: action.to_owned(),
            contact: None,
            detail: detail.to_string(),
        };
        Ok(self.audit.audit(&entry).await?)
    }
}
