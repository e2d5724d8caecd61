//! Live push: each committed change is announced to the open sockets of the
//! staff who may see its contact, so an idle tab need not poll.
//!
//! Per event: one GetItem (the contact, re-read, because the event's
//! snapshot may be stale) and two to three Queries on the connection index
//! (managers, admins, and the agents who may see it), made at once; then
//! one post per socket.

use super::reactions::{Reaction, ReactionError};
use crate::domain::conversation::{Conversation, Viewer};
use crate::domain::live_connection::{LiveConnection, LiveNotice};
use crate::domain::{Event, EventKind, Role};
use crate::ports::{Clock, ConversationStore, LiveConnections, PushChannel, PushError, StoreError};
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The reaction that pushes change notices to open sockets. Pushing twice
/// only makes a tab ask for changes twice, so a redelivered event needs no
/// idempotency record.
pub struct LivePush {
    connections: Arc<dyn LiveConnections>,
    contacts: Arc<dyn ConversationStore>,
    channel: Arc<dyn PushChannel>,
    clock: Arc<dyn Clock>,
    agents_see_all: bool,
}

/// What one event's push did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PushReport {
    /// Sockets the notice reached.
    pub delivered: usize,
    /// Sockets found closed, whose items were deleted.
    pub gone: usize,
    /// Posts that failed for another reason (the tab's minute poll covers them).
    pub failed: usize,
}

impl LivePush {
    /// Wires the reaction; `agents_see_all` is the inbox setting of the same name.
    pub fn new(
        connections: Arc<dyn LiveConnections>,
        contacts: Arc<dyn ConversationStore>,
        channel: Arc<dyn PushChannel>,
        clock: Arc<dyn Clock>,
        agents_see_all: bool,
    ) -> Self {
        LivePush { connections, contacts, channel, clock, agents_see_all }
    }

    /// The open sockets of everyone who may see the contact of `event` as
    /// it is now; none for an event about no contact.
    pub async fn audience(&self, event: &Event) -> Result<Vec<LiveConnection>, StoreError> {
        let Some(id) = &event.contact_id else { return Ok(Vec::new()) };
        let Some(contact) = self.contacts.contact(id).await? else {
            // Erased or merged away: only those who see everything may still
            // have it on screen.
            let everyone = self.sees_all_connections().await?;
            let now = self.clock.now();
            return Ok(everyone.into_iter().filter(|c| c.expires_at > now).collect());
        };
        let conversation = contact.conversation;
        let all_agents = self.agents_see_all || conversation.owner.is_none();
        let (mut candidates, agents) = tokio::try_join!(self.sees_all_connections(), async {
            match (&conversation.owner, all_agents) {
                (_, true) => self.connections.connections_with_role(Role::Agent).await,
                (Some(owner), false) => self.connections.connections_of(owner).await,
                (None, false) => Ok(Vec::new()),
            }
        })?;
        candidates.extend(agents);
        let mut audience = self.visible(candidates, &conversation);
        // The agent a conversation was taken from can no longer see it, yet
        // their open queue still lists it until their tab asks again.
        if let Some(previous) = Self::taken_from(event) {
            let now = self.clock.now();
            let theirs = self.connections.connections_of(previous).await?;
            for connection in theirs.into_iter().filter(|c| c.expires_at > now) {
                if !audience.iter().any(|a| a.id == connection.id) {
                    audience.push(connection);
                }
            }
        }
        Ok(audience)
    }

    /// The former owner named by a `conversation.assigned` event.
    fn taken_from(event: &Event) -> Option<&str> {
        if event.kind != EventKind::ConversationAssigned {
            return None;
        }
        event.data.get("from").and_then(|from| from.as_str())
    }

    /// Pushes the notice for `event` to its audience, deleting the
    /// connections API Gateway says are gone.
    pub async fn push(&self, event: &Event) -> Result<PushReport, StoreError> {
        let audience = self.audience(event).await?;
        let text = LiveNotice::of(event).to_json();
        let mut posts = tokio::task::JoinSet::new();
        for connection in audience {
            let (channel, text) = (self.channel.clone(), text.clone());
            posts.spawn(async move { (channel.post(&connection.id, &text).await, connection.id) });
        }
        let mut report = PushReport::default();
        while let Some(done) = posts.join_next().await {
            match done {
                Ok((Ok(()), _)) => report.delivered += 1,
                Ok((Err(PushError::Gone), id)) => {
                    self.connections.delete_connection(&id).await?;
                    report.gone += 1;
                }
                Ok((Err(PushError::Unavailable(e)), _)) => {
                    tracing::warn!(error = %e, "live push post failed");
                    report.failed += 1;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "live push post task failed");
                    report.failed += 1;
                }
            }
        }
        Ok(report)
    }

    async fn sees_all_connections(&self) -> Result<Vec<LiveConnection>, StoreError> {
        let (mut managers, admins) = tokio::try_join!(
            self.connections.connections_with_role(Role::Manager),
            self.connections.connections_with_role(Role::Admin),
        )?;
        managers.extend(admins);
        Ok(managers)
    }

    /// The candidates the inbox's own rule lets see `conversation`, once each.
    fn visible(&self, candidates: Vec<LiveConnection>, conversation: &Conversation) -> Vec<LiveConnection> {
        let now = self.clock.now();
        let unique: BTreeMap<String, LiveConnection> = candidates
            .into_iter()
            // TTL deletes lazily (up to days late): an expired item is no socket.
            .filter(|c| c.expires_at > now)
            .filter(|c| {
                let viewer = Viewer { email: c.email.clone(), role: c.role, agents_see_all: self.agents_see_all };
                viewer.can_see(conversation)
            })
            .map(|c| (c.id.clone(), c))
            .collect();
        unique.into_values().collect()
    }
}

#[async_trait]
impl Reaction for LivePush {
    fn name(&self) -> &'static str {
        "live_push"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        let report = self.push(event).await?;
        tracing::info!(
            kind = event.kind.as_str(),
            delivered = report.delivered,
            gone = report.gone,
            failed = report.failed,
            "live push"
        );
        Ok(())
    }
}
