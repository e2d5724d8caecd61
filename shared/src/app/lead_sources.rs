//! Managing lead sources (managers and administrators): each gets a secret
//! of its own when it is created, shown to them for the sender's settings.

use crate::domain::lead_feed_status::LeadFeedStatus;
use crate::domain::lead_source::{LeadAuth, LeadOwner, LeadSource};
use crate::domain::scheduled_job::ScheduledJob;
use crate::domain::tags::normalize_tags;
use crate::domain::{AuditEntry, Session};
use crate::ports::{
    Clock, DealStore, LeadFeedStore, LeadSourceStore, Scheduler, StoreError, StoredLeadSource, UserStore,
};
use rand::RngCore;
use std::sync::Arc;

/// Why a source change was refused.
#[derive(Debug, thiserror::Error)]
pub enum LeadSourceError {
    /// Sources are for managers and administrators.
    #[error("only managers and administrators manage lead sources")]
    Forbidden,
    /// Settings that do not hold.
    #[error("{0}")]
    Invalid(String),
    /// Creating an id that exists.
    #[error("a lead source with this id exists")]
    Exists,
    /// No such source.
    #[error("lead source not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The lead sources use case.
pub struct LeadSources {
    sources: Arc<dyn LeadSourceStore>,
    deals: Arc<dyn DealStore>,
    users: Arc<dyn UserStore>,
    feeds: Arc<dyn LeadFeedStore>,
    clock: Arc<dyn Clock>,
    pulls: Option<Arc<dyn Scheduler>>,
}

/// A source as managers see it: for one Parley reads itself, how its feed is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedLeadSource {
    /// The source and its secret.
    pub stored: StoredLeadSource,
    /// The feed's standing (Facebook Lead Ads and IndiaMART sources, once they ran).
    pub feed: Option<LeadFeedStatus>,
}

fn new_secret() -> String {
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("lsk_{}", hex::encode(bytes))
}

impl LeadSources {
    /// Wires the use case.
    pub fn new(
        sources: Arc<dyn LeadSourceStore>,
        deals: Arc<dyn DealStore>,
        users: Arc<dyn UserStore>,
        feeds: Arc<dyn LeadFeedStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        LeadSources { sources, deals, users, feeds, clock, pulls: None }
    }

    /// Starts the IndiaMART pull when its source is saved (without it the
    /// pull waits for its next scheduled run).
    pub fn with_pulls(mut self, scheduler: Arc<dyn Scheduler>) -> Self {
        self.pulls = Some(scheduler);
        self
    }

    /// Every source, with its secret (managers and administrators only).
    pub async fn list(&self, actor: &Session) -> Result<Vec<ListedLeadSource>, LeadSourceError> {
        supervisor(actor)?;
        let mut listed = Vec::new();
        for stored in self.sources.lead_sources().await? {
            let feed = match stored.source.auth.fixed_id() {
                Some(feed) => self.feeds.feed_status(feed).await?,
                None => None,
            };
            listed.push(ListedLeadSource { stored, feed });
        }
        Ok(listed)
    }

    /// The forms staff can send (any role): each WhatsApp Flow source with
    /// its flow set, by name, without secrets.
    pub async fn forms(&self) -> Result<Vec<LeadSource>, LeadSourceError> {
        let mut forms: Vec<LeadSource> = self
            .sources
            .lead_sources()
            .await?
            .into_iter()
            .map(|stored| stored.source)
            .filter(|source| source.auth == LeadAuth::WhatsAppFlow && source.flow.is_some())
            .collect();
        forms.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(forms)
    }

    /// Creates `source` with a fresh secret, or replaces its settings
    /// keeping the secret (`rotate`: a fresh one, the old one stops working).
    pub async fn save(
        &self,
        actor: &Session,
        source: LeadSource,
        rotate: bool,
    ) -> Result<StoredLeadSource, LeadSourceError> {
        supervisor(actor)?;
        let source = self.checked(source).await?;
        let existing = self.sources.lead_source(&source.id).await?;
        let new = existing.is_none();
        let secret = match existing {
            Some(old) if !rotate => old.secret,
            _ => new_secret(),
        };
        let stored = StoredLeadSource { source, secret };
        let action = if new {
            "lead_source_create"
        } else if rotate {
            "lead_source_rotate"
        } else {
            "lead_source_update"
        };
        let audit = self.audit(actor, action, &stored.source.id);
        if !self.sources.put_lead_source(&stored, new, &audit).await? {
            return Err(LeadSourceError::Exists);
        }
        if let (LeadAuth::IndiaMart, Some(scheduler)) = (stored.source.auth, &self.pulls) {
            // At once: the run itself keeps to IndiaMART's five minutes.
            scheduler.schedule(self.clock.now(), &ScheduledJob::LeadPull).await?;
        }
        Ok(stored)
    }

    /// Removes a source: its posts are refused from then on.
    pub async fn delete(&self, actor: &Session, id: &str) -> Result<(), LeadSourceError> {
        supervisor(actor)?;
        if !self.sources.delete_lead_source(id, &self.audit(actor, "lead_source_delete", id)).await? {
            return Err(LeadSourceError::NotFound);
        }
        Ok(())
    }

    async fn checked(&self, mut source: LeadSource) -> Result<LeadSource, LeadSourceError> {
        source.name = source.name.trim().to_owned();
        source.tags = normalize_tags(&source.tags).map_err(|e| LeadSourceError::Invalid(e.to_string()))?;
        source.check().map_err(LeadSourceError::Invalid)?;
        let pipelines = crate::domain::pipeline::Pipeline::or_default(self.deals.pipelines().await?);
        let pipeline = pipelines
            .iter()
            .find(|p| p.id == source.pipeline)
            .ok_or_else(|| LeadSourceError::Invalid(format!("no pipeline {}", source.pipeline)))?;
        if let Some(stage) = &source.stage {
            pipeline.stage(stage).map_err(|e| LeadSourceError::Invalid(e.to_string()))?;
        }
        if let LeadOwner::Teammate { email } = &source.owner {
            if !self.users.user(email).await?.is_some_and(|u| u.active) {
                return Err(LeadSourceError::Invalid("the owner is not an active teammate".into()));
            }
        }
        Ok(source)
    }

    fn audit(&self, actor: &Session, action: &str, id: &str) -> AuditEntry {
        AuditEntry {
            at: self.clock.now(),
            actor: actor.email.clone(),
            action: action.to_owned(),
            contact: None,
            detail: serde_json::json!({"source": id}).to_string(),
        }
    }
}

fn supervisor(actor: &Session) -> Result<(), LeadSourceError> {
    if actor.role.supervises() {
        Ok(())
    } else {
        Err(LeadSourceError::Forbidden)
    }
}
