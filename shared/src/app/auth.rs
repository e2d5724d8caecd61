//! Signing staff in and out, checking sessions, and changing one's password.

use crate::domain::login_throttle::{LoginAttempt, LoginLimits, LoginSource};
use crate::domain::user::normalize_email;
use crate::domain::{AuditEntry, Millis, Role, Session, User};
use crate::ports::{Clock, LoginThrottle, SessionStore, StoreError, UserStore};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::sync::Arc;

/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;
/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 10;

/// What a sign-in checks when there is no usable hash (an unknown e-mail, an
/// invitee without a password, a deactivated user): an Argon2id hash with
/// the same parameters as real ones, so that every sign-in costs one full
/// verification and the answer's timing does not tell which e-mails exist.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$WWrnuXVDywNpvQbas4PoKg$XbcaXKZsMZYojyDdJaRkqB8kF8rdTduYTSt0oMsagmc";

/// Why a request is not signed in, or a password was not changed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Unknown e-mail, wrong password or deactivated user (one answer for
    /// all, so the API does not reveal which e-mails exist).
    #[error("wrong e-mail or password")]
    BadCredentials,
    /// No session, or an expired or ended one.
    #[error("not signed in")]
    NoSession,
    /// Too many sign-in attempts lately, for this e-mail or from this place.
    #[error("too many failed sign-ins; try again in {minutes} minute(s)")]
    Throttled {
        /// Minutes until the window ends.
        minutes: i64,
    },
    /// The current password given to change it is wrong.
    #[error("the current password is wrong")]
    WrongPassword,
    /// The new password is too short.
    #[error("a password needs at least {MIN_PASSWORD} characters")]
    WeakPassword,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The first administrator, created on their first sign-in from the deploy
/// parameters when, and only when, no user has their e-mail. Once they exist
/// the deploy password is never consulted again, so changing it sticks.
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

/// Password hashing, behind a trait so that a test can see which hash a
/// sign-in verified (timing is not something a test should assert).
pub trait Passwords: Send + Sync {
    /// A PHC string for `password` with a fresh salt.
    fn hash(&self, password: &str) -> Result<String, argon2::password_hash::Error>;
    /// Whether `password` matches the PHC string `phc`.
    fn verify(&self, phc: &str, password: &str) -> bool;
}

/// Argon2id with the crate's default (OWASP) parameters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Argon2id;

impl Passwords for Argon2id {
    fn hash(&self, password: &str) -> Result<String, argon2::password_hash::Error> {
        hash_password(password)
    }

    fn verify(&self, phc: &str, password: &str) -> bool {
        PasswordHash::new(phc)
            .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    }
}

/// The sign-in use case.
pub struct Auth {
    users: Arc<dyn UserStore>,
    sessions: Arc<dyn SessionStore>,
    throttle: Arc<dyn LoginThrottle>,
    clock: Arc<dyn Clock>,
    bootstrap: Option<BootstrapAdmin>,
    limits: LoginLimits,
    passwords: Arc<dyn Passwords>,
}

impl Auth {
    /// Wires the use case with Argon2id and the default limits.
    pub fn new(
        users: Arc<dyn UserStore>,
        sessions: Arc<dyn SessionStore>,
        throttle: Arc<dyn LoginThrottle>,
        clock: Arc<dyn Clock>,
        bootstrap: Option<BootstrapAdmin>,
    ) -> Self {
        Auth {
            users,
            sessions,
            throttle,
            clock,
            bootstrap,
            limits: LoginLimits::default(),
            passwords: Arc::new(Argon2id),
        }
    }

    /// The same, hashing with `passwords`.
    pub fn with_passwords(mut self, passwords: Arc<dyn Passwords>) -> Self {
        self.passwords = passwords;
        self
    }

    /// Checks credentials and opens a session; returns the cookie token.
    /// `from` is the client's address, as API Gateway (or the local runner)
    /// saw it.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        from: Option<IpAddr>,
    ) -> Result<(String, Session), AuthError> {
        let email = normalize_email(email);
        let now = self.clock.now();
        let attempt = self.count_attempt(&email, from, now).await?;
        let user = match self.users.user(&email).await? {
            Some(user) => Some(user),
            None => self.create_bootstrap_admin(&email).await?,
        };
        let matches = self.verify(hash_to_check(user.as_ref()), password).await;
        let Some(user) = user.filter(|u| matches && u.active) else {
            return Err(AuthError::BadCredentials);
        };
        self.forgive(&attempt).await;
        let token = new_token();
        let session = Session {
            token_hash: token_hash(&token),
            email: user.email,
            role: user.role,
            issued_at: now,
            expires_at: now.plus_hours(SESSION_HOURS),
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
        // The user as they are now: a deactivation, a role change or a new
        // password takes effect on the next request, not at the next sign-in.
        let user = self.users.user(&session.email).await?.filter(|u| u.active).ok_or(AuthError::NoSession)?;
        if session.issued_at < user.password_changed_at {
            return Err(AuthError::NoSession);
        }
        Ok(Session { role: user.role, ..session })
    }

    /// Ends the session behind a cookie token.
    pub async fn logout(&self, token: &str) -> Result<(), AuthError> {
        Ok(self.sessions.delete_session(&token_hash(token)).await?)
    }

    /// Changes the signed-in user's own password. The current one is
    /// required (and a wrong one counts like a failed sign-in); every other
    /// session of theirs ends, this one goes on.
    pub async fn change_password(
        &self,
        session: &Session,
        from: Option<IpAddr>,
        current: &str,
        new: &str,
    ) -> Result<(), AuthError> {
        if new.chars().count() < MIN_PASSWORD {
            return Err(AuthError::WeakPassword);
        }
        let now = self.clock.now();
        let attempt = self.count_attempt(&session.email, from, now).await?;
        let user = self.users.user(&session.email).await?.filter(|u| u.active).ok_or(AuthError::NoSession)?;
        if !self.verify(hash_to_check(Some(&user)), current).await {
            return Err(AuthError::WrongPassword);
        }
        self.forgive(&attempt).await;
        let hash = self.hash(new).await.map_err(|_| AuthError::WeakPassword)?;
        let audit = AuditEntry {
            at: now,
            actor: user.email.clone(),
            action: "change_password".to_owned(),
            contact: None,
            detail: "{}".to_owned(),
        };
        if !self.users.change_password(&user.email, &hash, now, &audit).await? {
            return Err(AuthError::NoSession);
        }
        // Re-issued now, this session is the one that survives the change.
        self.sessions.put_session(&Session { issued_at: now, ..session.clone() }).await?;
        Ok(())
    }

    /// Counts the attempt before any password is checked, and refuses it
    /// when a counter is over its limit.
    async fn count_attempt(&self, email: &str, from: Option<IpAddr>, now: Millis) -> Result<LoginAttempt, AuthError> {
        let attempt = self.limits.attempt(email, LoginSource::of(from), now);
        let counts = self.throttle.count_login_attempt(&attempt).await?;
        self.limits.verdict(&attempt, counts, now).map_err(|minutes| {
            tracing::warn!(
                email_from_source = counts.email_from_source,
                source = counts.source,
                email = counts.email,
                "sign-in throttled"
            );
            AuthError::Throttled { minutes }
        })?;
        Ok(attempt)
    }

    /// A success gives back what its attempt cost; failing to is not worth
    /// failing the sign-in over.
    async fn forgive(&self, attempt: &LoginAttempt) {
        if let Err(e) = self.throttle.forgive_login_attempt(attempt).await {
            tracing::warn!(error = %e, "sign-in counters not settled");
        }
    }

    async fn verify(&self, phc: &str, password: &str) -> bool {
        let (passwords, phc, password) = (self.passwords.clone(), phc.to_owned(), password.to_owned());
        // Argon2 is deliberately slow: keep it off the async workers.
        tokio::task::spawn_blocking(move || passwords.verify(&phc, &password)).await.unwrap_or(false)
    }

    async fn hash(&self, password: &str) -> Result<String, AuthError> {
        let (passwords, password) = (self.passwords.clone(), password.to_owned());
        tokio::task::spawn_blocking(move || passwords.hash(&password))
            .await
            .ok()
            .and_then(Result::ok)
            .ok_or(AuthError::WeakPassword)
    }

    async fn create_bootstrap_admin(&self, email: &str) -> Result<Option<User>, AuthError> {
        let Some(admin) = self.bootstrap.as_ref().filter(|a| normalize_email(&a.email) == email) else {
            return Ok(None);
        };
        let user = User {
            email: email.to_owned(),
            name: "Administrator".to_owned(),
            role: Role::Admin,
            password_hash: self.hash(&admin.password).await.map_err(|_| AuthError::BadCredentials)?,
            active: true,
            available: true,
            invited: false,
            password_changed_at: Millis(0),
        };
        // Only when absent: two first sign-ins at once create one user, and
        // an existing admin (whose password may have changed) is never reset.
        self.users.create_user(&user).await?;
        Ok(self.users.user(email).await?)
    }
}

/// The one hash a sign-in verifies: the user's own when they can sign in
/// with it, [`DUMMY_HASH`] otherwise.
fn hash_to_check(user: Option<&User>) -> &str {
    match user {
        Some(user) if user.active && user.password_hash.starts_with("$argon2") => &user.password_hash,
        _ => DUMMY_HASH,
    }
}

/// Hashes a password with Argon2id and a fresh salt.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// Hashes off the async workers (Argon2 takes tens of milliseconds).
pub async fn hash_password_in_background(password: &str) -> Option<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&password).ok()).await.ok().flatten()
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
    fn passwords_verify_only_themselves_and_the_dummy_hash_is_a_real_one() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(Argon2id.verify(&hash, "correct horse"));
        assert!(!Argon2id.verify(&hash, "correct hors"));
        assert!(!Argon2id.verify("not a hash", "x"));
        let dummy = PasswordHash::new(DUMMY_HASH).unwrap();
        let real = PasswordHash::new(&hash).unwrap();
        assert_eq!(dummy.params, real.params, "the dummy costs what a real hash costs");
        assert_eq!(dummy.algorithm, real.algorithm);
    }
}
