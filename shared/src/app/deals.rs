//! Pipelines and deals: create, edit, move through stages (with history,
//! audit and a domain event), and the board.

use crate::domain::conversation::{Conversation, Viewer};
use crate::domain::pipeline::{
    total_value, Deal, Pipeline, PipelineError, Stage, StageChange, StageKind, ValueOverflow,
};
use crate::domain::ContactId;
use crate::domain::{AuditEntry, Event, EventKind, Session};
use crate::ports::{Clock, ConversationStore, DealStore, Page, PageRequest, StoreError, UserStore};
use rand::RngCore;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Why a deal action was refused.
#[derive(Debug, thiserror::Error)]
pub enum DealError {
    /// No such deal or pipeline.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Not allowed for this role.
    #[error("{0}")]
    Forbidden(&'static str),
    /// A bad pipeline, stage or field.
    #[error(transparent)]
    Invalid(#[from] PipelineError),
    /// A bad field value.
    #[error("{0}")]
    BadField(String),
    /// The named owner is not an active teammate.
    #[error("{0} is not an active teammate")]
    UnknownOwner(String),
    /// Someone changed the deal first.
    #[error("the deal changed meanwhile; reload and try again")]
    Conflict,
    /// A redefinition drops a stage that still holds deals (they would
    /// vanish from the board).
    #[error("stage {0:?} still holds deals; move them to another stage before removing it")]
    StageHoldsDeals(String),
    /// The values to total do not fit in a number.
    #[error(transparent)]
    Overflow(#[from] ValueOverflow),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A new deal, as staff enter it.
#[derive(Debug, Clone, Default)]
pub struct NewDeal {
    /// The customer.
    pub contact: Option<ContactId>,
    /// Pipeline id (default `sales`).
    pub pipeline: Option<String>,
    /// Starting stage (default: the first open one).
    pub stage: Option<String>,
    /// What is being sold.
    pub title: String,
    /// Value in minor units.
    pub value_minor: i64,
    /// ISO 4217 (default INR).
    pub currency: Option<String>,
    /// Owner (default: the creator).
    pub owner: Option<String>,
    /// `YYYY-MM-DD`.
    pub expected_close: Option<String>,
    /// Custom fields.
    pub custom_fields: BTreeMap<String, String>,
}

/// Changes to a deal's fields (not its stage).
#[derive(Debug, Clone, Default)]
pub struct DealPatch {
    /// New title.
    pub title: Option<String>,
    /// New value.
    pub value_minor: Option<i64>,
    /// New currency.
    pub currency: Option<String>,
    /// New owner (`Some(None)` clears it).
    pub owner: Option<Option<String>>,
    /// New expected close.
    pub expected_close: Option<Option<String>>,
    /// Fields to set (an empty value removes the field).
    pub custom_fields: BTreeMap<String, String>,
}

/// One column of the board.
#[derive(Debug, Clone)]
pub struct Column {
    /// The stage.
    pub stage: Stage,
    /// Its first page, as the viewer may see it.
    pub page: Page<Deal>,
    /// The value of the deals on that page.
    pub value_minor: i64,
}

/// The deals use case.
pub struct Deals {
    store: Arc<dyn DealStore>,
    contacts: Arc<dyn ConversationStore>,
    users: Arc<dyn UserStore>,
    clock: Arc<dyn Clock>,
    agents_see_all: bool,
}

impl Deals {
    /// Wires the use case; `agents_see_all` is the inbox setting that lets
    /// agents see every conversation (and so every deal).
    pub fn new(
        store: Arc<dyn DealStore>,
        contacts: Arc<dyn ConversationStore>,
        users: Arc<dyn UserStore>,
        clock: Arc<dyn Clock>,
        agents_see_all: bool,
    ) -> Self {
        Deals { store, contacts, users, clock, agents_see_all }
    }

    fn viewer(&self, actor: &Session) -> Viewer {
        Viewer { email: actor.email.clone(), role: actor.role, agents_see_all: self.agents_see_all }
    }

    /// Every pipeline; the default sales pipeline when none is configured.
    pub async fn pipelines(&self) -> Result<Vec<Pipeline>, DealError> {
        Ok(Pipeline::or_default(self.store.pipelines().await?))
    }

    /// One pipeline.
    pub async fn pipeline(&self, id: &str) -> Result<Pipeline, DealError> {
        self.pipelines().await?.into_iter().find(|p| p.id == id).ok_or(DealError::NotFound("pipeline"))
    }

    /// Creates or redefines a pipeline (supervisors).
    pub async fn put_pipeline(&self, actor: &Session, pipeline: Pipeline) -> Result<Pipeline, DealError> {
        if !actor.role.supervises() {
            return Err(DealError::Forbidden("only managers and administrators configure pipelines"));
        }
        pipeline.validate()?;
        let existing = self.store.pipelines().await?;
        let known = if existing.is_empty() { vec![Pipeline::default_sales()] } else { existing.clone() };
        if let Some(before) = known.iter().find(|p| p.id == pipeline.id) {
            let one = PageRequest { cursor: None, limit: Some(1) };
            for gone in before.stages.iter().filter(|s| !pipeline.stages.iter().any(|kept| kept.id == s.id)) {
                if !self.store.deals_in_stage(&pipeline.id, &gone.id, None, &one).await?.items.is_empty() {
                    return Err(DealError::StageHoldsDeals(gone.name.clone()));
                }
            }
        }
        let audit = self.entry(actor, "pipeline", None, serde_json::json!({"pipeline": pipeline.id}));
        if existing.is_empty() && pipeline.id != "sales" {
            // Keep the default pipeline once another is added.
            self.store.put_pipeline(&Pipeline::default_sales(), &audit).await?;
        }
        self.store.put_pipeline(&pipeline, &audit).await?;
        Ok(pipeline)
    }

    /// Opens a deal.
    pub async fn create(&self, actor: &Session, new: NewDeal) -> Result<Deal, DealError> {
        let contact = new.contact.ok_or_else(|| DealError::BadField("contact_id is required".into()))?;
        if new.title.trim().is_empty() || new.value_minor < 0 {
            return Err(DealError::BadField("a deal needs a title and a value of zero or more".into()));
        }
        validate_date(new.expected_close.as_deref())?;
        let owner = match new.owner {
            Some(owner) => self.owner(actor, Some(owner)).await?,
            None => Some(actor.email.clone()),
        };
        let pipeline = self.pipeline(new.pipeline.as_deref().unwrap_or("sales")).await?;
        let stage = match &new.stage {
            Some(stage) => pipeline.stage(stage)?.id.clone(),
            None => pipeline.first_stage().ok_or(PipelineError::Incomplete)?.id.clone(),
        };
        let now = self.clock.now();
        let mut bytes = [0u8; 10];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let deal = Deal {
            id: format!("dl.{}", hex::encode(bytes)),
            contact_id: contact,
            pipeline: pipeline.id,
            stage: stage.clone(),
            title: new.title.trim().to_owned(),
            value_minor: new.value_minor,
            currency: new.currency.unwrap_or_else(|| "INR".into()),
            owner,
            expected_close: new.expected_close,
            custom_fields: new.custom_fields,
            history: vec![StageChange { from: None, to: stage, by: actor.email.clone(), at: now }],
            created_at: now,
            updated_at: now,
        };
        let audit = self.entry(
            actor,
            "deal_create",
            Some(&deal.contact_id),
            serde_json::json!({"deal": deal.id, "title": deal.title}),
        );
        self.store.create_deal(&deal, &audit).await?;
        Ok(deal)
    }

    /// One deal the actor may see (not found otherwise: no hint that it exists).
    pub async fn get(&self, actor: &Session, id: &str) -> Result<Deal, DealError> {
        Ok(self.visible(&self.viewer(actor), id).await?.0)
    }

    /// The deal and, when the viewer's rights depend on it, its contact's
    /// conversation; not found when the viewer may not see it.
    async fn visible(&self, viewer: &Viewer, id: &str) -> Result<(Deal, Option<Conversation>), DealError> {
        let deal = self.store.deal(id).await?.ok_or(DealError::NotFound("deal"))?;
        if viewer.sees_all() || viewer.owns(&deal) {
            return Ok((deal, None));
        }
        let conversation = self.contacts.contact(&deal.contact_id).await?.map(|c| c.conversation);
        if !viewer.can_see_deal(&deal, conversation.as_ref()) {
            return Err(DealError::NotFound("deal"));
        }
        Ok((deal, conversation))
    }

    /// A new owner as stored: normalised, one the actor may name, and an
    /// active teammate.
    async fn owner(&self, actor: &Session, owner: Option<String>) -> Result<Option<String>, DealError> {
        let owner = owner.map(|o| crate::domain::user::normalize_email(&o));
        if !self.viewer(actor).can_name_deal_owner(owner.as_deref()) {
            return Err(DealError::Forbidden("agents name only themselves as a deal's owner"));
        }
        if let Some(email) = &owner {
            self.users.user(email).await?.filter(|u| u.active).ok_or_else(|| DealError::UnknownOwner(email.clone()))?;
        }
        Ok(owner)
    }

    /// Edits a deal's fields.
    pub async fn update(&self, actor: &Session, id: &str, patch: DealPatch) -> Result<Deal, DealError> {
        let mut deal = self.editable(actor, id).await?;
        let expected = deal.updated_at;
        if let Some(title) = patch.title.filter(|t| !t.trim().is_empty()) {
            deal.title = title.trim().to_owned();
        }
        if let Some(value) = patch.value_minor {
            if value < 0 {
                return Err(DealError::BadField("value must be zero or more".into()));
            }
            deal.value_minor = value;
        }
        if let Some(currency) = patch.currency {
            deal.currency = currency;
        }
        if let Some(owner) = patch.owner {
            deal.owner = self.owner(actor, owner).await?;
        }
        if let Some(close) = patch.expected_close {
            validate_date(close.as_deref())?;
            deal.expected_close = close;
        }
        for (name, value) in patch.custom_fields {
            if value.is_empty() {
                deal.custom_fields.remove(&name);
            } else {
                deal.custom_fields.insert(name, value);
            }
        }
        deal.updated_at = self.clock.now().max(crate::domain::Millis(expected.0 + 1));
        let audit = self.entry(actor, "deal_update", Some(&deal.contact_id), serde_json::json!({"deal": deal.id}));
        if !self.store.save_deal(&deal, expected, &audit, None).await? {
            return Err(DealError::Conflict);
        }
        Ok(deal)
    }

    /// Moves a deal to another stage of its pipeline, recording who and when
    /// and emitting `deal.stage_changed` for automation.
    pub async fn move_to(&self, actor: &Session, id: &str, stage: &str) -> Result<Deal, DealError> {
        let mut deal = self.editable(actor, id).await?;
        let pipeline = self.pipeline(&deal.pipeline).await?;
        let target = pipeline.stage(stage)?.clone();
        if target.id == deal.stage {
            return Ok(deal);
        }
        let expected = deal.updated_at;
        let now = self.clock.now().max(crate::domain::Millis(expected.0 + 1));
        let from = std::mem::replace(&mut deal.stage, target.id.clone());
        deal.history.push(StageChange {
            from: Some(from.clone()),
            to: target.id.clone(),
            by: actor.email.clone(),
            at: now,
        });
        deal.updated_at = now;
        let detail = serde_json::json!({"deal": deal.id, "from": from, "to": target.id});
        let audit = self.entry(actor, "stage_move", Some(&deal.contact_id), detail.clone());
        let mut payload = detail;
        payload["pipeline"] = serde_json::json!(deal.pipeline);
        payload["won"] = serde_json::json!(target.kind == StageKind::Won);
        payload["lost"] = serde_json::json!(target.kind == StageKind::Lost);
        // So the lead-source report can take a win back when a deal leaves won.
        payload["was_won"] = serde_json::json!(pipeline.stage(&from).is_ok_and(|s| s.kind == StageKind::Won));
        payload["value_minor"] = serde_json::json!(deal.value_minor);
        payload["currency"] = serde_json::json!(deal.currency);
        payload["owner"] = serde_json::json!(deal.owner);
        let id = format!("deal.stage_changed:{}:{}", deal.id, now.0);
        let event = Event::new(EventKind::DealStageChanged, id, now, payload).about(&deal.contact_id).by(&actor.email);
        if !self.store.save_deal(&deal, expected, &audit, Some(&event)).await? {
            return Err(DealError::Conflict);
        }
        Ok(deal)
    }

    /// One column of the board, as the actor may see it.
    pub async fn stage(
        &self,
        actor: &Session,
        pipeline: &str,
        stage: &str,
        page: &PageRequest,
    ) -> Result<Page<Deal>, DealError> {
        let pipeline = self.pipeline(pipeline).await?;
        let stage = pipeline.stage(stage)?;
        let viewer = self.viewer(actor);
        let only = (!viewer.sees_all()).then_some(&viewer);
        Ok(self.store.deals_in_stage(&pipeline.id, &stage.id, only, page).await?)
    }

    /// The board: the first page of every stage as the actor may see it (one
    /// Query per stage; for agents, plus one batch read of the contacts of
    /// deals they do not own), with each page's value.
    pub async fn board(&self, actor: &Session, pipeline: &str) -> Result<(Pipeline, Vec<Column>), DealError> {
        let pipeline = self.pipeline(pipeline).await?;
        let viewer = self.viewer(actor);
        let only = (!viewer.sees_all()).then_some(&viewer);
        let mut columns = Vec::with_capacity(pipeline.stages.len());
        for stage in &pipeline.stages {
            let page = self.store.deals_in_stage(&pipeline.id, &stage.id, only, &PageRequest::default()).await?;
            let value_minor = total_value(&page.items)?;
            columns.push(Column { stage: stage.clone(), page, value_minor });
        }
        Ok((pipeline, columns))
    }

    /// Every deal of a pipeline, stage by stage (one Query per page), for
    /// the supervisors' reports and exports.
    pub async fn all_in(&self, pipeline: &Pipeline) -> Result<Vec<Deal>, DealError> {
        let mut all = Vec::new();
        for stage in &pipeline.stages {
            let mut page = PageRequest { cursor: None, limit: Some(200) };
            loop {
                let found = self.store.deals_in_stage(&pipeline.id, &stage.id, None, &page).await?;
                all.extend(found.items);
                match found.next_cursor {
                    Some(next) => page.cursor = Some(next),
                    None => break,
                }
            }
        }
        Ok(all)
    }

    /// A contact's deals.
    pub async fn for_contact(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<Deal>, DealError> {
        Ok(self.store.contact_deals(contact, page).await?)
    }

    /// A deal the actor may change: supervisors any; agents their own, and
    /// unowned deals of conversations they see. Deals out of sight are not found.
    async fn editable(&self, actor: &Session, id: &str) -> Result<Deal, DealError> {
        let viewer = self.viewer(actor);
        let (deal, conversation) = self.visible(&viewer, id).await?;
        if !viewer.can_change_deal(&deal, conversation.as_ref()) {
            return Err(DealError::Forbidden("agents change their own deals and unowned ones"));
        }
        Ok(deal)
    }

    fn entry(
        &self,
        actor: &Session,
        action: &str,
        contact: Option<&ContactId>,
        detail: serde_json::Value,
    ) -> AuditEntry {
        AuditEntry::by(actor, self.clock.now(), action, contact, detail)
    }
}

fn validate_date(date: Option<&str>) -> Result<(), DealError> {
    let Some(date) = date else { return Ok(()) };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(date, format)
        .map(|_| ())
        .map_err(|_| DealError::BadField(format!("{date:?} is not a date (YYYY-MM-DD)")))
}
