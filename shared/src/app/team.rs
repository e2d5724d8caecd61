//! The team: invitations, reset links, roles, deactivation. Only
//! administrators manage it.

use super::auth::{hash_password_in_background, token_hash};
use crate::domain::user::normalize_email;
use crate::domain::{AuditEntry, Invite, Session, UserPatch};
use crate::domain::{Millis, Role, User};
use crate::ports::{AuditLog, Clock, InviteStore, StoreError, UserStore};
use rand::RngCore;
use std::sync::Arc;

pub use super::auth::MIN_PASSWORD;

/// How long an invitation link works.
pub const INVITE_DAYS: i64 = 7;
/// How long a password-reset link works.
pub const RESET_HOURS: i64 = 24;

/// Why a team change was refused.
/// The longest name a teammate may give themselves.
pub const MAX_NAME: usize = 120;

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
    /// A deactivated user gets no link; reactivate them first.
    #[error("{0} is deactivated; reactivate them first")]
    Deactivated(String),
    /// The invitation is unknown, used, replaced, revoked or expired.
    #[error("this invitation is not valid any more; ask for a new one")]
    BadInvite,
    /// Too short.
    #[error("a password needs at least {MIN_PASSWORD} characters")]
    WeakPassword,
    /// A name longer than anyone's.
    #[error("a name has at most {MAX_NAME} characters")]
    LongName,
    /// An administrator demoting or deactivating themselves.
    #[error("you cannot demote or deactivate yourself")]
    SelfLockout,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// Joining the team: accepting sets the first password.
    Invitation,
    /// A forgotten password: accepting sets a new one.
    PasswordReset,
}

/// A one-time link to share with the teammate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Whose.
    pub email: String,
    /// The one-time token for the link.
    pub token: String,
    /// When it stops working.
    pub expires_at: Millis,
    /// What accepting it does.
    pub kind: LinkKind,
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

    /// Invites a teammate: an inactive user and a one-time link. Inviting an
    /// e-mail whose invitation is still pending replaces it (new role, name
    /// and link; the old link stops working).
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
            invited: true,
            password_changed_at: Millis(0),
        };
        let (invitation, invite) = self.new_link(&email, LinkKind::Invitation);
        let audit = self.audit_entry(actor, "invite", serde_json::json!({"email": email, "role": role.as_str()}));
        if !self.invites.invite_user(&user, &invite, &audit).await? {
            return Err(TeamError::Exists(email));
        }
        Ok(invitation)
    }

    /// A fresh one-time link for a teammate: the invitation again for one who
    /// has not accepted, a password reset for an active one. Any earlier
    /// link of theirs stops working.
    pub async fn issue_link(&self, actor: &Session, email: &str) -> Result<Invitation, TeamError> {
        if !actor.role.manages_team() {
            return Err(TeamError::Forbidden);
        }
        let email = normalize_email(email);
        let user = self.users.user(&email).await?.ok_or(TeamError::NotFound)?;
        let kind = match (user.invited, user.active) {
            (true, _) => LinkKind::Invitation,
            (false, true) => LinkKind::PasswordReset,
            (false, false) => return Err(TeamError::Deactivated(email)),
        };
        let (invitation, invite) = self.new_link(&email, kind);
        let action = if kind == LinkKind::Invitation { "reissue_invite" } else { "password_reset_link" };
        let audit = self.audit_entry(actor, action, serde_json::json!({"email": email}));
        if !self.invites.issue_link(&invite, &audit).await? {
            // Deactivated (or gone) between the read and the write.
            return Err(TeamError::Deactivated(email));
        }
        Ok(invitation)
    }

    /// Kills a teammate's outstanding invitation or reset link.
    pub async fn revoke_link(&self, actor: &Session, email: &str) -> Result<(), TeamError> {
        if !actor.role.manages_team() {
            return Err(TeamError::Forbidden);
        }
        let email = normalize_email(email);
        let audit = self.audit_entry(actor, "revoke_link", serde_json::json!({"email": email}));
        if !self.invites.revoke_link(&email, &audit).await? {
            return Err(TeamError::NotFound);
        }
        Ok(())
    }

    /// Accepts an invitation or reset link: sets the password, activates the
    /// user and ends their older sessions, all in one write, so a storage
    /// error leaves the link usable.
    pub async fn accept(&self, token: &str, password: &str, name: Option<&str>) -> Result<String, TeamError> {
        if password.chars().count() < MIN_PASSWORD {
            return Err(TeamError::WeakPassword);
        }
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        if name.is_some_and(|n| n.chars().count() > MAX_NAME) {
            return Err(TeamError::LongName);
        }
        let now = self.clock.now();
        let invite = self.invites.invite(&token_hash(token), now).await?.ok_or(TeamError::BadInvite)?;
        let hash = hash_password_in_background(password).await.ok_or(TeamError::WeakPassword)?;
        let audit = AuditEntry {
            at: now,
            actor: invite.email.clone(),
            action: "set_password".to_owned(),
            contact: None,
            detail: "{}".to_owned(),
        };
        if !self.invites.accept_invite(&invite, &hash, name, now, &audit).await? {
            return Err(TeamError::BadInvite);
        }
        Ok(invite.email)
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
        self.audit.audit(&self.audit_entry(actor, "update_user", detail)).await?;
        Ok(user)
    }

    fn new_link(&self, email: &str, kind: LinkKind) -> (Invitation, Invite) {
        let mut bytes = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
        let hours = match kind {
            LinkKind::Invitation => 24 * INVITE_DAYS,
            LinkKind::PasswordReset => RESET_HOURS,
        };
        let expires_at = self.clock.now().plus_hours(hours);
        let invite = Invite { token_hash: token_hash(&token), email: email.to_owned(), expires_at };
        (Invitation { email: email.to_owned(), token, expires_at, kind }, invite)
    }

    fn audit_entry(&self, actor: &Session, action: &str, detail: serde_json::Value) -> AuditEntry {
        AuditEntry {
            at: self.clock.now(),
            actor: actor.email.clone(),
            action: action.to_owned(),
            contact: None,
            detail: detail.to_string(),
        }
    }
}
