//! Read markers: `C#<contact>`/`READ#<user>` with `read_through`, moved
//! forward only, by one conditional write; a page's markers are read with
//! one BatchGetItem per 100 contacts.

use super::item::{get_n, get_s, key, n, s, Item};
use super::{is_condition_failure, keys, unavailable, DynamoStore};
use crate::domain::{ContactId, Millis};
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::KeysAndAttributes;
use std::collections::HashMap;

/// BatchGetItem's limit.
const BATCH: usize = 100;
/// How often unprocessed keys (throttling) are asked for again.
const BATCH_ROUNDS: usize = 4;

#[async_trait::async_trait]
impl crate::ports::ReadMarkers for DynamoStore {
    async fn mark_read(&self, contact: &ContactId, user: &str, through: Millis) -> Result<bool, StoreError> {
        let written = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), keys::read_marker_sk(user))))
            .update_expression("SET read_through = :t, contact_id = :cid")
            .condition_expression("attribute_not_exists(read_through) OR read_through < :t")
            .expression_attribute_values(":t", n(through.0))
            .expression_attribute_values(":cid", s(contact.as_str()))
            .send()
            .await;
        match written {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(is_condition_failure) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn read_through(&self, user: &str, contacts: &[ContactId]) -> Result<HashMap<ContactId, Millis>, StoreError> {
        let mut found = HashMap::new();
        for chunk in contacts.chunks(BATCH) {
            let mut wanted: Vec<Item> =
                chunk.iter().map(|c| key(keys::contact_pk(c), keys::read_marker_sk(user))).collect();
            wanted.dedup();
            for _ in 0..BATCH_ROUNDS {
                if wanted.is_empty() {
                    break;
                }
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(std::mem::take(&mut wanted)))
                    .projection_expression("contact_id, read_through")
                    .build()
                    .map_err(unavailable)?;
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(unavailable)?;
                for item in out.responses().and_then(|r| r.get(&self.table)).into_iter().flatten() {
                    let id = get_s(item, "contact_id").and_then(|id| ContactId::parse(&id));
                    if let (Some(id), Some(at)) = (id, get_n(item, "read_through")) {
                        found.insert(id, Millis(at));
                    }
                }
                wanted = out
                    .unprocessed_keys()
                    .and_then(|u| u.get(&self.table))
                    .map(|k| k.keys().to_vec())
                    .unwrap_or_default();
            }
            if !wanted.is_empty() {
                return Err(StoreError::Unavailable("read markers kept being throttled".into()));
            }
        }
        Ok(found)
    }
}
