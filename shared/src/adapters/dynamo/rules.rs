//! Automation rules (`RULES` / `R#<id>`), execution claims (`RX#<execution>`,
//! TTL) and per-rule logs (`RL#<rule>` / `<at>#<execution>`, TTL). The rule
//! is one JSON attribute; its failing mark is another, so the engine marks a
//! rule failing without overwriting what staff edit.

use super::event_item::event_item;
use super::item::{get_s, key, n, req_s, s, Item};
use super::keys;
use super::paging::PageSize;
use super::{is_condition_failure, transact_checked, unavailable, DynamoStore};
use crate::domain::rule::{execution_id, Rule, RuleFailure, RuleLogEntry};
use crate::domain::{AuditEntry, Event, Millis};
use crate::ports::{Page, PageRequest, RuleStore, StoreError};
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};

/// Claims outlive any redelivery of their cause (events are kept 30 days).
const CLAIM_RETENTION_SECONDS: i64 = 45 * 86_400;
/// A rule's log keeps the last 90 days.
const LOG_RETENTION_SECONDS: i64 = 90 * 86_400;

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn rule_item(rule: &Rule) -> Result<Item, StoreError> {
    let mut stored = rule.clone();
    stored.failing = None;
    let mut item = key(keys::RULES, keys::rule_sk(&rule.id));
    item.insert("rule".to_owned(), s(serde_json::to_string(&stored).map_err(|e| corrupt("rule", e))?));
    item.insert("updated_at".to_owned(), n(rule.updated_at.0));
    Ok(item)
}

fn rule_from(item: &Item) -> Result<Rule, StoreError> {
    let mut rule: Rule = serde_json::from_str(&req_s(item, "rule")?).map_err(|e| corrupt("rule", e))?;
    rule.failing = match get_s(item, "failing") {
        Some(text) => Some(serde_json::from_str(&text).map_err(|e| corrupt("rule failing", e))?),
        None => None,
    };
    Ok(rule)
}

fn log_from(item: &Item) -> Result<RuleLogEntry, StoreError> {
    serde_json::from_str(&req_s(item, "entry")?).map_err(|e| corrupt("rule log", e))
}

impl DynamoStore {
    fn rule_put(&self, item: Item, condition: Option<&str>) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .set_condition_expression(condition.map(str::to_owned));
        Ok(TransactWriteItem::builder().put(put.build().map_err(unavailable)?).build())
    }
}

#[async_trait::async_trait]
impl RuleStore for DynamoStore {
    async fn rules(&self) -> Result<Vec<Rule>, StoreError> {
        self.whole_partition(keys::RULES).await?.iter().map(rule_from).collect()
    }

    async fn rule(&self, id: &str) -> Result<Option<Rule>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::RULES, keys::rule_sk(id))))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        out.item().map(rule_from).transpose()
    }

    async fn create_rule(&self, rule: &Rule, audit: &AuditEntry) -> Result<bool, StoreError> {
        let items = vec![self.rule_put(rule_item(rule)?, Some("attribute_not_exists(pk)"))?, self.audit_put(audit)?];
        transact_checked(&self.client, items).await
    }

    async fn save_rule(&self, rule: &Rule, expected: Millis, audit: &AuditEntry) -> Result<bool, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(rule_item(rule)?))
            .condition_expression("updated_at = :expected")
            .expression_attribute_values(":expected", n(expected.0))
            .build()
            .map_err(unavailable)?;
        let items = vec![TransactWriteItem::builder().put(put).build(), self.audit_put(audit)?];
        transact_checked(&self.client, items).await
    }

    async fn delete_rule(&self, id: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::RULES, keys::rule_sk(id))))
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(unavailable)?;
        let items = vec![TransactWriteItem::builder().delete(delete).build(), self.audit_put(audit)?];
        transact_checked(&self.client, items).await
    }

    async fn claim_execution(&self, rule_id: &str, cause: &str, at: Millis) -> Result<bool, StoreError> {
        let mut item = key(keys::rule_claim_pk(&execution_id(rule_id, cause)), "RX");
        item.insert("at".to_owned(), n(at.0));
        item.insert(keys::TTL.to_owned(), n(at.0 / 1000 + CLAIM_RETENTION_SECONDS));
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(is_condition_failure) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn record_execution(
        &self,
        entry: &RuleLogEntry,
        audit: &AuditEntry,
        event: &Event,
    ) -> Result<(), StoreError> {
        let mut log = key(keys::rule_log_pk(&entry.rule_id), format!("{}#{}", entry.at.sortable(), entry.id));
        log.insert("entry".to_owned(), s(serde_json::to_string(entry).map_err(|e| corrupt("rule log", e))?));
        log.insert(keys::TTL.to_owned(), n(entry.at.0 / 1000 + LOG_RETENTION_SECONDS));
        let items = vec![
            self.rule_put(log, Some("attribute_not_exists(pk)"))?,
            self.audit_put(audit)?,
            self.rule_put(event_item(event).into_item(), Some("attribute_not_exists(pk)"))?,
        ];
        // A repeat of the same record (same log key) changes nothing.
        transact_checked(&self.client, items).await?;
        Ok(())
    }

    async fn set_failing(&self, rule_id: &str, failure: Option<&RuleFailure>) -> Result<(), StoreError> {
        let request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::RULES, keys::rule_sk(rule_id))))
            .condition_expression("attribute_exists(pk)");
        let request = match failure {
            Some(failure) => request.update_expression("SET failing = :failing").expression_attribute_values(
                ":failing",
                s(serde_json::to_string(failure).map_err(|e| corrupt("failing", e))?),
            ),
            None => request.update_expression("REMOVE failing"),
        };
        match request.send().await {
            Ok(_) => Ok(()),
            // The rule was deleted meanwhile: nothing to mark.
            Err(e) if e.as_service_error().is_some_and(is_condition_failure) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn rule_log(&self, rule_id: &str, page: &PageRequest) -> Result<Page<RuleLogEntry>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(keys::rule_log_pk(rule_id)))
            .scan_index_forward(false);
        self.query_page(query, page, PageSize { default: 50, max: 200 }, &[keys::PK, keys::SK], log_from).await
    }
}
