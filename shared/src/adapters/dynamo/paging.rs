//! Reads that need every item a query matches follow `LastEvaluatedKey`
//! page after page: DynamoDB ends a page at 1 MB whatever the caller wants.
//! A listing the caller pages through reads one page a request, and hands
//! the page's end back as an opaque cursor.

use super::item::Item;
use super::{cursor, unavailable, DynamoStore};
use crate::ports::{Page, PageRequest, StoreError};
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;

/// How many items one page of a listing holds: what the caller asked for,
/// kept between 1 and `max`, else `default`.
#[derive(Debug, Clone, Copy)]
pub(super) struct PageSize {
    pub default: u32,
    pub max: u32,
}

impl PageSize {
    /// The size `page` asks for, within bounds.
    pub(super) fn of(self, page: &PageRequest) -> i32 {
        let size = page.limit.unwrap_or(self.default).clamp(1, self.max);
        i32::try_from(size).unwrap_or(i32::MAX)
    }
}

impl DynamoStore {
    /// Every item of partition `pk`: one of the table's small fixed
    /// partitions (rules, pipelines, products…), one round trip per page.
    pub(super) async fn whole_partition(&self, pk: &str) -> Result<Vec<Item>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", super::item::s(pk));
        self.query_all(query).await
    }

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

    /// One page of `query` from where `page`'s cursor left off (one round
    /// trip). `key_names` are the attributes a cursor holds: the table's
    /// keys, and the index's when `query` reads one.
    pub(super) async fn query_page<T>(
        &self,
        query: QueryFluentBuilder,
        page: &PageRequest,
        size: PageSize,
        key_names: &[&str],
        read: impl Fn(&Item) -> Result<T, StoreError>,
    ) -> Result<Page<T>, StoreError> {
        let start = cursor::decode(page.cursor.as_deref(), key_names)?;
        let out = query.limit(size.of(page)).set_exclusive_start_key(start).send().await.map_err(unavailable)?;
        Ok(Page {
            items: out.items().iter().map(read).collect::<Result<_, _>>()?,
            next_cursor: cursor::encode(out.last_evaluated_key()),
        })
    }
}
