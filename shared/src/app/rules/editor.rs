//! `/api/rules`: list, create, change, delete rules and read their logs.
//! Supervisors edit; everyone reads. A rule that is on must name only what
//! exists (templates, stages, teammates); an off one may wait for its template.

use crate::domain::pipeline::Pipeline;
use crate::domain::rule::{Action, Condition, Rule, RuleInvalid, RuleLogEntry, RuleReferences, Trigger};
use crate::domain::{AuditEntry, Millis, Role, Session};
use crate::ports::{Clock, DealStore, Page, PageRequest, RuleStore, StoreError, TemplateCatalog, UserStore};
use rand::RngCore;
use std::sync::Arc;

/// Why a rule request failed.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// Agents only read rules.
    #[error("only managers and admins change automation rules")]
    Forbidden,
    /// No such rule.
    #[error("rule not found")]
    NotFound,
    /// The rule names something that does not exist, or is incomplete.
    #[error(transparent)]
    Invalid(#[from] RuleInvalid),
    /// A day-one rule is switched off, not deleted (the seed would bring it back).
    #[error("a default rule cannot be deleted; switch it off instead")]
    DefaultRule,
    /// Someone saved it first.
    #[error("the rule was changed meanwhile; reload it")]
    Conflict,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A rule as staff write it.
#[derive(Debug, Clone)]
pub struct RuleDraft {
    /// Its name.
    pub name: String,
    /// On or off.
    pub enabled: bool,
    /// When.
    pub trigger: Trigger,
    /// If.
    pub conditions: Vec<Condition>,
    /// Do.
    pub actions: Vec<Action>,
}

/// A change to a rule; `None` keeps a part as it is.
#[derive(Debug, Clone, Default)]
pub struct RuleChange {
    /// A new name.
    pub name: Option<String>,
    /// On or off.
    pub enabled: Option<bool>,
    /// A new trigger.
    pub trigger: Option<Trigger>,
    /// New conditions.
    pub conditions: Option<Vec<Condition>>,
    /// New actions.
    pub actions: Option<Vec<Action>>,
}

/// The rules use case.
pub struct RuleEditor {
    rules: Arc<dyn RuleStore>,
    templates: Arc<dyn TemplateCatalog>,
    deals: Arc<dyn DealStore>,
    users: Arc<dyn UserStore>,
    clock: Arc<dyn Clock>,
}

impl RuleEditor {
    /// The use case over its ports.
    pub fn new(
        rules: Arc<dyn RuleStore>,
        templates: Arc<dyn TemplateCatalog>,
        deals: Arc<dyn DealStore>,
        users: Arc<dyn UserStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        RuleEditor { rules, templates, deals, users, clock }
    }

    /// Every rule (the day-one defaults included, created on first read).
    pub async fn list(&self) -> Result<Vec<Rule>, RuleError> {
        let rules = self.rules.rules().await?;
        Ok(super::defaults::with_defaults(&*self.rules, rules, self.clock.now()).await?)
    }

    /// One rule.
    pub async fn get(&self, id: &str) -> Result<Rule, RuleError> {
        if let Some(rule) = self.rules.rule(id).await? {
            return Ok(rule);
        }
        // A default nobody has read yet is created on first use.
        let is_default = super::defaults::default_rules(Millis(0)).iter().any(|d| d.id == id);
        if !is_default {
            return Err(RuleError::NotFound);
        }
        let rules = self.list().await?;
        rules.into_iter().find(|r| r.id == id).ok_or(RuleError::NotFound)
    }

    /// A rule's log, newest first.
    pub async fn log(&self, id: &str, page: &PageRequest) -> Result<Page<RuleLogEntry>, RuleError> {
        self.get(id).await?;
        Ok(self.rules.rule_log(id, page).await?)
    }

    /// Creates a rule.
    pub async fn create(&self, actor: &Session, draft: RuleDraft) -> Result<Rule, RuleError> {
        supervisor(actor)?;
        let mut id = [0u8; 8];
        rand::rngs::OsRng.fill_bytes(&mut id);
        let rule = Rule {
            id: hex::encode(id),
            name: draft.name.trim().to_owned(),
            enabled: draft.enabled,
            trigger: draft.trigger,
            conditions: draft.conditions,
            actions: draft.actions,
            failing: None,
            default_key: None,
            updated_at: self.clock.now(),
        };
        self.check(&rule).await?;
        if !self.rules.create_rule(&rule, &self.entry(actor, "rule_create", &rule)).await? {
            return Err(RuleError::Conflict);
        }
        Ok(rule)
    }

    /// Changes a rule (saving it clears its failing mark).
    pub async fn update(&self, actor: &Session, id: &str, change: RuleChange) -> Result<Rule, RuleError> {
        supervisor(actor)?;
        let current = self.get(id).await?;
        let mut rule = current.clone();
        if let Some(name) = change.name {
            rule.name = name.trim().to_owned();
        }
        rule.enabled = change.enabled.unwrap_or(rule.enabled);
        rule.trigger = change.trigger.unwrap_or(rule.trigger);
        rule.conditions = change.conditions.unwrap_or(rule.conditions);
        rule.actions = change.actions.unwrap_or(rule.actions);
        rule.failing = None;
        rule.updated_at = self.clock.now().max(Millis(current.updated_at.0 + 1));
        self.check(&rule).await?;
        if !self.rules.save_rule(&rule, current.updated_at, &self.entry(actor, "rule_update", &rule)).await? {
            return Err(RuleError::Conflict);
        }
        Ok(rule)
    }

    /// Deletes a rule.
    pub async fn delete(&self, actor: &Session, id: &str) -> Result<(), RuleError> {
        supervisor(actor)?;
        let rule = self.get(id).await?;
        if rule.default_key.is_some() {
            return Err(RuleError::DefaultRule);
        }
        if !self.rules.delete_rule(id, &self.entry(actor, "rule_delete", &rule)).await? {
            return Err(RuleError::NotFound);
        }
        Ok(())
    }

    /// Validates an enabled rule against what exists; an off rule only needs a name and actions.
    async fn check(&self, rule: &Rule) -> Result<(), RuleError> {
        if !rule.enabled {
            let name = rule.name.chars().count();
            if name == 0 || name > crate::domain::rule::MAX_NAME {
                return Err(RuleInvalid::Name.into());
            }
            if rule.actions.is_empty() || rule.actions.len() > crate::domain::rule::MAX_ACTIONS {
                return Err(RuleInvalid::Size.into());
            }
            return Ok(());
        }
        Ok(rule.validate(&self.references().await?)?)
    }

    /// What a rule may name now.
    pub async fn references(&self) -> Result<RuleReferences, StoreError> {
        let templates = self.templates.list_templates().await?;
        let mut pipelines = self.deals.pipelines().await?;
        if pipelines.is_empty() {
            pipelines.push(Pipeline::default_sales());
        }
        let users = self.users.list_users().await?;
        Ok(RuleReferences {
            templates: templates.into_iter().map(|t| (t.name, t.language)).collect(),
            stages: pipelines.iter().flat_map(|p| p.stages.iter().map(move |s| (p.id.clone(), s.id.clone()))).collect(),
            teammates: users.into_iter().filter(|u| u.active).map(|u| u.email).collect(),
        })
    }

    fn entry(&self, actor: &Session, action: &str, rule: &Rule) -> AuditEntry {
        AuditEntry {
            at: self.clock.now(),
            actor: actor.email.clone(),
            action: action.to_owned(),
            contact: None,
            detail: serde_json::json!({"rule": rule.id, "name": rule.name, "enabled": rule.enabled}).to_string(),
        }
    }
}

fn supervisor(actor: &Session) -> Result<(), RuleError> {
    match actor.role {
        Role::Admin | Role::Manager => Ok(()),
        Role::Agent => Err(RuleError::Forbidden),
    }
}
