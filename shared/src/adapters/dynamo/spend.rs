//! Spend counters: one item per month and pricing category.

use super::item::{get_n, get_s, s};
use super::keys;
use super::DynamoStore;
use crate::domain::template::Category;
use crate::domain::SpendLine;
use crate::ports::StoreError;

#[async_trait::async_trait]
impl crate::ports::SpendStore for DynamoStore {
    async fn spend(&self, month: &str) -> Result<Vec<SpendLine>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(keys::spend_pk(month)));
        Ok(self
            .query_all(query)
            .await?
            .iter()
            .map(|item| SpendLine {
                month: month.to_owned(),
                category: get_s(item, keys::SK).unwrap_or_default(),
                billable: get_n(item, "billable").unwrap_or(0).max(0) as u64,
                free: get_n(item, "free").unwrap_or(0).max(0) as u64,
            })
            .collect())
    }
}

/// The category a priced status belongs to in the spend report.
pub(super) fn spend_category(category: Option<&str>) -> String {
    category
        .and_then(Category::parse)
        .map_or_else(|| category.unwrap_or("unknown").to_owned(), |c| c.as_str().to_owned())
}
