//! Spend counters: one per month and pricing category, kept by the tally.

use super::keys;
use super::DynamoStore;
use crate::domain::template::Category;
use crate::domain::SpendLine;
use crate::ports::StoreError;

#[async_trait::async_trait]
impl crate::ports::SpendStore for DynamoStore {
    async fn spend(&self, month: &str) -> Result<Vec<SpendLine>, StoreError> {
        // Category names are lower-case words: all sort between these.
        let tallies = self.read_tallies(&keys::spend_pk(month), " ", "~").await?;
        let mut lines: std::collections::BTreeMap<String, SpendLine> = std::collections::BTreeMap::new();
        for ((category, field), value) in tallies.counted {
            let line = lines.entry(category.clone()).or_insert_with(|| SpendLine {
                month: month.to_owned(),
                category,
                billable: 0,
                free: 0,
            });
            let value = u64::try_from(value).unwrap_or(0);
            match field.as_str() {
                "billable" => line.billable += value,
                "free" => line.free += value,
                _ => {}
            }
        }
        Ok(lines.into_values().collect())
    }
}

/// The category a priced status belongs to in the spend report.
pub(super) fn spend_category(category: Option<&str>) -> String {
    category
        .and_then(Category::parse)
        .map_or_else(|| category.unwrap_or("unknown").to_owned(), |c| c.as_str().to_owned())
}
