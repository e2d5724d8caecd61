//! Meta's word per business number (or whole account): one item per
//! number in one small partition, each kind of event kept only if newer
//! than the one there; volume tiers alike in a partition of their own.

use super::failure::applied;
use super::item::{get_bool, get_n, get_s, key, n, s};
use super::keys::{NUMBER_STANDINGS, VOLUME_TIERS};
use super::DynamoStore;
use crate::domain::number_standing::{NumberStanding, StandingChange, StandingKind};
use crate::domain::volume_tier::VolumeTierReached;
use crate::domain::Millis;
use crate::ports::{NumberStandings, StoreError};

#[async_trait::async_trait]
impl NumberStandings for DynamoStore {
    async fn note_standing(&self, change: &StandingChange) -> Result<bool, StoreError> {
        let (event, at) = match change.kind {
            StandingKind::Quality => ("quality_event", "quality_at"),
            StandingKind::Account => ("account_event", "account_at"),
        };
        let mut sets = vec![
            format!("{event} = :event"),
            format!("{at} = :at"),
            "#number = :number".to_owned(),
            "account_wide = :wide".to_owned(),
        ];
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(NUMBER_STANDINGS, &change.number)))
            .condition_expression(format!("attribute_not_exists({at}) OR {at} < :at"))
            .expression_attribute_names("#number", "number")
            .expression_attribute_values(":event", s(&change.event))
            .expression_attribute_values(":at", n(change.at.0))
            .expression_attribute_values(":number", s(&change.number))
            .expression_attribute_values(":wide", aws_sdk_dynamodb::types::AttributeValue::Bool(change.account_wide));
        if let Some(limit) = &change.limit {
            sets.push("messaging_limit = :limit".to_owned());
            update = update.expression_attribute_values(":limit", s(limit));
        }
        if change.kind == StandingKind::Account {
            match &change.detail {
                Some(detail) => {
                    sets.push("account_detail = :detail".to_owned());
                    update = update.expression_attribute_values(":detail", s(detail));
                }
                None => {
                    return applied(
                        update.update_expression(format!("SET {} REMOVE account_detail", sets.join(", "))).send().await,
                    )
                }
            }
        }
        applied(update.update_expression(format!("SET {}", sets.join(", "))).send().await)
    }

    async fn standings(&self) -> Result<Vec<NumberStanding>, StoreError> {
        let items = self.whole_partition(NUMBER_STANDINGS).await?;
        Ok(items
            .iter()
            .map(|item| NumberStanding {
                number: get_s(item, "number").unwrap_or_default(),
                account_wide: get_bool(item, "account_wide").unwrap_or(false),
                quality: get_s(item, "quality_event").zip(get_n(item, "quality_at").map(Millis)),
                limit: get_s(item, "messaging_limit"),
                account: get_s(item, "account_event")
                    .zip(get_n(item, "account_at").map(Millis))
                    .map(|(event, at)| (event, get_s(item, "account_detail"), at)),
            })
            .collect())
    }

    async fn note_volume_tier(&self, tier: &VolumeTierReached) -> Result<bool, StoreError> {
        let update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(VOLUME_TIERS, tier.slot())))
            .condition_expression("attribute_not_exists(reached_at) OR reached_at < :at")
            .update_expression(
                "SET #account = :account, #category = :category, #region = :region, tier = :tier, #month = :month, \
                 reached_at = :at",
            )
            // Several of these names are DynamoDB reserved words.
            .expression_attribute_names("#account", "account")
            .expression_attribute_names("#category", "category")
            .expression_attribute_names("#region", "region")
            .expression_attribute_names("#month", "month")
            .expression_attribute_values(":account", s(&tier.account))
            .expression_attribute_values(":category", s(tier.category.as_str()))
            .expression_attribute_values(":region", s(&tier.region))
            .expression_attribute_values(":tier", s(tier.range()))
            .expression_attribute_values(":month", s(&tier.month))
            .expression_attribute_values(":at", n(tier.at.0));
        applied(update.send().await)
    }

    async fn volume_tiers(&self) -> Result<Vec<VolumeTierReached>, StoreError> {
        let items = self.whole_partition(VOLUME_TIERS).await?;
        Ok(items
            .iter()
            .filter_map(|item| {
                let text = |name: &str| get_s(item, name).unwrap_or_default();
                let at = Millis(get_n(item, "reached_at")?);
                VolumeTierReached::new(
                    &text("account"),
                    &text("category"),
                    &text("region"),
                    &text("tier"),
                    &text("month"),
                    at,
                )
            })
            .collect())
    }
}
