use super::fixture::World;
use crate::app::auth::{hash_password, Auth, AuthError, BootstrapAdmin, MAX_FAILURES, SESSION_HOURS};
use crate::domain::{Role, User};
use crate::ports::UserStore;

fn auth(w: &World) -> Auth {
    let admin = BootstrapAdmin { email: "Admin@Shop.test".into(), password: "first-password".into() };
    Auth::new(w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone(), Some(admin))
}

#[tokio::test]
async fn the_bootstrap_admin_signs_in_and_the_session_works_until_logout() {
    let w = World::new();
    let auth = auth(&w);
    let (token, session) = auth.login(" admin@shop.TEST ", "first-password").await.unwrap();
    assert_eq!((session.email.as_str(), session.role), ("admin@shop.test", Role::Admin));
    assert_eq!(auth.authenticate(&token).await.unwrap().email, "admin@shop.test");
    auth.logout(&token).await.unwrap();
    assert!(matches!(auth.authenticate(&token).await, Err(AuthError::NoSession)));
}

#[tokio::test]
async fn sessions_expire_and_a_deactivated_user_loses_theirs_at_once() {
    let w = World::new();
    let user = User {
        email: "a@shop.test".into(),
        name: "A".into(),
        role: Role::Agent,
        password_hash: hash_password("agent-password").unwrap(),
        active: true,
        available: true,
    };
    w.store.create_user(&user).await.unwrap();
    let auth = auth(&w);
    let (token, _) = auth.login("a@shop.test", "agent-password").await.unwrap();
    let patch = crate::domain::UserPatch { active: Some(false), ..Default::default() };
    w.store.update_user("a@shop.test", &patch).await.unwrap();
    assert!(matches!(auth.authenticate(&token).await, Err(AuthError::NoSession)));
    assert!(matches!(auth.login("a@shop.test", "agent-password").await, Err(AuthError::BadCredentials)));

    let (token, _) = auth.login("admin@shop.test", "first-password").await.unwrap();
    w.clock.advance_ms(SESSION_HOURS * 3_600_000);
    assert!(matches!(auth.authenticate(&token).await, Err(AuthError::NoSession)));
}

#[tokio::test]
async fn repeated_wrong_passwords_throttle_the_email_until_the_window_passes() {
    let w = World::new();
    let auth = auth(&w);
    for _ in 0..MAX_FAILURES {
        assert!(matches!(auth.login("admin@shop.test", "wrong").await, Err(AuthError::BadCredentials)));
    }
    assert!(matches!(auth.login("admin@shop.test", "first-password").await, Err(AuthError::Throttled { minutes: 15 })));
    w.clock.advance_ms(crate::app::auth::THROTTLE_WINDOW_MS);
    auth.login("admin@shop.test", "first-password").await.expect("the window has passed");
}
