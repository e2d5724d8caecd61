//! Users, sessions, invitations, sign-in throttling and the audit log.

use super::{page_of, MemoryStore};
use crate::domain::{AuditEntry, ContactId, Millis, Session, User, UserPatch};
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
        }
        if let Some(available) = patch.available {
            user.available = available;
        }
        if let Some(name) = &patch.name {
            user.name = name.clone();
        }
        Ok(Some(user.clone()))
    }

    async fn set_password(&self, email: &str, password_hash: &str) -> Result<(), StoreError> {
        if let Some(user) = self.state().users.get_mut(email) {
            user.password_hash = password_hash.to_owned();
            user.active = true;
        }
        Ok(())
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
    async fn put_invite(&self, token_hash: &str, email: &str, expires_at: Millis) -> Result<(), StoreError> {
        self.state().invites.insert(token_hash.to_owned(), (email.to_owned(), expires_at));
        Ok(())
    }

    async fn take_invite(&self, token_hash: &str, now: Millis) -> Result<Option<String>, StoreError> {
        let taken = self.state().invites.remove(token_hash);
        Ok(taken.filter(|(_, expires_at)| *expires_at > now).map(|(email, _)| email))
    }
}

#[async_trait::async_trait]
impl LoginThrottle for MemoryStore {
    async fn login_failures(&self, email: &str) -> Result<(u32, Millis), StoreError> {
        Ok(self.state().throttle.get(email).copied().unwrap_or((0, Millis(0))))
    }

    async fn record_login_failure(&self, email: &str, now: Millis, window_ms: i64) -> Result<(), StoreError> {
        let mut state = self.state();
        let entry = state.throttle.entry(email.to_owned()).or_insert((0, now));
        if entry.1 .0 > now.0 - window_ms {
            entry.0 += 1;
        } else {
            *entry = (1, now);
        }
        Ok(())
    }

    async fn clear_login_failures(&self, email: &str) -> Result<(), StoreError> {
        self.state().throttle.remove(email);
        Ok(())
    }
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
        let entries = self.state().audit.iter().filter(|e| e.at.to_rfc3339().starts_with(day)).cloned().collect();
        page_of(newest_first(entries), page)
    }
}
