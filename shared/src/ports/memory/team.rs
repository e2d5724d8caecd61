//! Users, sessions, invitations, sign-in throttling and the audit log.

use super::{page_of, MemoryStore, State};
use crate::domain::login_throttle::{AttemptCounts, LoginAttempt};
use crate::domain::{AuditEntry, ContactId, Invite, Millis, Session, User, UserPatch};
use crate::ports::{AuditLog, InviteStore, LoginThrottle, Page, PageRequest, SessionStore, StoreError, UserStore};

#[async_trait::async_trait]
impl UserStore for MemoryStore {
    async fn user(&self, email: &str) -> Result<Option<User>, StoreError> {
        Ok(self.state().users.get(email).cloned())
    }

    async fn create_user(&self, user: &User) -> Result<bool, StoreError> {
        let mut state = self.state();
        if state.users.contains_key(&user.email) {
            return Ok(false);
        }
        state.users.insert(user.email.clone(), user.clone());
        Ok(true)
    }

    async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        Ok(self.state().users.values().cloned().collect())
    }

    async fn update_user(&self, email: &str, patch: &UserPatch) -> Result<Option<User>, StoreError> {
        let mut state = self.state();
        let Some(user) = state.users.get_mut(email) else { return Ok(None) };
        if let Some(role) = patch.role {
            user.role = role;
        }
        if let Some(active) = patch.active {
            user.active = active;
            if !active {
                user.invited = false;
            }
        }
        if let Some(available) = patch.available {
            user.available = available;
        }
        if let Some(name) = &patch.name {
            user.name = name.clone();
        }
        let user = user.clone();
        if patch.active == Some(false) {
            // A deactivated user's link dies with it.
            state.links.remove(email);
        }
        Ok(Some(user))
    }

    async fn change_password(
        &self,
        email: &str,
        password_hash: &str,
        at: Millis,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut state = self.state();
        let Some(user) = state.users.get_mut(email).filter(|u| u.active) else { return Ok(false) };
        user.password_hash = password_hash.to_owned();
        user.password_changed_at = at;
        state.links.remove(email);
        state.audit.push(audit.clone());
        Ok(true)
    }
}

#[async_trait::async_trait]
impl SessionStore for MemoryStore {
    async fn put_session(&self, session: &Session) -> Result<(), StoreError> {
        self.state().sessions.insert(session.token_hash.clone(), session.clone());
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        Ok(self.state().sessions.get(token_hash).cloned())
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.state().sessions.remove(token_hash);
        Ok(())
    }
}

#[async_trait::async_trait]
impl InviteStore for MemoryStore {
    async fn invite_user(&self, user: &User, invite: &Invite, audit: &AuditEntry) -> Result<bool, StoreError> {
        let mut state = self.state();
        if state.users.get(&user.email).is_some_and(|u| !u.invited) {
            return Ok(false);
        }
        state.users.insert(user.email.clone(), user.clone());
        state.links.insert(user.email.clone(), invite.token_hash.clone());
        state.invites.insert(invite.token_hash.clone(), invite.clone());
        state.audit.push(audit.clone());
        Ok(true)
    }

    async fn issue_link(&self, invite: &Invite, audit: &AuditEntry) -> Result<bool, StoreError> {
        let mut state = self.state();
        if !state.users.get(&invite.email).is_some_and(|u| u.active || u.invited) {
            return Ok(false);
        }
        state.links.insert(invite.email.clone(), invite.token_hash.clone());
        state.invites.insert(invite.token_hash.clone(), invite.clone());
        state.audit.push(audit.clone());
        Ok(true)
    }

    async fn revoke_link(&self, email: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        let mut state = self.state();
        if !state.users.contains_key(email) {
            return Ok(false);
        }
        state.links.remove(email);
        state.audit.push(audit.clone());
        Ok(true)
    }

    async fn invite(&self, token_hash: &str, now: Millis) -> Result<Option<Invite>, StoreError> {
        Ok(self.state().invites.get(token_hash).filter(|i| i.expires_at > now).cloned())
    }

    async fn accept_invite(
        &self,
        invite: &Invite,
        password_hash: &str,
        name: Option<&str>,
        at: Millis,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut state = self.state();
        let current = state.links.get(&invite.email) == Some(&invite.token_hash);
        let unexpired = state.invites.get(&invite.token_hash).is_some_and(|i| i.expires_at > at);
        let State { users, links, invites, audit: log, .. } = &mut *state;
        let Some(user) = users.get_mut(&invite.email).filter(|_| current && unexpired) else { return Ok(false) };
        user.password_hash = password_hash.to_owned();
        if let Some(name) = name {
            name.clone_into(&mut user.name);
        }
        user.active = true;
        user.invited = false;
        user.password_changed_at = at;
        links.remove(&invite.email);
        invites.remove(&invite.token_hash);
        log.push(audit.clone());
        Ok(true)
    }
}

#[async_trait::async_trait]
impl LoginThrottle for MemoryStore {
    async fn count_login_attempt(&self, attempt: &LoginAttempt) -> Result<AttemptCounts, StoreError> {
        let mut state = self.state();
        let mut add = |counter: String| {
            let count = state.attempts.entry((counter, attempt.window_start)).or_default();
            *count += 1;
            *count
        };
        Ok(AttemptCounts {
            email_from_source: add(email_from_source(attempt)),
            source: add(source(attempt)),
            email: add(format!("e#{}", attempt.email)),
        })
    }

    async fn forgive_login_attempt(&self, attempt: &LoginAttempt) -> Result<(), StoreError> {
        let mut state = self.state();
        state.attempts.remove(&(email_from_source(attempt), attempt.window_start));
        if let Some(count) = state.attempts.get_mut(&(source(attempt), attempt.window_start)) {
            *count = count.saturating_sub(1);
        }
        Ok(())
    }
}

fn email_from_source(attempt: &LoginAttempt) -> String {
    format!("se#{}#{}", attempt.source.as_str(), attempt.email)
}

fn source(attempt: &LoginAttempt) -> String {
    format!("s#{}", attempt.source.as_str())
}

fn newest_first(mut entries: Vec<AuditEntry>) -> Vec<AuditEntry> {
    entries.reverse();
    entries.sort_by_key(|e| std::cmp::Reverse(e.at));
    entries
}

#[async_trait::async_trait]
impl AuditLog for MemoryStore {
    async fn audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        self.state().audit.push(entry.clone());
        Ok(())
    }

    async fn audit_for_contact(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<AuditEntry>, StoreError> {
        let entries = self.state().audit.iter().filter(|e| e.contact.as_ref() == Some(contact)).cloned().collect();
        page_of(newest_first(entries), page)
    }

    async fn audit_for_day(&self, day: &str, page: &PageRequest) -> Result<Page<AuditEntry>, StoreError> {
        let state = self.state();
        let entries = state.audit.iter().filter(|e| state.report_day_of(e.at) == day).cloned().collect();
        page_of(newest_first(entries), page)
    }
}
