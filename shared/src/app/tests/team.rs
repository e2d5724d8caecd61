use super::fixture::World;
use crate::app::auth::{Auth, AuthError};
use crate::app::team::{Team, TeamError};
use crate::domain::{Role, UserPatch};

fn team(w: &World) -> Team {
    Team::new(w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone())
}

#[tokio::test]
async fn an_invited_teammate_signs_in_only_after_accepting_and_only_once() {
    let w = World::new();
    let admin = w.teammate("admin@shop.test", Role::Admin).await;
    let team = team(&w);
    let invitation = team.invite(&admin, "New@Shop.test", "New", Role::Agent).await.unwrap();
    assert_eq!(invitation.email, "new@shop.test");
    let auth = Auth::new(w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone(), None);
    assert!(matches!(auth.login("new@shop.test", "long-enough-pw").await, Err(AuthError::BadCredentials)));
    assert!(matches!(team.accept(&invitation.token, "short").await, Err(TeamError::WeakPassword)));
    assert_eq!(team.accept(&invitation.token, "long-enough-pw").await.unwrap(), "new@shop.test");
    assert!(matches!(team.accept(&invitation.token, "long-enough-pw").await, Err(TeamError::BadInvite)));
    auth.login("new@shop.test", "long-enough-pw").await.expect("active after accepting");
    assert!(matches!(team.invite(&admin, "new@shop.test", "", Role::Agent).await, Err(TeamError::Exists(_))));
    assert_eq!(w.store.audit_lines()[0].action, "invite");
}

#[tokio::test]
async fn only_admins_manage_the_team_and_never_lock_themselves_out() {
    let w = World::new();
    let admin = w.teammate("admin@shop.test", Role::Admin).await;
    let a = w.teammate("a@shop.test", Role::Agent).await;
    let team = team(&w);
    assert!(matches!(team.invite(&a, "x@shop.test", "", Role::Agent).await, Err(TeamError::Forbidden)));
    assert!(matches!(team.list(&a).await, Err(TeamError::Forbidden)));
    let away = UserPatch { available: Some(false), ..UserPatch::default() };
    assert!(!team.update(&a, "a@shop.test", &away).await.unwrap().available, "anyone sets their own availability");
    let promote = UserPatch { role: Some(Role::Manager), ..UserPatch::default() };
    assert!(matches!(team.update(&a, "a@shop.test", &promote).await, Err(TeamError::Forbidden)));
    let demote = UserPatch { role: Some(Role::Agent), ..UserPatch::default() };
    assert!(matches!(team.update(&admin, "admin@shop.test", &demote).await, Err(TeamError::SelfLockout)));
    assert_eq!(team.update(&admin, "a@shop.test", &promote).await.unwrap().role, Role::Manager);
    assert!(matches!(team.update(&admin, "ghost@shop.test", &promote).await, Err(TeamError::NotFound)));
}
