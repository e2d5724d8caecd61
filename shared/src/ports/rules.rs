//! Automation rules, their executions' claims and their logs.

use super::{Page, PageRequest, StoreError};
use crate::domain::rule::{Rule, RuleFailure, RuleLogEntry};
use crate::domain::{AuditEntry, Event, Millis};
use async_trait::async_trait;

/// Where rules live. Rules are few (tens), so listing them is one Query.
#[async_trait]
pub trait RuleStore: Send + Sync {
    /// Every rule, by id.
    async fn rules(&self) -> Result<Vec<Rule>, StoreError>;
    /// One rule.
    async fn rule(&self, id: &str) -> Result<Option<Rule>, StoreError>;
    /// Creates a rule; `false` (nothing written) when one with its id exists,
    /// which makes seeding the defaults idempotent.
    async fn create_rule(&self, rule: &Rule, audit: &AuditEntry) -> Result<bool, StoreError>;
    /// Replaces a rule last saved at `expected_updated_at` (clearing its
    /// failing mark); `false` when it is gone or someone saved it first.
    async fn save_rule(&self, rule: &Rule, expected_updated_at: Millis, audit: &AuditEntry)
        -> Result<bool, StoreError>;
    /// Deletes a rule; `false` when there was none.
    async fn delete_rule(&self, id: &str, audit: &AuditEntry) -> Result<bool, StoreError>;
    /// Claims the execution of `rule_id` for `key` (its triggering event,
    /// or a narrower key); `false` when it was claimed before, so each
    /// (rule, cause) acts at most once however often it is delivered.
    async fn claim_execution(&self, rule_id: &str, key: &str, at: Millis) -> Result<bool, StoreError>;
    /// Records what an execution did: its log line, the contact's audit line
    /// and the `rule.executed` event, in one write.
    async fn record_execution(&self, entry: &RuleLogEntry, audit: &AuditEntry, event: &Event)
        -> Result<(), StoreError>;
    /// Marks the rule failing (or clears the mark) without touching what staff edit.
    async fn set_failing(&self, rule_id: &str, failure: Option<&RuleFailure>) -> Result<(), StoreError>;
    /// A rule's log, newest first.
    async fn rule_log(&self, rule_id: &str, page: &PageRequest) -> Result<Page<RuleLogEntry>, StoreError>;
}
