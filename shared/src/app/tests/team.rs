use super::fixture::World;
use crate::app::auth::{Auth, AuthError};
use crate::app::team::{LinkKind, Team, TeamError};
use crate::domain::{Role, UserPatch};
use crate::ports::UserStore;

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
    assert!(matches!(auth.login("new@shop.test", "long-enough-pw", None).await, Err(AuthError::BadCredentials)));
    assert!(matches!(team.accept(&invitation.token, "short", None).await, Err(TeamError::WeakPassword)));
    assert_eq!(team.accept(&invitation.token, "long-enough-pw", None).await.unwrap(), "new@shop.test");
    assert!(matches!(team.accept(&invitation.token, "long-enough-pw", None).await, Err(TeamError::BadInvite)));
    auth.login("new@shop.test", "long-enough-pw", None).await.expect("active after accepting");
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

#[tokio::test]
async fn inviting_a_pending_invitee_again_replaces_the_invitation_and_its_link() {
    let w = World::new();
    let admin = w.teammate("admin@shop.test", Role::Admin).await;
    let team = team(&w);
    let first = team.invite(&admin, "new@shop.test", "New", Role::Agent).await.unwrap();
    let second = team.invite(&admin, "new@shop.test", "Newer", Role::Manager).await.expect("still pending");
    assert!(matches!(team.accept(&first.token, "long-enough-pw", None).await, Err(TeamError::BadInvite)));
    team.accept(&second.token, "long-enough-pw", None).await.unwrap();
    let user = w.store.user("new@shop.test").await.unwrap().unwrap();
    assert_eq!((user.name.as_str(), user.role, user.active, user.invited), ("Newer", Role::Manager, true, false));
}

#[tokio::test]
async fn a_reissued_link_replaces_the_old_one_and_a_revoked_one_works_no_more() {
    let w = World::new();
    let admin = w.teammate("admin@shop.test", Role::Admin).await;
    let team = team(&w);
    let lost = team.invite(&admin, "new@shop.test", "New", Role::Agent).await.unwrap();
    let again = team.issue_link(&admin, "new@shop.test").await.unwrap();
    assert_eq!(again.kind, LinkKind::Invitation);
    assert!(matches!(team.accept(&lost.token, "long-enough-pw", None).await, Err(TeamError::BadInvite)));
    team.revoke_link(&admin, "new@shop.test").await.unwrap();
    assert!(matches!(team.accept(&again.token, "long-enough-pw", None).await, Err(TeamError::BadInvite)));
    let last = team.issue_link(&admin, "new@shop.test").await.unwrap();
    assert_eq!(team.accept(&last.token, "long-enough-pw", None).await.unwrap(), "new@shop.test");
    let actions: Vec<String> = w.store.audit_lines().into_iter().map(|a| a.action).collect();
    assert_eq!(actions, ["invite", "reissue_invite", "revoke_link", "reissue_invite", "set_password"]);
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_and_ends_the_older_sessions() {
    let w = World::new();
    let admin = w.teammate("admin@shop.test", Role::Admin).await;
    let team = team(&w);
    let invitation = team.invite(&admin, "a@shop.test", "A", Role::Agent).await.unwrap();
    team.accept(&invitation.token, "first-password", None).await.unwrap();
    let auth = Auth::new(w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone(), None);
    let (old, _) = auth.login("a@shop.test", "first-password", None).await.unwrap();
    w.clock.advance_ms(60_000);

    let reset = team.issue_link(&admin, "a@shop.test").await.unwrap();
    assert_eq!(reset.kind, LinkKind::PasswordReset);
    team.accept(&reset.token, "second-password", None).await.unwrap();
    assert!(matches!(auth.authenticate(&old).await, Err(AuthError::NoSession)), "signed in before the reset");
    assert!(matches!(auth.login("a@shop.test", "first-password", None).await, Err(AuthError::BadCredentials)));
    auth.login("a@shop.test", "second-password", None).await.expect("the new password works");
}

#[tokio::test]
async fn a_deactivated_teammate_gets_no_link_and_loses_the_one_they_had() {
    let w = World::new();
    let admin = w.teammate("admin@shop.test", Role::Admin).await;
    let agent = w.teammate("a@shop.test", Role::Agent).await;
    let team = team(&w);
    assert!(matches!(team.issue_link(&agent, "a@shop.test").await, Err(TeamError::Forbidden)));
    let reset = team.issue_link(&admin, "a@shop.test").await.unwrap();
    team.update(&admin, "a@shop.test", &UserPatch { active: Some(false), ..UserPatch::default() }).await.unwrap();
    assert!(matches!(team.accept(&reset.token, "long-enough-pw", None).await, Err(TeamError::BadInvite)));
    assert!(matches!(team.issue_link(&admin, "a@shop.test").await, Err(TeamError::Deactivated(_))));
    assert!(matches!(team.issue_link(&admin, "ghost@shop.test").await, Err(TeamError::NotFound)));
    assert!(!w.store.user("a@shop.test").await.unwrap().unwrap().active, "the link did not reactivate them");
}
