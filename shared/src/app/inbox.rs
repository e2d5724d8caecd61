//! The shared inbox: who sees which conversation, who owns it, its queues,
//! and routing of new conversations.

use crate::domain::conversation::{ConversationStatus, Viewer};
use crate::domain::routing::{available_teammate, next_in_turn, RoutingRule};
use crate::domain::{AuditEntry, Session};
use crate::domain::{Contact, ContactId, Millis};
use crate::ports::{
    AuditLog, Clock, ConversationStore, InboxStore, ListFilter, NumberProfileStore, Page, PageRequest, QueueQuery,
    StoreError, UserStore,
};
use std::sync::Arc;

/// The fixed UTC offset the business day used before the business profile
/// had a time zone.
const RETIRED_UTC_OFFSET: &str = "PARLEY_UTC_OFFSET_MINUTES";

/// Inbox settings.
#[derive(Debug, Clone, Copy)]
pub struct InboxSettings {
    /// Agents see every conversation, not only unassigned and their own.
    pub agents_see_all: bool,
    /// Minutes a customer may wait before the conversation is overdue.
    pub sla_minutes: i64,
    /// Who gets conversations nobody owns.
    pub routing: RoutingRule,
}

impl Default for InboxSettings {
    fn default() -> Self {
        InboxSettings { agents_see_all: false, sla_minutes: 15, routing: RoutingRule::OwnerOrUnassigned }
    }
}

impl InboxSettings {
    /// Reads `PARLEY_AGENTS_SEE_ALL`, `PARLEY_SLA_MINUTES` and
    /// `PARLEY_ROUTING`; unset ones keep their defaults, and a value that
    /// cannot be used is an error naming its variable. The retired
    /// `PARLEY_UTC_OFFSET_MINUTES` (the business day follows the business
    /// profile's time zone) is ignored with a warning, so that a deployment
    /// that still sets it starts.
    pub fn from_environment(env: &crate::config::Environment) -> Result<Self, crate::config::ConfigError> {
        use crate::config::ConfigError;
        let default = InboxSettings::default();
        let routing = match env.optional("PARLEY_ROUTING") {
            None => default.routing,
            Some(v) => RoutingRule::parse(v.trim()).ok_or(ConfigError::Invalid {
                name: "PARLEY_ROUTING",
                expected: "owner_or_unassigned or round_robin",
            })?,
        };
        let sla_minutes = env.parsed("PARLEY_SLA_MINUTES", "a whole number of minutes")?.unwrap_or(default.sla_minutes);
        if sla_minutes <= 0 {
            return Err(ConfigError::Invalid { name: "PARLEY_SLA_MINUTES", expected: "a whole number of minutes" });
        }
        if env.optional(RETIRED_UTC_OFFSET).is_some() {
            tracing::warn!(
                variable = RETIRED_UTC_OFFSET,
                "ignored: the business day follows the business profile's time zone (Settings > Business profile)"
            );
        }
        Ok(InboxSettings {
            agents_see_all: env.flag("PARLEY_AGENTS_SEE_ALL")?.unwrap_or(default.agents_see_all),
            sla_minutes,
            routing,
        })
    }
}

/// Why an inbox action was refused.
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    /// No such conversation, or not one this viewer may see.
    #[error("conversation not found")]
    NotFound,
    /// The viewer may see it but not do this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// The new owner is not an active teammate.
    #[error("{0} is not an active teammate")]
    UnknownOwner(String),
    /// Someone else changed it first; reload and try again.
    #[error("the conversation changed meanwhile; reload and try again")]
    Conflict,
    /// An unknown queue name.
    #[error("unknown queue {0:?}; use unassigned, mine, waiting_on_us, waiting_on_customer, overdue, open or closed")]
    UnknownQueue(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The inbox use case.
pub struct Inbox {
    contacts: Arc<dyn ConversationStore>,
    inbox: Arc<dyn InboxStore>,
    audit: Arc<dyn AuditLog>,
    users: Arc<dyn UserStore>,
    clock: Arc<dyn Clock>,
    settings: InboxSettings,
    /// Where each number's default owner is set, for routing.
    number_owners: Option<Arc<dyn NumberProfileStore>>,
}

impl Inbox {
    /// Wires the use case.
    pub fn new(
        contacts: Arc<dyn ConversationStore>,
        inbox: Arc<dyn InboxStore>,
        audit: Arc<dyn AuditLog>,
        users: Arc<dyn UserStore>,
        clock: Arc<dyn Clock>,
        settings: InboxSettings,
    ) -> Self {
        Inbox { contacts, inbox, audit, users, clock, settings, number_owners: None }
    }

    /// Routes a new conversation to its number's default owner first.
    pub fn with_number_owners(mut self, profiles: Arc<dyn NumberProfileStore>) -> Self {
        self.number_owners = Some(profiles);
        self
    }

    /// The settings in force.
    pub fn settings(&self) -> InboxSettings {
        self.settings
    }

    /// The viewer behind a session.
    pub fn viewer(&self, session: &Session) -> Viewer {
        Viewer { email: session.email.clone(), role: session.role, agents_see_all: self.settings.agents_see_all }
    }

    /// `Some(email)` when the viewer only sees their own and unassigned conversations.
    pub fn visibility_filter(&self, session: &Session) -> Option<String> {
        let viewer = self.viewer(session);
        (!viewer.sees_all()).then_some(viewer.email)
    }

    /// A contact the viewer may see (404 otherwise: no hint that it exists).
    pub async fn visible_contact(&self, session: &Session, id: &ContactId) -> Result<Contact, InboxError> {
        let contact = self.contacts.contact(id).await?.ok_or(InboxError::NotFound)?;
        if !self.viewer(session).can_see(&contact.conversation) {
            return Err(InboxError::NotFound);
        }
        Ok(contact)
    }

    /// Assigns, transfers (`Some`) or unassigns (`None`).
    pub async fn assign(&self, session: &Session, id: &ContactId, to: Option<String>) -> Result<Contact, InboxError> {
        let contact = self.visible_contact(session, id).await?;
        let to = to.map(|e| crate::domain::user::normalize_email(&e));
        if !self.viewer(session).can_assign(&contact.conversation, to.as_deref()) {
            return Err(InboxError::Forbidden("agents can take unassigned conversations and hand back their own"));
        }
        if let Some(owner) = &to {
            self.users
                .user(owner)
                .await?
                .filter(|u| u.active)
                .ok_or_else(|| InboxError::UnknownOwner(owner.clone()))?;
        }
        let from = contact.conversation.owner.clone();
        let action = match (&from, &to) {
            (_, None) => "unassign",
            (None, Some(_)) => "assign",
            (Some(_), Some(_)) => "transfer",
        };
        let audit = self.entry(session, action, Some(id), serde_json::json!({"from": from, "to": to}));
        let closed = contact.conversation.status == Some(ConversationStatus::Closed);
        if !self.inbox.assign(id, from.as_deref(), to.as_deref(), closed, &audit).await? {
            return Err(InboxError::Conflict);
        }
        tracing::info!(contact_id = %id, action, "conversation ownership changed");
        self.contacts.contact(id).await?.ok_or(InboxError::NotFound)
    }

    /// Closes (`true`) or reopens (`false`). Idempotent: closing a closed
    /// conversation or reopening one that is not closed changes nothing and
    /// writes no audit line, so a double click or a retried request is harmless.
    pub async fn close(&self, session: &Session, id: &ContactId, close: bool) -> Result<Contact, InboxError> {
        let contact = self.visible_contact(session, id).await?;
        let audit = self.entry(session, if close { "close" } else { "reopen" }, Some(id), serde_json::json!({}));
        if !self.inbox.set_status(id, close, contact.conversation.owner.as_deref(), &audit).await? {
            tracing::debug!(contact_id = %id, close, "conversation already in that state");
        }
        self.contacts.contact(id).await?.ok_or(InboxError::NotFound)
    }

    /// One of the named queues, as the viewer may see it, narrowed by `filter`.
    pub async fn queue(
        &self,
        session: &Session,
        name: &str,
        filter: &ListFilter,
        page: &PageRequest,
    ) -> Result<Page<Contact>, InboxError> {
        let now = self.clock.now();
        let query = match name {
            "unassigned" => QueueQuery::Unassigned,
            "mine" => QueueQuery::OwnedBy(session.email.clone()),
            "overdue" => QueueQuery::WaitingSince(Millis(now.0 - self.settings.sla_minutes * 60_000)),
            other => QueueQuery::Status(
                ConversationStatus::parse(other).ok_or_else(|| InboxError::UnknownQueue(other.to_owned()))?,
            ),
        };
        Ok(self.inbox.queue(&query, self.visibility_filter(session).as_deref(), filter, page).await?)
    }

    /// Routes a conversation nobody owns: to its number's default owner
    /// when they are active and available, else under the routing rule.
    /// Called after an inbound message; a no-op when it has an owner already.
    pub async fn route(&self, id: &ContactId) -> Result<Option<String>, StoreError> {
        let profiles = match &self.number_owners {
            Some(store) => store.number_profiles().await?,
            None => Vec::new(),
        };
        let any_default = profiles.iter().any(|p| p.default_owner.is_some());
        if self.settings.routing != RoutingRule::RoundRobin && !any_default {
            return Ok(None);
        }
        let Some(contact) = self.contacts.contact(id).await? else { return Ok(None) };
        if contact.conversation.owner.is_some() || contact.conversation.status != Some(ConversationStatus::WaitingOnUs)
        {
            return Ok(None);
        }
        let team = self.users.list_users().await?;
        let default_owner = profiles
            .iter()
            .find(|p| p.phone_number_id == contact.phone_number_id)
            .and_then(|p| p.default_owner.as_deref())
            .and_then(|email| available_teammate(&team, email));
        let (agent, rule) = match default_owner {
            Some(owner) => (owner, "number_default"),
            None if self.settings.routing == RoutingRule::RoundRobin => {
                let turn = self.inbox.next_turn().await?;
                let Some(agent) = next_in_turn(&team, turn) else { return Ok(None) };
                (agent, "round_robin")
            }
            None => return Ok(None),
        };
        let audit = AuditEntry {
            at: self.clock.now(),
            actor: "routing".to_owned(),
            action: "assign".to_owned(),
            contact: Some(id.clone()),
            detail: serde_json::json!({"to": agent.email, "rule": rule}).to_string(),
        };
        // Someone may have taken it meanwhile: then it stays theirs.
        let assigned = self.inbox.assign(id, None, Some(&agent.email), false, &audit).await?;
        Ok(assigned.then(|| agent.email.clone()))
    }

    /// The audit trail of a contact (supervisors only).
    pub async fn audit_for_contact(
        &self,
        session: &Session,
        id: &ContactId,
        page: &PageRequest,
    ) -> Result<Page<AuditEntry>, InboxError> {
        if !session.role.supervises() {
            return Err(InboxError::Forbidden("only managers and administrators read the audit log"));
        }
        Ok(self.audit.audit_for_contact(id, page).await?)
    }

    /// A day's audit log (supervisors only).
    pub async fn audit_for_day(
        &self,
        session: &Session,
        day: &str,
        page: &PageRequest,
    ) -> Result<Page<AuditEntry>, InboxError> {
        if !session.role.supervises() {
            return Err(InboxError::Forbidden("only managers and administrators read the audit log"));
        }
        Ok(self.audit.audit_for_day(day, page).await?)
    }

    fn entry(
        &self,
        session: &Session,
        action: &str,
        contact: Option<&ContactId>,
        detail: serde_json::Value,
    ) -> AuditEntry {
        AuditEntry::by(session, self.clock.now(), action, contact, detail)
    }
}

#[cfg(test)]
mod settings_tests {
    use super::*;
    use crate::config::{ConfigError, Environment};

    #[test]
    fn unset_settings_keep_their_defaults() {
        let settings = InboxSettings::from_environment(&Environment::from_pairs([])).unwrap();
        let default = InboxSettings::default();
        assert_eq!(
            (settings.agents_see_all, settings.sla_minutes, settings.routing),
            (default.agents_see_all, default.sla_minutes, default.routing)
        );
    }

    #[test]
    fn each_setting_is_read() {
        let env = Environment::from_pairs([
            ("PARLEY_AGENTS_SEE_ALL", "true"),
            ("PARLEY_SLA_MINUTES", "30"),
            ("PARLEY_ROUTING", "round_robin"),
        ]);
        let settings = InboxSettings::from_environment(&env).unwrap();
        assert!(settings.agents_see_all);
        assert_eq!(settings.sla_minutes, 30);
        assert_eq!(settings.routing, RoutingRule::RoundRobin);
    }

    #[test]
    fn a_retired_utc_offset_left_in_the_environment_is_ignored() {
        for value in ["330", "-180", "5:30"] {
            let env = Environment::from_pairs([("PARLEY_UTC_OFFSET_MINUTES", value), ("PARLEY_SLA_MINUTES", "30")]);
            let settings = InboxSettings::from_environment(&env).expect("a deployment that still sets it starts");
            assert_eq!(settings.sla_minutes, 30);
        }
    }

    #[test]
    fn a_value_that_cannot_be_used_fails_naming_its_variable() {
        for (name, value) in [
            ("PARLEY_SLA_MINUTES", "15m"),
            ("PARLEY_SLA_MINUTES", "0"),
            ("PARLEY_ROUTING", "random"),
            ("PARLEY_AGENTS_SEE_ALL", "yes please"),
        ] {
            let error = InboxSettings::from_environment(&Environment::from_pairs([(name, value)])).unwrap_err();
            assert!(matches!(error, ConfigError::Invalid { name: n, .. } if n == name), "{name}={value}: {error}");
        }
    }
}
