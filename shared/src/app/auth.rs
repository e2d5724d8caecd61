//! Signing staff in and out, and checking sessions.

use crate::domain::user::normalize_email;
use crate::domain::Session;
use crate::domain::{Role, User};
use crate::ports::{Clock, LoginThrottle, SessionStore, StoreError, UserStore};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;
/// Wrong passwords allowed per e-mail within [`THROTTLE_WINDOW_MS`].
pub const MAX_FAILURES: u32 = 5;
/// The login-throttling window.
pub const THROTTLE_WINDOW_MS: i64 = 15 * 60_000;

/// Why a request is not signed in.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Unknown e-mail, wrong password or deactivated user (one answer for
    /// all, so the API does not reveal which e-mails exist).
    #[error("wrong e-mail or password")]
    BadCredentials,
    /// No session, or an expired or ended one.
    #[error("not signed in")]
    NoSession,
    /// Too many wrong passwords for this e-mail lately.
    #[error("too many failed sign-ins; try again in {minutes} minute(s)")]
    Throttled {
        /// Minutes until the window ends.
        minutes: i64,
    },
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The first administrator, created on first login from configuration.
#[derive(Clone)]
pub struct BootstrapAdmin {
    /// Their e-mail.
    pub email: String,
    /// Their initial password (never logged).
    pub password: String,
}

impl std::fmt::Debug for BootstrapAdmin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BootstrapAdmin").field("email", &self.email).finish_non_exhaustive()
    }
}

/// The sign-in use case.
pub struct Auth {
    users: Arc<dyn UserStore>,
    sessions: Arc<dyn SessionStore>,
    throttle: Arc<dyn LoginThrottle>,
    clock: Arc<dyn Clock>,
    bootstrap: Option<BootstrapAdmin>,
}

impl Auth {
    /// Wires the use case.
    pub fn new(
        users: Arc<dyn UserStore>,
        sessions: Arc<dyn SessionStore>,
        throttle: Arc<dyn LoginThrottle>,
        clock: Arc<dyn Clock>,
        bootstrap: Option<BootstrapAdmin>,
    ) -> Self {
        Auth { users, sessions, throttle, clock, bootstrap }
    }

    /// Checks credentials and opens a session; returns the cookie token.
    pub async fn login(&self, email: &str, password: &str) -> Result<(String, Session), AuthError> {
        let email = normalize_email(email);
        let now = self.clock.now();
        let (failures, window_start) = self.throttle.login_failures(&email).await?;
        let window_left = window_start.0 + THROTTLE_WINDOW_MS - now.0;
        if failures >= MAX_FAILURES && window_left > 0 {
            return Err(AuthError::Throttled { minutes: (window_left + 59_999) / 60_000 });
        }
        let user = match self.users.user(&email).await? {
            Some(user) => Some(user),
            None => self.create_bootstrap_admin(&email).await?,
        };
        let Some(user) = user.filter(|u| u.active && password_matches(&u.password_hash, password)) else {
            self.throttle.record_login_failure(&email, now, THROTTLE_WINDOW_MS).await?;
            return Err(AuthError::BadCredentials);
        };
        if failures > 0 {
            self.throttle.clear_login_failures(&email).await?;
        }
        let token = new_token();
        let session = Session {
            token_hash: token_hash(&token),
            email: user.email,
            role: user.role,
            expires_at: self.clock.now().plus_hours(SESSION_HOURS),
        };
        self.sessions.put_session(&session).await?;
        Ok((token, session))
    }

    /// The live session behind a cookie token.
    pub async fn authenticate(&self, token: &str) -> Result<Session, AuthError> {
        let session = self.sessions.session(&token_hash(token)).await?.ok_or(AuthError::NoSession)?;
        if session.expires_at <= self.clock.now() {
            return Err(AuthError::NoSession);
        }
        // The user as they are now: a deactivation or a role change takes
        // effect on the next request, not at the next sign-in.
        let user = self.users.user(&session.email).await?.filter(|u| u.active).ok_or(AuthError::NoSession)?;
        Ok(Session { role: user.role, ..session })
    }

    /// Ends the session behind a cookie token.
    pub async fn logout(&self, token: &str) -> Result<(), AuthError> {
        Ok(self.sessions.delete_session(&token_hash(token)).await?)
    }

    async fn create_bootstrap_admin(&self, email: &str) -> Result<Option<User>, AuthError> {
        let Some(admin) = self.bootstrap.as_ref().filter(|a| normalize_email(&a.email) == email) else {
            return Ok(None);
        };
        let user = User {
            email: email.to_owned(),
            name: "Administrator".to_owned(),
            role: Role::Admin,
            password_hash: hash_password(&admin.password).map_err(|_| AuthError::BadCredentials)?,
            active: true,
            available: true,
        };
        // Two first logins at once: one creates, both then read the same user.
        self.users.create_user(&user).await?;
        Ok(self.users.user(email).await?)
    }
}

/// Hashes a password with Argon2id and a fresh salt.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Sessions are stored under the token's hash, so a leaked table does not
/// leak live sessions.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(password_matches(&hash, "correct horse"));
        assert!(!password_matches(&hash, "correct hors"));
        assert!(!password_matches("not a hash", "x"));
    }
}
