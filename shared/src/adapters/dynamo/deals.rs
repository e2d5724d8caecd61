//! Pipelines (one small partition) and deals (one item each, indexed by
//! pipeline stage for the board and by contact for the contact record).

use super::item::{key, n, req_s, s, Item};
use super::keys;
use super::{cursor, unavailable, DynamoStore};
use crate::domain::pipeline::{Deal, Pipeline};
use crate::domain::{AuditEntry, DomainEvent};
use crate::domain::{ContactId, Millis};
use crate::ports::{Page, PageRequest, StoreError};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

const PAGE: i32 = 50;

fn deal_item(deal: &Deal) -> Result<Item, StoreError> {
    let json = serde_json::to_string(deal).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut item = key(keys::deal_pk(&deal.id), "DEAL");
    item.extend([
        ("deal".to_owned(), s(json)),
        ("updated_at".to_owned(), n(deal.updated_at.0)),
        ("gsi3pk".to_owned(), s(keys::stage_board(&deal.pipeline, &deal.stage))),
        ("gsi3sk".to_owned(), s(format!("{}#{}", deal.updated_at.sortable(), deal.id))),
        (keys::GSI1_PK.to_owned(), s(keys::contact_deals(&deal.contact_id))),
        (keys::GSI1_SK.to_owned(), s(format!("{}#{}", deal.created_at.sortable(), deal.id))),
    ]);
    Ok(item)
}

fn deal_from(item: &Item) -> Result<Deal, StoreError> {
    serde_json::from_str(&req_s(item, "deal")?).map_err(|e| StoreError::Corrupt(format!("deal: {e}")))
}

impl DynamoStore {
    fn put(&self, item: Item, condition: Option<(&str, Millis)>) -> Result<TransactWriteItem, StoreError> {
        let mut put = Put::builder().table_name(&self.table).set_item(Some(item));
        if let Some((expression, at)) = condition {
            put = put.condition_expression(expression);
            if expression.contains(":expected") {
                put = put.expression_attribute_values(":expected", n(at.0));
            }
        }
        Ok(TransactWriteItem::builder().put(put.build().map_err(unavailable)?).build())
    }

    pub(super) async fn query_deals(
        &self,
        index_pk: (&str, &str, String),
        page: &PageRequest,
    ) -> Result<Page<Deal>, StoreError> {
        let (index, attr, value) = index_pk;
        let sk_attr = if attr == "gsi3pk" { "gsi3sk" } else { keys::GSI1_SK };
        let start = cursor::decode(page.cursor.as_deref(), &[keys::PK, keys::SK, attr, sk_attr])?;
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index)
            .key_condition_expression(format!("{attr} = :pk"))
            .expression_attribute_values(":pk", s(value))
            .scan_index_forward(false)
            .limit(page.limit.map_or(PAGE, |l| i32::try_from(l.clamp(1, 200)).unwrap_or(PAGE)))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(Page {
            items: out.items().iter().map(deal_from).collect::<Result<_, _>>()?,
            next_cursor: cursor::encode(out.last_evaluated_key()),
        })
    }
}

#[async_trait::async_trait]
impl crate::ports::DealStore for DynamoStore {
    async fn pipelines(&self) -> Result<Vec<Pipeline>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(keys::PIPELINES))
            .send()
            .await
            .map_err(unavailable)?;
        out.items()
            .iter()
            .map(|i| {
                serde_json::from_str(&req_s(i, "pipeline")?).map_err(|e| StoreError::Corrupt(format!("pipeline: {e}")))
            })
            .collect()
    }

    async fn put_pipeline(&self, pipeline: &Pipeline, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut item = key(keys::PIPELINES, &pipeline.id);
        let json = serde_json::to_string(pipeline).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        item.insert("pipeline".to_owned(), s(json));
        super::transact_checked(&self.client, vec![self.put(item, None)?, self.audit_put(audit)?]).await?;
        Ok(())
    }

    async fn create_deal(&self, deal: &Deal, audit: &AuditEntry) -> Result<(), StoreError> {
        let put = self.put(deal_item(deal)?, Some(("attribute_not_exists(pk)", deal.updated_at)))?;
        if !super::transact_checked(&self.client, vec![put, self.audit_put(audit)?]).await? {
            return Err(StoreError::Corrupt(format!("deal {} exists", deal.id)));
        }
        Ok(())
    }

    async fn deal(&self, id: &str) -> Result<Option<Deal>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::deal_pk(id), "DEAL")))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        out.item().map(deal_from).transpose()
    }

    async fn save_deal(
        &self,
        deal: &Deal,
        expected: Millis,
        audit: &AuditEntry,
        event: Option<&DomainEvent>,
    ) -> Result<bool, StoreError> {
        let mut items = vec![
            self.put(deal_item(deal)?, Some(("attribute_exists(pk) AND updated_at = :expected", expected)))?,
            self.audit_put(audit)?,
        ];
        if let Some(event) = event {
            let mut item =
                key(keys::events_pk(&event.at.to_rfc3339()[..10]), format!("{}#{}", event.at.sortable(), deal.id));
            item.extend([
                ("kind".to_owned(), s(&event.kind)),
                ("payload".to_owned(), s(&event.payload)),
                ("at".to_owned(), n(event.at.0)),
            ]);
            items.push(self.put(item, None)?);
        }
        super::transact_checked(&self.client, items).await
    }

    async fn deals_in_stage(&self, pipeline: &str, stage: &str, page: &PageRequest) -> Result<Page<Deal>, StoreError> {
        self.query_deals((keys::GSI3, "gsi3pk", keys::stage_board(pipeline, stage)), page).await
    }

    async fn contact_deals(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<Deal>, StoreError> {
        self.query_deals((keys::GSI1, keys::GSI1_PK, keys::contact_deals(contact)), page).await
    }
}

#[cfg(test)]
mod tests {
    use super::super::item::get_s;
    use super::*;

    #[test]
    fn a_deal_round_trips_through_its_item() {
        let deal = Deal {
            id: "d1".into(),
            contact_id: ContactId::parse("0123456789abcdef01234567").unwrap(),
            pipeline: "sales".into(),
            stage: "enquiry".into(),
            title: "10 kurtas".into(),
            value_minor: 50_000,
            currency: "INR".into(),
            owner: None,
            expected_close: None,
            custom_fields: Default::default(),
            history: vec![],
            created_at: Millis(1),
            updated_at: Millis(2),
        };
        let item = deal_item(&deal).unwrap();
        assert_eq!(get_s(&item, "gsi3pk").as_deref(), Some("P#sales#enquiry"));
        assert_eq!(deal_from(&item).unwrap(), deal);
    }
}
