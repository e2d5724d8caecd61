//! Meta's word per business number: one item per number in one small
//! partition, each kind of event kept only if newer than the one there.

use super::failure::applied;
use super::item::{get_n, get_s, key, n, s};
use super::keys::NUMBER_STANDINGS;
use super::DynamoStore;
use crate::domain::number_standing::{NumberStanding, StandingChange, StandingKind};
use crate::domain::Millis;
use crate::ports::{NumberStandings, StoreError};

#[async_trait::async_trait]
impl NumberStandings for DynamoStore {
    async fn note_standing(&self, change: &StandingChange) -> Result<bool, StoreError> {
        let (event, at) = match change.kind {
            StandingKind::Quality => ("quality_event", "quality_at"),
            StandingKind::Account => ("account_event", "account_at"),
        };
        let mut sets = vec![format!("{event} = :event"), format!("{at} = :at"), "#number = :number".to_owned()];
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(NUMBER_STANDINGS, &change.number)))
            .condition_expression(format!("attribute_not_exists({at}) OR {at} < :at"))
            .expression_attribute_names("#number", "number")
            .expression_attribute_values(":event", s(&change.event))
            .expression_attribute_values(":at", n(change.at.0))
            .expression_attribute_values(":number", s(&change.number));
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
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(NUMBER_STANDINGS));
        let items = self.query_all(query).await?;
        Ok(items
            .iter()
            .map(|item| NumberStanding {
                number: get_s(item, "number").unwrap_or_default(),
                quality: get_s(item, "quality_event").zip(get_n(item, "quality_at").map(Millis)),
                limit: get_s(item, "messaging_limit"),
                account: get_s(item, "account_event")
                    .zip(get_n(item, "account_at").map(Millis))
                    .map(|(event, at)| (event, get_s(item, "account_detail"), at)),
            })
            .collect())
    }
}
