//! Consent, kept on the contact's profile (`opted_out`, and `consent`: a
//! map of when, how and to what), and the consent settings, one item
//! (`BUSINESS`/`CONSENT`) holding them as JSON.

use super::item::{get_n, get_s, key, n, s, Item};
use super::keys;
use super::{transact_checked, unavailable, DynamoStore};
use crate::domain::consent::{Consent, ConsentCategory, ConsentMethod};
use crate::domain::consent_policy::ConsentPolicy;
use crate::domain::{AuditEntry, ContactId, Millis};
use crate::ports::{KeywordApplied, KeywordChange, StoreError};
use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use std::collections::HashMap;

/// The consent settings' sort key, beside the business profile.
const CONSENT_POLICY: &str = "CONSENT";

/// A profile that can still change: not merged away, not erased.
const LIVE: &str = "attribute_exists(pk) AND attribute_not_exists(merged_into) AND attribute_not_exists(erasing) \
                    AND attribute_not_exists(erased)";

/// The stored form of an opt-in.
pub(super) fn consent_value(consent: &Consent) -> AttributeValue {
    let categories = consent.categories.iter().map(|c| c.as_str().to_owned()).collect();
    AttributeValue::M(HashMap::from([
        ("at".to_owned(), n(consent.at.0)),
        ("method".to_owned(), s(consent.method.as_str())),
        ("categories".to_owned(), AttributeValue::Ss(categories)),
    ]))
}

/// The opt-in a profile holds, if any.
pub(super) fn consent_from(profile: &Item) -> Option<Consent> {
    let map: &Item = profile.get("consent")?.as_m().ok()?;
    let method = ConsentMethod::parse(&get_s(map, "method")?)?;
    let categories = map.get("categories").and_then(|c| c.as_ss().ok())?;
    let categories = categories.iter().filter_map(|c| ConsentCategory::parse(c));
    Some(Consent::new(Millis(get_n(map, "at")?), method, categories))
}

impl DynamoStore {
    fn profile_update(&self, contact: &ContactId) -> UpdateBuilder {
        Update::builder().table_name(&self.table).set_key(Some(key(keys::contact_pk(contact), keys::PROFILE)))
    }

    /// The profile change and its audit line in one write; `false` when
    /// the change's condition failed.
    async fn audited_update(&self, update: UpdateBuilder, audit: &AuditEntry) -> Result<bool, StoreError> {
        let update = update.build().map_err(unavailable)?;
        self.audited(TransactWriteItem::builder().update(update).build(), audit).await
    }

    async fn profile_is_live(&self, contact: &ContactId) -> Result<bool, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), keys::PROFILE)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.item().is_some_and(|p| !["merged_into", "erasing", "erased"].iter().any(|a| p.contains_key(*a))))
    }
}

#[async_trait::async_trait]
impl crate::ports::ConsentStore for DynamoStore {
    async fn set_opt_out(&self, contact: &ContactId, opted_out: bool, audit: &AuditEntry) -> Result<bool, StoreError> {
        let update = self
            .profile_update(contact)
            .update_expression("SET opted_out = :o")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":o", AttributeValue::Bool(opted_out));
        self.audited_update(update, audit).await
    }

    async fn record_consent(
        &self,
        contact: &ContactId,
        consent: &Consent,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let update = self
            .profile_update(contact)
            .update_expression("SET consent = :c")
            .condition_expression(LIVE)
            .expression_attribute_values(":c", consent_value(consent));
        self.audited_update(update, audit).await
    }

    async fn apply_keyword(
        &self,
        contact: &ContactId,
        change: &KeywordChange,
        event_id: &str,
        audit: &AuditEntry,
    ) -> Result<KeywordApplied, StoreError> {
        let update = self
            .profile_update(contact)
            .expression_attribute_values(":t", AttributeValue::Bool(true))
            .expression_attribute_values(":event", s(event_id));
        let update = match change {
            KeywordChange::OptOut => update
                .update_expression("SET opted_out = :t, keyword_event = :event")
                .condition_expression(format!(
                    "{LIVE} AND (attribute_not_exists(opted_out) OR opted_out <> :t OR keyword_event = :event)"
                )),
            KeywordChange::OptIn(consent) => update
                .update_expression("SET opted_out = :f, consent = :c, keyword_event = :event")
                .condition_expression(format!(
                    "{LIVE} AND (opted_out = :t OR NOT contains(consent.categories, :marketing) OR keyword_event = :event)"
                ))
                .expression_attribute_values(":f", AttributeValue::Bool(false))
                .expression_attribute_values(":c", consent_value(consent))
                .expression_attribute_values(":marketing", s(ConsentCategory::Marketing.as_str())),
        };
        let update = update.build().map_err(unavailable)?;
        let items = vec![TransactWriteItem::builder().update(update).build(), self.audit_put_once(audit, event_id)?];
        if transact_checked(&self.client, items).await? {
            return Ok(KeywordApplied::Changed);
        }
        // The condition failed: either they already stood there, or the
        // record is gone (the rarer case pays the extra read).
        Ok(if self.profile_is_live(contact).await? { KeywordApplied::Unchanged } else { KeywordApplied::NoContact })
    }
}

#[async_trait::async_trait]
impl crate::ports::ConsentPolicyStore for DynamoStore {
    async fn consent_policy(&self) -> Result<Option<ConsentPolicy>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::BUSINESS_PROFILE, CONSENT_POLICY)))
            .send()
            .await
            .map_err(unavailable)?;
        let Some(json) = out.item().and_then(|item| get_s(item, "policy")) else { return Ok(None) };
        serde_json::from_str(&json).map(Some).map_err(|e| StoreError::Corrupt(format!("consent settings: {e}")))
    }

    async fn save_consent_policy(&self, policy: &ConsentPolicy, audit: &AuditEntry) -> Result<(), StoreError> {
        let json = serde_json::to_string(policy).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut item = key(keys::BUSINESS_PROFILE, CONSENT_POLICY);
        item.insert("policy".to_owned(), s(json));
        let put = Put::builder().table_name(&self.table).set_item(Some(item)).build().map_err(unavailable)?;
        self.write_audited(TransactWriteItem::builder().put(put).build(), audit).await
    }
}
