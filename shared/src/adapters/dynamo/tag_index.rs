//! Search by tag: one small membership item per (contact, tag) under the
//! contact's partition, on the overloaded `gsi1` with the sharded key
//! `TAG#<tag>#<shard>` and the contact id as sort key. A tag search is one
//! step of parallel per-shard Queries plus one BatchGetItem of the profiles
//! (owner and activity change too often to copy onto every membership).
//!
//! The items are written in the same transaction that changes the tags,
//! go with the partition on erasure, and follow the history on a merge.

use super::contacts::contact_from;
use super::fan_out::{ShardedIndex, ShardedRead};
use super::item::{get_s, key, s, Item};
use super::keys::{self, Shard};
use super::{unavailable, DynamoStore};
use crate::domain::{Contact, ContactId};
use crate::ports::{Page, PageRequest, StoreError};
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
use std::collections::HashMap;

/// Contacts carrying a tag, in contact id order.
const TAGGED: ShardedIndex = ShardedIndex { name: keys::GSI1, pk: keys::GSI1_PK, sk: keys::GSI1_SK, descending: false };

/// The membership item of `contact` in `tag`.
pub(super) fn membership(contact: &ContactId, tag: &str) -> Item {
    let mut item = key(keys::contact_pk(contact), keys::tag_sk(tag));
    item.extend([
        (keys::GSI1_PK.to_owned(), s(keys::tagged(tag, Shard::of(contact)))),
        (keys::GSI1_SK.to_owned(), s(contact.as_str())),
        ("contact_id".to_owned(), s(contact.as_str())),
        ("tag".to_owned(), s(tag)),
    ]);
    item
}

/// Whether `item` is a tag membership item.
pub(super) fn is_membership(item: &Item) -> bool {
    get_s(item, keys::SK).is_some_and(|sk| sk.starts_with(keys::TAG_PREFIX))
}

impl DynamoStore {
    /// The writes that take `contact` from the tags `before` to `after`.
    pub(super) fn tag_writes(
        &self,
        contact: &ContactId,
        before: &[String],
        after: &[String],
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        let mut writes = Vec::new();
        for tag in after.iter().filter(|t| !before.contains(t)) {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(membership(contact, tag)))
                .build()
                .map_err(unavailable)?;
            writes.push(TransactWriteItem::builder().put(put).build());
        }
        for tag in before.iter().filter(|t| !after.contains(t)) {
            let delete = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(key(keys::contact_pk(contact), keys::tag_sk(tag))))
                .build()
                .map_err(unavailable)?;
            writes.push(TransactWriteItem::builder().delete(delete).build());
        }
        Ok(writes)
    }

    /// A page of the contacts carrying `tag` that `visible_to` may see.
    pub(super) async fn tagged_contacts(
        &self,
        tag: &str,
        visible_to: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Contact>, StoreError> {
        let partition = |shard| keys::tagged(tag, shard);
        let read = ShardedRead { index: &TAGGED, partition: &partition, sort_condition: "", refine: &|q| q };
        let limit = page.limit.map_or(50, |l| i32::try_from(l.clamp(1, 100)).unwrap_or(50));
        let (members, next_cursor) = self.fan_out(&read, page.cursor.as_deref(), limit).await?;
        let ids: Vec<ContactId> =
            members.iter().filter_map(|m| get_s(m, "contact_id")).filter_map(|id| ContactId::parse(&id)).collect();
        let profiles = self.profiles(&ids).await?;
        // Visibility is the profile's, read now: a page may come out shorter
        // than asked, never holding what the viewer may not see.
        let items = ids
            .iter()
            .filter_map(|id| profiles.get(id.as_str()))
            .filter(|p| !p.contains_key("merged_into") && !p.contains_key("erased"))
            // The profile is the truth: a membership a writer left behind
            // (a crash between runs of a backfill, say) never shows.
            .filter(|p| p.get("tags").and_then(|t| t.as_ss().ok()).is_some_and(|tags| tags.iter().any(|t| t == tag)))
            .filter(|p| visible_to.is_none_or(|me| get_s(p, "owner").is_none_or(|owner| owner == me)))
            .map(contact_from)
            .collect::<Result<_, _>>()?;
        Ok(Page { items, next_cursor })
    }

    /// The profiles of `ids` (at most 100) by id, in one BatchGetItem
    /// (repeated only for what DynamoDB hands back unprocessed).
    pub(super) async fn profiles(&self, ids: &[ContactId]) -> Result<HashMap<String, Item>, StoreError> {
        let mut found = HashMap::new();
        if ids.is_empty() {
            return Ok(found);
        }
        let wanted = ids.iter().map(|id| key(keys::contact_pk(id), keys::PROFILE)).collect();
        for item in self.batch_read(wanted, None).await? {
            if let Some(id) = get_s(&item, "contact_id") {
                found.insert(id, item);
            }
        }
        Ok(found)
    }
}
