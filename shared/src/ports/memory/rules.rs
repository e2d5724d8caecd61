//! Rules, execution claims and rule logs in memory; the event log over the
//! events the other writes kept.

use super::MemoryStore;
use crate::domain::rule::{Rule, RuleFailure, RuleLogEntry};
use crate::domain::{AuditEntry, Event, Millis};
use crate::ports::{Page, PageRequest, RuleStore, StoreError};
use async_trait::async_trait;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Default)]
pub(super) struct RuleState {
    rules: BTreeMap<String, Rule>,
    claims: BTreeSet<(String, String)>,
    /// Per rule, oldest first.
    log: BTreeMap<String, Vec<RuleLogEntry>>,
}

impl MemoryStore {
    /// Keeps events as the outbox would have (a test's history).
    pub fn record_events(&self, events: &[Event]) {
        self.state().events.extend(events.iter().cloned());
    }
}

#[async_trait]
impl RuleStore for MemoryStore {
    async fn rules(&self) -> Result<Vec<Rule>, StoreError> {
        Ok(self.state().rules.rules.values().cloned().collect())
    }

    async fn rule(&self, id: &str) -> Result<Option<Rule>, StoreError> {
        Ok(self.state().rules.rules.get(id).cloned())
    }

    async fn create_rule(&self, rule: &Rule, audit: &AuditEntry) -> Result<bool, StoreError> {
        let mut state = self.state();
        if state.rules.rules.contains_key(&rule.id) {
            return Ok(false);
        }
        state.rules.rules.insert(rule.id.clone(), rule.clone());
        state.audit.push(audit.clone());
        Ok(true)
    }

    async fn save_rule(&self, rule: &Rule, expected: Millis, audit: &AuditEntry) -> Result<bool, StoreError> {
        let mut state = self.state();
        match state.rules.rules.get(&rule.id) {
            Some(current) if current.updated_at == expected => {}
            _ => return Ok(false),
        }
        let mut saved = rule.clone();
        saved.failing = None;
        state.rules.rules.insert(rule.id.clone(), saved);
        state.audit.push(audit.clone());
        Ok(true)
    }

    async fn delete_rule(&self, id: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        let mut state = self.state();
        if state.rules.rules.remove(id).is_none() {
            return Ok(false);
        }
        state.audit.push(audit.clone());
        Ok(true)
    }

    async fn claim_execution(&self, rule_id: &str, key: &str, _at: Millis) -> Result<bool, StoreError> {
        Ok(self.state().rules.claims.insert((rule_id.to_owned(), key.to_owned())))
    }

    async fn record_execution(
        &self,
        entry: &RuleLogEntry,
        audit: &AuditEntry,
        event: &Event,
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        let log = state.rules.log.entry(entry.rule_id.clone()).or_default();
        if log.iter().any(|e| e.id == entry.id) {
            return Ok(());
        }
        log.push(entry.clone());
        state.audit.push(audit.clone());
        state.events.push(event.clone());
        Ok(())
    }

    async fn set_failing(&self, rule_id: &str, failure: Option<&RuleFailure>) -> Result<(), StoreError> {
        if let Some(rule) = self.state().rules.rules.get_mut(rule_id) {
            rule.failing = failure.cloned();
        }
        Ok(())
    }

    async fn rule_log(&self, rule_id: &str, page: &PageRequest) -> Result<Page<RuleLogEntry>, StoreError> {
        let state = self.state();
        let newest_first: Vec<RuleLogEntry> =
            state.rules.log.get(rule_id).map(|log| log.iter().rev().cloned().collect()).unwrap_or_default();
        let skip: usize = match &page.cursor {
            Some(cursor) => cursor.parse().map_err(|_| StoreError::BadCursor)?,
            None => 0,
        };
        let limit = page.limit.unwrap_or(50).clamp(1, 100) as usize;
        let items: Vec<RuleLogEntry> = newest_first.iter().skip(skip).take(limit).cloned().collect();
        let next_cursor = (skip + items.len() < newest_first.len()).then(|| (skip + items.len()).to_string());
        Ok(Page { items, next_cursor })
    }
}
