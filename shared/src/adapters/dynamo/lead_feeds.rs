//! Each lead feed's standing: one item under `LEADFEED`, updated in place
//! with counts added, so runs recorded at once all count.

use super::item::{get_n, get_s, key, n, s, Item};
use super::{unavailable, DynamoStore};
use crate::domain::lead_feed_status::{FeedOutcome, LeadFeedStatus};
use crate::domain::Millis;
use crate::ports::{FeedRun, StoreError};

const LEAD_FEEDS: &str = "LEADFEED";

fn status_from(item: &Item) -> Result<LeadFeedStatus, StoreError> {
    let outcome = get_s(item, "outcome").unwrap_or_else(|| "\"ok\"".into());
    let outcome: FeedOutcome =
        serde_json::from_str(&outcome).map_err(|e| StoreError::Corrupt(format!("lead feed outcome: {e}")))?;
    let count = |name: &str| get_n(item, name).and_then(|v| u64::try_from(v).ok()).unwrap_or(0);
    Ok(LeadFeedStatus {
        last_call_at: get_n(item, "last_call_at").map(Millis),
        outcome,
        detail: get_s(item, "detail"),
        cursor: get_n(item, "cursor").map(Millis),
        leads_taken: count("leads_taken"),
        leads_refused: count("leads_refused"),
        last_lead_at: get_n(item, "last_lead_at").map(Millis),
    })
}

#[async_trait::async_trait]
impl crate::ports::LeadFeedStore for DynamoStore {
    async fn feed_status(&self, feed: &str) -> Result<Option<LeadFeedStatus>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(LEAD_FEEDS, feed)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        out.item().map(status_from).transpose()
    }

    async fn record_feed_run(&self, feed: &str, run: &FeedRun) -> Result<(), StoreError> {
        let outcome = serde_json::to_string(&run.outcome).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut set = vec!["last_call_at = :at", "outcome = :outcome"];
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(LEAD_FEEDS, feed)))
            .expression_attribute_values(":at", n(run.at.0))
            .expression_attribute_values(":outcome", s(outcome))
            .expression_attribute_values(":taken", n(i64::try_from(run.taken).unwrap_or(i64::MAX)))
            .expression_attribute_values(":refused", n(i64::try_from(run.refused).unwrap_or(i64::MAX)));
        if let Some(detail) = &run.detail {
            set.push("detail = :detail");
            update = update.expression_attribute_values(":detail", s(detail.chars().take(300).collect::<String>()));
        }
        if let Some(cursor) = run.cursor {
            set.push("#cursor = :cursor");
            update = update
                .expression_attribute_names("#cursor", "cursor")
                .expression_attribute_values(":cursor", n(cursor.0));
        }
        if run.taken > 0 {
            set.push("last_lead_at = :at");
        }
        let remove = if run.detail.is_none() { " REMOVE detail" } else { "" };
        update
            .update_expression(format!("SET {} ADD leads_taken :taken, leads_refused :refused{remove}", set.join(", ")))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
