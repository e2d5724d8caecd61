//! Notifications, one partition per recipient (`N#<email>`): the item
//! under `AT#<at>#<id>` (newest first is one Query backwards), a pointer
//! under `ID#<id>` (a conditional put: the same id twice stores once; it
//! also says where the item is), and the unread count under `UNREAD`, kept
//! in the same transactions, so the bell reads one item.

use super::item::{get_bool, get_n, key, n, req_s, s, Item};
use super::paging::PageSize;
use super::{keys, transact_checked, unavailable, DynamoStore};
use crate::domain::notification::Notification;
use crate::ports::{NotificationInbox, Notifications, Page, PageRequest, StoreError};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};

const UNREAD_SK: &str = "UNREAD";

fn pointer_sk(id: &str) -> String {
    format!("ID#{id}")
}

fn notification_from(item: &Item) -> Result<Notification, StoreError> {
    let mut notification: Notification = serde_json::from_str(&req_s(item, "notification")?)
        .map_err(|e| StoreError::Corrupt(format!("notification: {e}")))?;
    notification.read = get_bool(item, "read").unwrap_or(false);
    Ok(notification)
}

impl DynamoStore {
    fn unread_by(&self, recipient: &str, delta: i64) -> Result<TransactWriteItem, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::notifications_pk(recipient), UNREAD_SK)))
            .update_expression("ADD unread :d")
            .expression_attribute_values(":d", n(delta))
            .build()
            .map_err(unavailable)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    fn mark_read_item(&self, recipient: &str, sk: &str) -> Result<TransactWriteItem, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::notifications_pk(recipient), sk)))
            .update_expression("SET #read = :true")
            .condition_expression("#read = :false")
            .expression_attribute_names("#read", "read")
            .expression_attribute_values(":true", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
            .expression_attribute_values(":false", aws_sdk_dynamodb::types::AttributeValue::Bool(false))
            .build()
            .map_err(unavailable)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }
}

#[async_trait::async_trait]
impl Notifications for DynamoStore {
    async fn notify(&self, notification: &Notification) -> Result<(), StoreError> {
        let pk = keys::notifications_pk(&notification.recipient);
        let sk = keys::notification_sk(notification.at, &notification.id);
        let json = serde_json::to_string(notification).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut pointer = key(&pk, pointer_sk(&notification.id));
        pointer.insert("at_sk".to_owned(), s(&sk));
        let pointer = Put::builder()
            .table_name(&self.table)
            .set_item(Some(pointer))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(unavailable)?;
        let mut item = key(&pk, &sk);
        item.insert("notification".to_owned(), s(json));
        item.insert("read".to_owned(), aws_sdk_dynamodb::types::AttributeValue::Bool(false));
        let item = Put::builder().table_name(&self.table).set_item(Some(item)).build().map_err(unavailable)?;
        let items = vec![
            TransactWriteItem::builder().put(pointer).build(),
            TransactWriteItem::builder().put(item).build(),
            self.unread_by(&notification.recipient, 1)?,
        ];
        // `false`: stored before, under the same id; nothing to do.
        transact_checked(&self.client, items).await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl NotificationInbox for DynamoStore {
    async fn notifications(&self, recipient: &str, page: &PageRequest) -> Result<Page<Notification>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :at)")
            .expression_attribute_values(":pk", s(keys::notifications_pk(recipient)))
            .expression_attribute_values(":at", s("AT#"))
            .scan_index_forward(false);
        let size = PageSize { default: 30, max: 100 };
        self.query_page(query, page, size, &[keys::PK, keys::SK], notification_from).await
    }

    async fn unread_count(&self, recipient: &str) -> Result<u64, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::notifications_pk(recipient), UNREAD_SK)))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.item().and_then(|item| get_n(item, "unread")).map_or(0, |count| count.max(0) as u64))
    }

    async fn mark_read(&self, recipient: &str, id: &str) -> Result<bool, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::notifications_pk(recipient), pointer_sk(id))))
            .send()
            .await
            .map_err(unavailable)?;
        let Some(sk) = out.item().map(|item| req_s(item, "at_sk")).transpose()? else { return Ok(false) };
        // A condition failure means it was read already: still found.
        transact_checked(&self.client, vec![self.mark_read_item(recipient, &sk)?, self.unread_by(recipient, -1)?])
            .await?;
        Ok(true)
    }

    async fn mark_all_read(&self, recipient: &str) -> Result<u64, StoreError> {
        let mut marked = 0;
        let mut start = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :at)")
                .filter_expression("#read = :false")
                .expression_attribute_names("#read", "read")
                .expression_attribute_values(":pk", s(keys::notifications_pk(recipient)))
                .expression_attribute_values(":at", s("AT#"))
                .expression_attribute_values(":false", aws_sdk_dynamodb::types::AttributeValue::Bool(false))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            let sks: Vec<String> = out.items().iter().map(|item| req_s(item, keys::SK)).collect::<Result<_, _>>()?;
            // One item at a time with its counter step: a notification read
            // meanwhile (its condition fails) leaves the counter alone.
            for sk in sks {
                let items = vec![self.mark_read_item(recipient, &sk)?, self.unread_by(recipient, -1)?];
                if transact_checked(&self.client, items).await? {
                    marked += 1;
                }
            }
            start = out.last_evaluated_key().cloned();
            if start.is_none() {
                return Ok(marked);
            }
        }
    }
}
