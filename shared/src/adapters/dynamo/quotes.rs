//! Products (one small partition), quotes (one item each, indexed by
//! contact on gsi1 and by deal on gsi3) and numbering counters (one item per
//! series and year, incremented with `ADD`).

use super::item::{key, n, req_s, s, Item};
use super::keys;
use super::paging::PageSize;
use super::{unavailable, DynamoStore};
use crate::domain::product::Product;
use crate::domain::quote::Quote;
use crate::domain::{AuditEntry, ContactId, Event, Millis};
use crate::ports::{Page, PageRequest, StoreError};
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, ReturnValue, TransactWriteItem};

const QUOTE_PAGE: PageSize = PageSize { default: 50, max: 200 };

/// A deal's quotes share gsi3 (fully projected) with the board's columns,
/// under their own key values.
const DEAL_INDEX: (&str, &str, &str) = (keys::GSI3, "gsi3pk", "gsi3sk");

fn quote_item(quote: &Quote) -> Result<Item, StoreError> {
    let json = serde_json::to_string(quote).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut item = key(keys::quote_pk(&quote.id), "QUOTE");
    let position = format!("{}#{}", quote.created_at.sortable(), quote.id);
    item.extend([
        ("quote".to_owned(), s(json)),
        ("updated_at".to_owned(), n(quote.updated_at.0)),
        (keys::GSI1_PK.to_owned(), s(keys::contact_quotes(&quote.contact_id))),
        (keys::GSI1_SK.to_owned(), s(position.clone())),
    ]);
    if let Some(deal) = &quote.deal_id {
        item.insert(DEAL_INDEX.1.to_owned(), s(keys::deal_quotes(deal)));
        item.insert(DEAL_INDEX.2.to_owned(), s(position));
    }
    Ok(item)
}

fn quote_from(item: &Item) -> Result<Quote, StoreError> {
    serde_json::from_str(&req_s(item, "quote")?).map_err(|e| StoreError::Corrupt(format!("quote: {e}")))
}

fn product_from(item: &Item) -> Result<Product, StoreError> {
    serde_json::from_str(&req_s(item, "product")?).map_err(|e| StoreError::Corrupt(format!("product: {e}")))
}

impl DynamoStore {
    fn quote_put(
        &self,
        item: Item,
        condition: &str,
        expected: Option<Millis>,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut put = Put::builder().table_name(&self.table).set_item(Some(item)).condition_expression(condition);
        if let Some(at) = expected {
            put = put.expression_attribute_values(":expected", n(at.0));
        }
        Ok(TransactWriteItem::builder().put(put.build().map_err(unavailable)?).build())
    }

    async fn query_quotes(
        &self,
        index: (&str, &str, &str),
        value: String,
        page: &PageRequest,
    ) -> Result<Page<Quote>, StoreError> {
        let (name, pk, sk) = index;
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(name)
            .key_condition_expression(format!("{pk} = :pk"))
            .expression_attribute_values(":pk", s(value))
            .scan_index_forward(false);
        self.query_page(query, page, QUOTE_PAGE, &[keys::PK, keys::SK, pk, sk], quote_from).await
    }
}

#[async_trait::async_trait]
impl crate::ports::ProductStore for DynamoStore {
    async fn products(&self) -> Result<Vec<Product>, StoreError> {
        let mut products =
            self.whole_partition(keys::PRODUCTS).await?.iter().map(product_from).collect::<Result<Vec<_>, _>>()?;
        products.sort_by_key(|p| p.name.to_lowercase());
        Ok(products)
    }

    async fn put_product(&self, product: &Product, audit: &AuditEntry) -> Result<(), StoreError> {
        let json = serde_json::to_string(product).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut item = key(keys::PRODUCTS, &product.id);
        item.insert("product".to_owned(), s(json));
        let put = Put::builder().table_name(&self.table).set_item(Some(item)).build().map_err(unavailable)?;
        let items = vec![TransactWriteItem::builder().put(put).build(), self.audit_put(audit)?];
        super::transact_checked(&self.client, items).await?;
        Ok(())
    }

    async fn delete_product(&self, id: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::PRODUCTS, id)))
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(unavailable)?;
        let items = vec![TransactWriteItem::builder().delete(delete).build(), self.audit_put(audit)?];
        super::transact_checked(&self.client, items).await
    }
}

#[async_trait::async_trait]
impl crate::ports::QuoteStore for DynamoStore {
    async fn next_in_series(&self, series: &str) -> Result<u64, StoreError> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::SERIES, series)))
            .update_expression("ADD next_number :one")
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(unavailable)?;
        match out.attributes().and_then(|a| a.get("next_number")) {
            Some(AttributeValue::N(number)) => {
                number.parse().map_err(|_| StoreError::Corrupt(format!("series {series}: {number}")))
            }
            _ => Err(StoreError::Corrupt(format!("series {series} returned no number"))),
        }
    }

    async fn create_quote(&self, quote: &Quote, audit: &AuditEntry) -> Result<(), StoreError> {
        let put = self.quote_put(quote_item(quote)?, "attribute_not_exists(pk)", None)?;
        if !super::transact_checked(&self.client, vec![put, self.audit_put(audit)?]).await? {
            return Err(StoreError::Corrupt(format!("quote {} exists", quote.id)));
        }
        Ok(())
    }

    async fn quote(&self, id: &str) -> Result<Option<Quote>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::quote_pk(id), "QUOTE")))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        out.item().map(quote_from).transpose()
    }

    async fn save_quote(
        &self,
        quote: &Quote,
        expected: Millis,
        audit: &AuditEntry,
        event: Option<&Event>,
    ) -> Result<bool, StoreError> {
        let condition = "attribute_exists(pk) AND updated_at = :expected";
        let mut items = vec![self.quote_put(quote_item(quote)?, condition, Some(expected))?, self.audit_put(audit)?];
        if let Some(event) = event {
            items.push(self.event_put(event)?);
        }
        super::transact_checked(&self.client, items).await
    }

    async fn contact_quotes(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<Quote>, StoreError> {
        self.query_quotes((keys::GSI1, keys::GSI1_PK, keys::GSI1_SK), keys::contact_quotes(contact), page).await
    }

    async fn deal_quotes(&self, deal: &str, page: &PageRequest) -> Result<Page<Quote>, StoreError> {
        self.query_quotes(DEAL_INDEX, keys::deal_quotes(deal), page).await
    }
}
