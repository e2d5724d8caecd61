//! Signing staff in and out, checking sessions, and changing one's password.

use crate::domain::login_throttle::{LoginAttempt, LoginSource, LoginThrottle};
use crate::domain::user::normalize_email;
use crate::domain::{Millis, Role, User};
use crate::ports::{AuditEntry, Clock, Session, StoreError, UserStore};
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
    clock: Arc<dyn Clock>,
    bootstrap: Option<BootstrapAdmin>,
    throttle: LoginThrottle,
    passwords: Arc<dyn Passwords>,
}

impl Auth {
    /// Wires the use case with Argon2id and the default throttle.
    pub fn new(users: Arc<dyn UserStore>, clock: Arc<dyn Clock>, bootstrap: Option<BootstrapAdmin>) -> Self {
        Auth { users, clock, bootstrap, throttle: LoginThrottle::default(), passwords: Arc::new(Argon2id) }
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
        self.users.put_session(&session).await?;
        Ok((token, session))
    }

    /// The live session behind a cookie token.
    pub async fn authenticate(&self, token: &str) -> Result<Session, AuthError> {
        let session = self.users.session(&token_hash(token)).await?.ok_or(AuthError::NoSession)?;
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
        Ok(self.users.delete_session(&token_hash(token)).await?)
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
        self.users.put_session(&Session { issued_at: now, ..session.clone() }).await?;
        Ok(())
    }

    /// Counts the attempt before any password is checked, and refuses it
    /// when a counter is over its limit.
    async fn count_attempt(&self, email: &str, from: Option<IpAddr>, now: Millis) -> Result<LoginAttempt, AuthError> {
        let attempt = self.throttle.attempt(email, LoginSource::of(from), now);
        let counts = self.users.count_login_attempt(&attempt).await?;
        self.throttle.verdict(&attempt, counts, now).map_err(|minutes| {
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
        if let Err(e) = self.users.forgive_login_attempt(attempt).await {
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
    use crate::domain::login_throttle::AttemptCounts;
    use crate::ports::{Invite, UserPatch};
    use std::collections::HashMap;
    use std::sync::Mutex;

    /// Users, sessions and counters in memory: enough of the store for sign-in.
    #[derive(Default)]
    struct Users {
        users: Mutex<HashMap<String, User>>,
        sessions: Mutex<HashMap<String, Session>>,
        counters: Mutex<HashMap<String, u64>>,
    }

    #[async_trait::async_trait]
    impl UserStore for Users {
        async fn user(&self, email: &str) -> Result<Option<User>, StoreError> {
            Ok(self.users.lock().unwrap().get(email).cloned())
        }
        async fn create_user(&self, user: &User) -> Result<bool, StoreError> {
            let mut users = self.users.lock().unwrap();
            if users.contains_key(&user.email) {
                return Ok(false);
            }
            users.insert(user.email.clone(), user.clone());
            Ok(true)
        }
        async fn put_session(&self, session: &Session) -> Result<(), StoreError> {
            self.sessions.lock().unwrap().insert(session.token_hash.clone(), session.clone());
            Ok(())
        }
        async fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
            Ok(self.sessions.lock().unwrap().get(token_hash).cloned())
        }
        async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
            self.sessions.lock().unwrap().remove(token_hash);
            Ok(())
        }
        async fn list_users(&self) -> Result<Vec<User>, StoreError> {
            Ok(self.users.lock().unwrap().values().cloned().collect())
        }
        async fn update_user(&self, email: &str, patch: &UserPatch) -> Result<Option<User>, StoreError> {
            let mut users = self.users.lock().unwrap();
            let Some(user) = users.get_mut(email) else { return Ok(None) };
            if let Some(active) = patch.active {
                user.active = active;
            }
            Ok(Some(user.clone()))
        }
        async fn invite_user(&self, user: &User, _: &Invite, _: &AuditEntry) -> Result<bool, StoreError> {
            self.create_user(user).await
        }
        async fn issue_link(&self, invite: &Invite, _: &AuditEntry) -> Result<bool, StoreError> {
            Ok(self.users.lock().unwrap().contains_key(&invite.email))
        }
        async fn revoke_link(&self, email: &str, _: &AuditEntry) -> Result<bool, StoreError> {
            Ok(self.users.lock().unwrap().contains_key(email))
        }
        async fn invite(&self, _: &str, _: Millis) -> Result<Option<Invite>, StoreError> {
            Ok(None)
        }
        async fn accept_invite(&self, _: &Invite, _: &str, _: Millis, _: &AuditEntry) -> Result<bool, StoreError> {
            Ok(false)
        }
        async fn change_password(
            &self,
            email: &str,
            password_hash: &str,
            at: Millis,
            _: &AuditEntry,
        ) -> Result<bool, StoreError> {
            let mut users = self.users.lock().unwrap();
            let Some(user) = users.get_mut(email).filter(|u| u.active) else { return Ok(false) };
            user.password_hash = password_hash.to_owned();
            user.password_changed_at = at;
            Ok(true)
        }
        async fn count_login_attempt(&self, attempt: &LoginAttempt) -> Result<AttemptCounts, StoreError> {
            let mut counters = self.counters.lock().unwrap();
            let mut add = |key: String| {
                let count = counters.entry(key).or_default();
                *count += 1;
                *count
            };
            Ok(AttemptCounts {
                email_from_source: add(format!("{}|{}", attempt.source.as_str(), attempt.email)),
                source: add(attempt.source.as_str().to_owned()),
                email: add(attempt.email.clone()),
            })
        }
        async fn forgive_login_attempt(&self, attempt: &LoginAttempt) -> Result<(), StoreError> {
            let mut counters = self.counters.lock().unwrap();
            counters.remove(&format!("{}|{}", attempt.source.as_str(), attempt.email));
            if let Some(count) = counters.get_mut(attempt.source.as_str()) {
                *count = count.saturating_sub(1);
            }
            Ok(())
        }
    }

    /// Argon2id, noting every hash it was asked to verify against.
    #[derive(Default)]
    struct Recording(Mutex<Vec<String>>);

    impl Passwords for Recording {
        fn hash(&self, password: &str) -> Result<String, argon2::password_hash::Error> {
            Argon2id.hash(password)
        }
        fn verify(&self, phc: &str, password: &str) -> bool {
            self.0.lock().unwrap().push(phc.to_owned());
            Argon2id.verify(phc, password)
        }
    }

    impl Recording {
        fn take(&self) -> Vec<String> {
            std::mem::take(&mut *self.0.lock().unwrap())
        }
    }

    /// A clock a millisecond further on each time it is read.
    struct Ticking(std::sync::atomic::AtomicI64);

    impl Clock for Ticking {
        fn now(&self) -> Millis {
            Millis(self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
        }
    }

    const OWNER: &str = "owner@shop.test";

    fn setup() -> (Arc<Users>, Arc<Recording>, Auth) {
        let users = Arc::new(Users::default());
        let recording = Arc::new(Recording::default());
        let bootstrap = BootstrapAdmin { email: OWNER.into(), password: "the deploy parameter".into() };
        let auth = Auth::new(users.clone(), Arc::new(Ticking(1_800_000_000_000.into())), Some(bootstrap))
            .with_passwords(recording.clone());
        (users, recording, auth)
    }

    fn user(email: &str, password_hash: &str, active: bool) -> User {
        User {
            email: email.into(),
            name: email.into(),
            role: Role::Agent,
            password_hash: password_hash.into(),
            active,
            available: true,
            invited: !active && password_hash == "!",
            password_changed_at: Millis(0),
        }
    }

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

    #[tokio::test]
    async fn every_sign_in_verifies_exactly_one_hash_and_the_dummy_when_no_user_can_sign_in() {
        let (users, recording, auth) = setup();
        let real = hash_password("the right password").unwrap();
        users.create_user(&user("agent@shop.test", &real, true)).await.unwrap();
        users.create_user(&user("invited@shop.test", "!", false)).await.unwrap();
        users.create_user(&user("gone@shop.test", &real, false)).await.unwrap();

        for email in ["nobody@shop.test", "invited@shop.test", "gone@shop.test"] {
            let refused = auth.login(email, "the right password", None).await;
            assert!(matches!(refused, Err(AuthError::BadCredentials)), "{email}");
            assert_eq!(recording.take(), [DUMMY_HASH], "{email}: one check, against the dummy");
        }
        assert!(matches!(auth.login("agent@shop.test", "wrong", None).await, Err(AuthError::BadCredentials)));
        assert_eq!(recording.take(), std::slice::from_ref(&real));
        assert!(auth.login("agent@shop.test", "the right password", None).await.is_ok());
        assert_eq!(recording.take(), [real]);
    }

    #[tokio::test]
    async fn a_throttled_attempt_is_refused_before_any_password_is_checked() {
        let (_, recording, auth) = setup();
        let from = Some(IpAddr::from([203, 0, 113, 7]));
        for _ in 0..5 {
            assert!(matches!(auth.login(OWNER, "guess", from).await, Err(AuthError::BadCredentials)));
        }
        recording.take();
        let refused = auth.login(OWNER, "the deploy parameter", from).await;
        assert!(matches!(refused, Err(AuthError::Throttled { minutes }) if minutes > 0), "{refused:?}");
        assert!(recording.take().is_empty(), "no hash was checked");
        assert!(auth.login(OWNER, "the deploy parameter", Some(IpAddr::from([198, 51, 100, 1]))).await.is_ok());
    }

    #[tokio::test]
    async fn the_bootstrap_admin_is_created_once_and_a_changed_password_replaces_the_deploy_one() {
        let (users, _, auth) = setup();
        let (token, session) = auth.login(OWNER, "the deploy parameter", None).await.unwrap();
        assert_eq!(session.role, Role::Admin);
        let (other, _) = auth.login(OWNER, "the deploy parameter", None).await.unwrap();

        let weak = auth.change_password(&session, None, "the deploy parameter", "short").await;
        assert!(matches!(weak, Err(AuthError::WeakPassword)));
        let wrong = auth.change_password(&session, None, "not it", "a much better passphrase").await;
        assert!(matches!(wrong, Err(AuthError::WrongPassword)));
        auth.change_password(&session, None, "the deploy parameter", "a much better passphrase").await.unwrap();

        assert!(auth.authenticate(&token).await.is_ok(), "the session that changed it goes on");
        assert!(matches!(auth.authenticate(&other).await, Err(AuthError::NoSession)), "the other one ends");
        let old = auth.login(OWNER, "the deploy parameter", None).await;
        assert!(matches!(old, Err(AuthError::BadCredentials)), "the deploy parameter is not a password any more");
        assert!(auth.login(OWNER, "a much better passphrase", None).await.is_ok());
        assert_eq!(users.users.lock().unwrap().len(), 1, "never created twice");
    }
}
