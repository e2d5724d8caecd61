//! Reads that need every item a query matches follow `LastEvaluatedKey`
//! page after page: DynamoDB ends a page at 1 MB whatever the caller wants.

use super::item::Item;
use super::{unavailable, DynamoStore};
use crate::ports::StoreError;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;

impl DynamoStore {
    /// Every item `query` matches (one round trip per page).
    pub(super) async fn query_all(&self, query: QueryFluentBuilder) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = query
                .clone()
                .set_limit(self.read_page_size)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            let next = out.last_evaluated_key().cloned();
            items.extend(out.items.unwrap_or_default());
            match next {
                Some(key) => start = Some(key),
                None => return Ok(items),
            }
        }
    }
}
