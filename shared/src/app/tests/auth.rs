use super::fixture::World;
use crate::app::auth::{
    hash_password, Argon2id, Auth, AuthError, BootstrapAdmin, Passwords, DUMMY_HASH, SESSION_HOURS,
};
use crate::domain::login_throttle::{LoginLimits, LoginSource};
use crate::domain::{Millis, Role, User};
use crate::ports::UserStore;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

const ADMIN: &str = "admin@shop.test";

fn auth(w: &World) -> Auth {
    let admin = BootstrapAdmin { email: "Admin@Shop.test".into(), password: "first-password".into() };
    Auth::new(w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone(), Some(admin))
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

#[tokio::test]
async fn the_bootstrap_admin_signs_in_and_the_session_works_until_logout() {
    let w = World::new();
    let auth = auth(&w);
    let (token, session) = auth.login(" admin@shop.TEST ", "first-password", None).await.unwrap();
    assert_eq!((session.email.as_str(), session.role), (ADMIN, Role::Admin));
    assert_eq!(auth.authenticate(&token).await.unwrap().email, ADMIN);
    auth.logout(&token).await.unwrap();
    assert!(matches!(auth.authenticate(&token).await, Err(AuthError::NoSession)));
}

#[tokio::test]
async fn sessions_expire_and_a_deactivated_user_loses_theirs_at_once() {
    let w = World::new();
    w.store.create_user(&user("a@shop.test", &hash_password("agent-password").unwrap(), true)).await.unwrap();
    let auth = auth(&w);
    let (token, _) = auth.login("a@shop.test", "agent-password", None).await.unwrap();
    let patch = crate::domain::UserPatch { active: Some(false), ..Default::default() };
    w.store.update_user("a@shop.test", &patch).await.unwrap();
    assert!(matches!(auth.authenticate(&token).await, Err(AuthError::NoSession)));
    assert!(matches!(auth.login("a@shop.test", "agent-password", None).await, Err(AuthError::BadCredentials)));

    let (token, _) = auth.login(ADMIN, "first-password", None).await.unwrap();
    w.clock.advance_ms(SESSION_HOURS * 3_600_000);
    assert!(matches!(auth.authenticate(&token).await, Err(AuthError::NoSession)));
}

#[tokio::test]
async fn attempts_over_the_limit_from_one_address_are_throttled_there_until_the_window_ends() {
    let w = World::new();
    let auth = auth(&w);
    let from = Some(IpAddr::from([203, 0, 113, 7]));
    let limits = LoginLimits::default();
    for _ in 0..limits.per_email_from_source {
        assert!(matches!(auth.login(ADMIN, "wrong", from).await, Err(AuthError::BadCredentials)));
    }
    let window = limits.attempt(ADMIN, LoginSource::of(from), crate::ports::Clock::now(&*w.clock));
    // The wait is until the fixed window ends, in whole minutes rounded up.
    let minutes_left = (window.window_end.0 - super::fixture::T0.0 + 59_999) / 60_000;
    let refused = auth.login(ADMIN, "first-password", from).await;
    assert!(matches!(refused, Err(AuthError::Throttled { minutes }) if minutes == minutes_left), "{refused:?}");
    auth.login(ADMIN, "first-password", Some(IpAddr::from([198, 51, 100, 1])))
        .await
        .expect("another address is not locked out");
    w.clock.set(window.window_end);
    auth.login(ADMIN, "first-password", from).await.expect("the window has passed");
}

#[tokio::test]
async fn every_sign_in_verifies_exactly_one_hash_and_the_dummy_when_no_user_can_sign_in() {
    let w = World::new();
    let recording = Arc::new(Recording::default());
    let auth = auth(&w).with_passwords(recording.clone());
    let real = hash_password("the right password").unwrap();
    w.store.create_user(&user("agent@shop.test", &real, true)).await.unwrap();
    w.store.create_user(&user("invited@shop.test", "!", false)).await.unwrap();
    w.store.create_user(&user("gone@shop.test", &real, false)).await.unwrap();

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
    let w = World::new();
    let recording = Arc::new(Recording::default());
    let auth = auth(&w).with_passwords(recording.clone());
    let from = Some(IpAddr::from([203, 0, 113, 7]));
    for _ in 0..LoginLimits::default().per_email_from_source {
        assert!(matches!(auth.login(ADMIN, "guess", from).await, Err(AuthError::BadCredentials)));
    }
    recording.take();
    let refused = auth.login(ADMIN, "first-password", from).await;
    assert!(matches!(refused, Err(AuthError::Throttled { minutes }) if minutes > 0), "{refused:?}");
    assert!(recording.take().is_empty(), "no hash was checked");
}

#[tokio::test]
async fn a_success_forgives_its_attempt_so_an_office_behind_one_address_is_not_locked_by_its_own_sign_ins() {
    let w = World::new();
    let auth = auth(&w);
    let office = Some(IpAddr::from([203, 0, 113, 7]));
    for _ in 0..LoginLimits::default().per_source + 1 {
        auth.login(ADMIN, "first-password", office).await.expect("a right password is never throttled here");
    }
}

#[tokio::test]
async fn the_bootstrap_admin_is_created_once_and_a_changed_password_replaces_the_deploy_one() {
    let w = World::new();
    let auth = auth(&w);
    let (token, session) = auth.login(ADMIN, "first-password", None).await.unwrap();
    assert_eq!(session.role, Role::Admin);
    let (other, _) = auth.login(ADMIN, "first-password", None).await.unwrap();
    w.clock.advance_ms(1);

    let weak = auth.change_password(&session, None, "first-password", "short").await;
    assert!(matches!(weak, Err(AuthError::WeakPassword)));
    let wrong = auth.change_password(&session, None, "not it", "a much better passphrase").await;
    assert!(matches!(wrong, Err(AuthError::WrongPassword)));
    auth.change_password(&session, None, "first-password", "a much better passphrase").await.unwrap();

    assert!(auth.authenticate(&token).await.is_ok(), "the session that changed it goes on");
    assert!(matches!(auth.authenticate(&other).await, Err(AuthError::NoSession)), "the other one ends");
    let old = auth.login(ADMIN, "first-password", None).await;
    assert!(matches!(old, Err(AuthError::BadCredentials)), "the deploy parameter is not a password any more");
    assert!(auth.login(ADMIN, "a much better passphrase", None).await.is_ok());
    assert_eq!(w.store.list_users().await.unwrap().len(), 1, "never created twice");
    assert!(w.store.audit_lines().iter().any(|a| a.action == "change_password" && a.actor == ADMIN));
}
