//! Pipelines (one small partition) and deals (one item each, indexed by
//! pipeline stage for the board and by contact for the contact record).

use super::batch_read::Projection;
use super::item::{get_s, key, n, req_s, s, Item};
use super::keys;
use super::paging::PageSize;
use super::{cursor, unavailable, DynamoStore};
use crate::domain::conversation::{Conversation, Viewer};
use crate::domain::pipeline::{Deal, Pipeline};
use crate::domain::{AuditEntry, Event};
use crate::domain::{ContactId, Millis};
use crate::ports::{Page, PageRequest, StoreError};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use std::collections::HashMap;

const DEAL_PAGE: PageSize = PageSize { default: 50, max: 200 };

/// How many deals one filtered page may read before it answers with what
/// it has (and a cursor): bounds one request's work when an agent may see
/// few of a stage's many deals.
const MAX_EXAMINED: usize = 1_000;

/// The index attributes of the board's columns.
const STAGE_INDEX: (&str, &str) = ("gsi3pk", "gsi3sk");

/// The item's position in the stage index, as a cursor names it.
fn stage_position(item: &Item) -> Item {
    [keys::PK, keys::SK, STAGE_INDEX.0, STAGE_INDEX.1]
        .into_iter()
        .filter_map(|name| Some((name.to_owned(), item.get(name)?.clone())))
        .collect()
}

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
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index)
            .key_condition_expression(format!("{attr} = :pk"))
            .expression_attribute_values(":pk", s(value))
            .scan_index_forward(false);
        self.query_page(query, page, DEAL_PAGE, &[keys::PK, keys::SK, attr, sk_attr], deal_from).await
    }

    /// A stage's deals that `viewer` may see, in full pages: reads on past
    /// the ones they may not (looking up those deals' contacts in batches)
    /// until the page is full, the stage ends or [`MAX_EXAMINED`] deals were
    /// read. The cursor is the last deal returned, so nothing is skipped.
    async fn query_visible_deals(
        &self,
        pipeline: &str,
        stage: &str,
        viewer: &Viewer,
        page: &PageRequest,
    ) -> Result<Page<Deal>, StoreError> {
        let (attr, sk_attr) = STAGE_INDEX;
        let want = usize::try_from(DEAL_PAGE.of(page)).unwrap_or(50);
        let mut start = cursor::decode(page.cursor.as_deref(), &[keys::PK, keys::SK, attr, sk_attr])?;
        let mut kept: Vec<Deal> = Vec::with_capacity(want);
        let mut conversations: HashMap<ContactId, Option<Conversation>> = HashMap::new();
        let mut examined = 0;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(keys::GSI3)
                .key_condition_expression(format!("{attr} = :pk"))
                .expression_attribute_values(":pk", s(keys::stage_board(pipeline, stage)))
                .scan_index_forward(false)
                .limit(i32::try_from(want.max(25)).unwrap_or(50))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            let batch = out.items().iter().map(|i| Ok((deal_from(i)?, i))).collect::<Result<Vec<_>, StoreError>>()?;
            let unknown: Vec<ContactId> = batch
                .iter()
                .filter(|(d, _)| !viewer.owns(d) && !conversations.contains_key(&d.contact_id))
                .map(|(d, _)| d.contact_id.clone())
                .collect();
            self.conversations_of(unknown, &mut conversations).await?;
            let count = batch.len();
            for (index, (deal, item)) in batch.into_iter().enumerate() {
                if !viewer.can_see_deal(&deal, conversations.get(&deal.contact_id).and_then(Option::as_ref)) {
                    continue;
                }
                kept.push(deal);
                if kept.len() == want {
                    let last_read = index + 1 == count && out.last_evaluated_key().is_none();
                    let next_cursor = if last_read { None } else { cursor::encode(Some(&stage_position(item))) };
                    return Ok(Page { items: kept, next_cursor });
                }
            }
            examined += count;
            match out.last_evaluated_key() {
                None => return Ok(Page { items: kept, next_cursor: None }),
                Some(next) if examined >= MAX_EXAMINED => {
                    return Ok(Page { items: kept, next_cursor: cursor::encode(Some(next)) });
                }
                Some(next) => start = Some(next.clone()),
            }
        }
    }

    /// The conversations (owner only) of these contacts, into `found`; a
    /// contact that is gone maps to `None`. One BatchGetItem per 100.
    async fn conversations_of(
        &self,
        contacts: Vec<ContactId>,
        found: &mut HashMap<ContactId, Option<Conversation>>,
    ) -> Result<(), StoreError> {
        let wanted: Vec<Item> = contacts.iter().map(|c| key(keys::contact_pk(c), keys::PROFILE)).collect();
        let projection = Projection { expression: "contact_id, #owner", names: &[("#owner", "owner")] };
        for item in self.batch_read(wanted, Some(projection)).await? {
            if let Some(id) = get_s(&item, "contact_id").and_then(|c| ContactId::parse(&c)) {
                let conversation = Conversation { owner: get_s(&item, "owner"), ..Conversation::default() };
                found.insert(id, Some(conversation));
            }
        }
        for contact in contacts {
            found.entry(contact).or_insert(None);
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl crate::ports::DealStore for DynamoStore {
    async fn pipelines(&self) -> Result<Vec<Pipeline>, StoreError> {
        self.whole_partition(keys::PIPELINES)
            .await?
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
        let event = crate::domain::change_event::deal_created(deal).by(&audit.actor);
        if !super::transact_checked(&self.client, vec![put, self.audit_put(audit)?, self.event_put(&event)?]).await? {
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
        event: Option<&Event>,
    ) -> Result<bool, StoreError> {
        let mut items = vec![
            self.put(deal_item(deal)?, Some(("attribute_exists(pk) AND updated_at = :expected", expected)))?,
            self.audit_put(audit)?,
        ];
        if let Some(event) = event {
            items.push(self.event_put(event)?);
        }
        super::transact_checked(&self.client, items).await
    }

    async fn deals_in_stage(
        &self,
        pipeline: &str,
        stage: &str,
        only_visible_to: Option<&Viewer>,
        page: &PageRequest,
    ) -> Result<Page<Deal>, StoreError> {
        match only_visible_to {
            Some(viewer) => self.query_visible_deals(pipeline, stage, viewer, page).await,
            None => self.query_deals((keys::GSI3, STAGE_INDEX.0, keys::stage_board(pipeline, stage)), page).await,
        }
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
