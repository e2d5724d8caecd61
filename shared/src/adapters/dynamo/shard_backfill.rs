//! The backfill of the sharded list indexes: reads the old, unsharded index
//! partitions page by page and rewrites each item's index keys to its
//! shard's. A rewritten item leaves the old partition, so the partitions
//! shrink as the pass goes; a pass that finds them empty ends the backfill.
//!
//! The old partitions are every fixed list key and, for the owner queues,
//! `OWNER#<email>` of every teammate. A contact's item is rewritten whole
//! (every index key it holds), only if each key it changes still holds the
//! old value it was read with (and its owner is unchanged, which the owner
//! keys follow).

use super::cursor;
use super::item::{get_bool, get_s, key, s, Item};
use super::keys::{self, unsharded, Shard};
use super::{is_condition_failure, unavailable, DynamoStore};
use crate::domain::conversation::ConversationStatus;
use crate::domain::ContactId;
use crate::ports::{BackfillPage, BackfillProgress, BackfillStep, StoreError};
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// Every status a conversation's queue key can name.
const STATUSES: [ConversationStatus; 4] = [
    ConversationStatus::Open,
    ConversationStatus::WaitingOnUs,
    ConversationStatus::WaitingOnCustomer,
    ConversationStatus::Closed,
];

/// An old partition: the index, its key attributes and the old key value.
struct OldPartition {
    index: &'static str,
    pk: &'static str,
    sk: &'static str,
    value: String,
}

impl OldPartition {
    fn new(index: &'static str, pk: &'static str, sk: &'static str, value: impl Into<String>) -> Self {
        OldPartition { index, pk, sk, value: value.into() }
    }
}

/// The sharded value of each index key `item` still holds in its old form
/// (attribute, old value, new value); empty when there is nothing to move
/// or the item is not a contact's.
fn moves(item: &Item) -> Vec<(&'static str, String, String)> {
    let Some(contact) = get_s(item, keys::PK).and_then(|pk| ContactId::parse(pk.strip_prefix("C#")?)) else {
        return Vec::new();
    };
    let shard = Shard::of(&contact);
    let owner = get_s(item, "owner");
    let old_owner_queue = format!("OWNER#{}", owner.as_deref().unwrap_or("-"));
    let new_owner_queue = keys::owner_queue(owner.as_deref(), shard);
    let status_queue = |old: &str| {
        STATUSES
            .iter()
            .find(|status| unsharded::status_queue(status.as_str()) == old)
            .map(|status| keys::status_queue(status.as_str(), shard))
    };
    let wanted = |attribute: &str, old: &str| -> Option<String> {
        match attribute {
            keys::GSI1_PK => (old == unsharded::CONTACTS).then(|| keys::contacts_by_activity(shard)),
            keys::GSI2_PK => (old == unsharded::OUTBOX).then(|| keys::outbox(shard)),
            "gsi3pk" => status_queue(old),
            "gsi4pk" | "owner_key" => (old == old_owner_queue).then(|| new_owner_queue.clone()),
            "gsi5pk" => (old == unsharded::AWAITING).then(|| keys::awaiting(shard)),
            "gsi6pk" => (old == unsharded::BY_NAME).then(|| keys::by_name(shard)),
            "gsi7pk" => (old == unsharded::BY_PHONE).then(|| keys::by_phone(shard)),
            _ => None,
        }
    };
    [keys::GSI1_PK, keys::GSI2_PK, "gsi3pk", "gsi4pk", "owner_key", "gsi5pk", "gsi6pk", "gsi7pk"]
        .into_iter()
        .filter_map(|attribute| {
            let old = get_s(item, attribute)?;
            let new = wanted(attribute, &old)?;
            Some((attribute, old, new))
        })
        .collect()
}

/// The item recording where `step` stands.
fn progress_key(step: BackfillStep) -> &'static str {
    match step {
        BackfillStep::IndexShards => keys::SHARD_BACKFILL,
        BackfillStep::TagIndex => keys::TAG_BACKFILL,
    }
}

/// A pass position: which old partition, and where in it.
fn encode_position(partition: usize, start: Option<&Item>) -> String {
    format!("{partition}:{}", cursor::encode(start).unwrap_or_default())
}

fn decode_position(text: Option<&str>, partitions: &[OldPartition]) -> Result<(usize, Option<Item>), StoreError> {
    let Some(text) = text else {
        return Ok((0, None));
    };
    let corrupt = || StoreError::Corrupt("index backfill position".into());
    let (partition, start) = text.split_once(':').ok_or_else(corrupt)?;
    let partition: usize = partition.parse().map_err(|_| corrupt())?;
    let Some(old) = partitions.get(partition) else {
        // The team shrank since the position was saved: the pass is over.
        return Ok((partitions.len(), None));
    };
    let start = cursor::decode(Some(start), &[keys::PK, keys::SK, old.pk, old.sk]).map_err(|_| corrupt())?;
    Ok((partition, start))
}

impl DynamoStore {
    /// The old partitions, in pass order.
    async fn old_partitions(&self) -> Result<Vec<OldPartition>, StoreError> {
        let mut partitions = vec![
            OldPartition::new(keys::GSI1, keys::GSI1_PK, keys::GSI1_SK, unsharded::CONTACTS),
            OldPartition::new(keys::GSI2, keys::GSI2_PK, keys::GSI2_SK, unsharded::OUTBOX),
        ];
        partitions.extend(
            STATUSES.map(|st| OldPartition::new(keys::GSI3, "gsi3pk", "gsi3sk", unsharded::status_queue(st.as_str()))),
        );
        partitions.push(OldPartition::new(keys::GSI4, "gsi4pk", "gsi4sk", unsharded::UNASSIGNED));
        let mut emails: Vec<String> =
            crate::ports::UserStore::list_users(self).await?.into_iter().map(|user| user.email).collect();
        emails.sort();
        partitions.extend(
            emails.iter().map(|email| OldPartition::new(keys::GSI4, "gsi4pk", "gsi4sk", format!("OWNER#{email}"))),
        );
        partitions.extend([
            OldPartition::new(keys::GSI5, "gsi5pk", "gsi5sk", unsharded::AWAITING),
            OldPartition::new(keys::GSI6, "gsi6pk", "gsi6sk", unsharded::BY_NAME),
            OldPartition::new(keys::GSI7, "gsi7pk", "gsi7sk", unsharded::BY_PHONE),
        ]);
        Ok(partitions)
    }

    /// Rewrites `item`'s old index keys; `Ok(None)` when it has none,
    /// `Ok(Some(false))` when it changed since it was read.
    async fn move_to_shard(&self, item: &Item) -> Result<Option<bool>, StoreError> {
        let moves = moves(item);
        let (Some(pk), Some(sk)) = (get_s(item, keys::PK), get_s(item, keys::SK)) else {
            return Ok(None);
        };
        if moves.is_empty() {
            return Ok(None);
        }
        let mut sets = Vec::new();
        let mut conditions = Vec::new();
        let mut values: HashMap<String, AttributeValue> = HashMap::new();
        let mut names: HashMap<String, String> = HashMap::new();
        for (i, (attribute, old, new)) in moves.iter().enumerate() {
            sets.push(format!("{attribute} = :new{i}"));
            conditions.push(format!("{attribute} = :old{i}"));
            values.insert(format!(":new{i}"), s(new));
            values.insert(format!(":old{i}"), s(old));
        }
        if moves.iter().any(|(attribute, _, _)| matches!(*attribute, "gsi4pk" | "owner_key")) {
            names.insert("#owner".into(), "owner".into());
            match get_s(item, "owner") {
                Some(owner) => {
                    conditions.push("#owner = :owner".into());
                    values.insert(":owner".into(), s(owner));
                }
                None => conditions.push("attribute_not_exists(#owner)".into()),
            }
        }
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .update_expression(format!("SET {}", sets.join(", ")))
            .condition_expression(conditions.join(" AND "))
            .set_expression_attribute_values(Some(values))
            .set_expression_attribute_names((!names.is_empty()).then_some(names))
            .send()
            .await;
        match result {
            Ok(_) => Ok(Some(true)),
            Err(e) if e.as_service_error().is_some_and(is_condition_failure) => Ok(Some(false)),
            Err(e) => Err(unavailable(e)),
        }
    }
}

#[async_trait::async_trait]
impl crate::ports::IndexBackfillStore for DynamoStore {
    async fn backfill_progress(&self, step: BackfillStep) -> Result<BackfillProgress, StoreError> {
        // A Query of the one item, not a GetItem: the scheduled function's
        // role grants Query and UpdateItem only.
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :m AND sk = :m")
            .expression_attribute_values(":m", s(progress_key(step)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        let Some(item) = out.items().first() else {
            return Ok(BackfillProgress::Running { at: None, found: false });
        };
        if get_bool(item, "done").unwrap_or(false) {
            return Ok(BackfillProgress::Done);
        }
        Ok(BackfillProgress::Running { at: get_s(item, "at"), found: get_bool(item, "found").unwrap_or(false) })
    }

    async fn backfill_page(
        &self,
        step: BackfillStep,
        at: Option<&str>,
        limit: i32,
    ) -> Result<BackfillPage, StoreError> {
        if step == BackfillStep::TagIndex {
            return self.tag_backfill_page(at, limit).await;
        }
        let partitions = self.old_partitions().await?;
        let (partition, start) = decode_position(at, &partitions)?;
        let Some(old) = partitions.get(partition) else {
            return Ok(BackfillPage::default());
        };
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(old.index)
            .key_condition_expression(format!("{} = :old", old.pk))
            .expression_attribute_values(":old", s(&old.value))
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(unavailable)?;
        let mut page = BackfillPage::default();
        for item in out.items() {
            match self.move_to_shard(item).await? {
                Some(true) => page.moved += 1,
                Some(false) => page.conflicts += 1,
                None => {}
            }
        }
        page.next = match out.last_evaluated_key() {
            Some(stop) => Some(encode_position(partition, Some(stop))),
            None if partition + 1 < partitions.len() => Some(encode_position(partition + 1, None)),
            None => None,
        };
        Ok(page)
    }

    async fn save_backfill_progress(&self, step: BackfillStep, progress: &BackfillProgress) -> Result<(), StoreError> {
        let update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(progress_key(step), progress_key(step))));
        let update = match progress {
            BackfillProgress::Done => update
                .update_expression("SET #done = :t REMOVE #found, #at")
                .expression_attribute_values(":t", AttributeValue::Bool(true)),
            BackfillProgress::Running { at: Some(at), found } => update
                .update_expression("SET #found = :f, #at = :at REMOVE #done")
                .expression_attribute_values(":f", AttributeValue::Bool(*found))
                .expression_attribute_values(":at", s(at)),
            BackfillProgress::Running { at: None, found } => update
                .update_expression("SET #found = :f REMOVE #done, #at")
                .expression_attribute_values(":f", AttributeValue::Bool(*found)),
        };
        update
            .expression_attribute_names("#at", "at")
            .expression_attribute_names("#done", "done")
            .expression_attribute_names("#found", "found")
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(attributes: &[(&str, &str)]) -> Item {
        let mut item = key("C#0123456789abcdef01234567", keys::PROFILE);
        item.extend(attributes.iter().map(|(k, v)| ((*k).to_owned(), s(*v))));
        item
    }

    #[test]
    fn only_old_keys_move_and_the_owner_queue_follows_the_owner() {
        let contact = ContactId::parse("0123456789abcdef01234567").unwrap();
        let shard = Shard::of(&contact);
        let item = profile(&[
            ("gsi1pk", "CONTACTS"),
            ("gsi3pk", "Q#waiting_on_us"),
            ("owner", "a@shop.test"),
            ("owner_key", "OWNER#a@shop.test"),
            ("gsi4pk", "OWNER#a@shop.test"),
            ("gsi5pk", &keys::awaiting(shard)),
            ("gsi6pk", "NAME"),
        ]);
        let moved: Vec<(&str, String)> = moves(&item).into_iter().map(|(a, _, new)| (a, new)).collect();
        assert_eq!(
            moved,
            [
                ("gsi1pk", keys::contacts_by_activity(shard)),
                ("gsi3pk", keys::status_queue("waiting_on_us", shard)),
                ("gsi4pk", keys::owner_queue(Some("a@shop.test"), shard)),
                ("owner_key", keys::owner_queue(Some("a@shop.test"), shard)),
                ("gsi6pk", keys::by_name(shard)),
            ]
        );
        let not_contacts = [
            profile(&[("gsi1pk", "USERS")]),
            profile(&[("gsi3pk", "P#sales#won"), ("gsi4pk", "TASKS")]),
            profile(&[("gsi4pk", "OWNER#someone-else@shop.test")]),
        ];
        for item in not_contacts {
            assert!(moves(&item).is_empty(), "{item:?}");
        }
        let mut stranger = profile(&[("gsi1pk", "CONTACTS")]);
        stranger.insert(keys::PK.into(), s("U#a@shop.test"));
        assert!(moves(&stranger).is_empty(), "only contacts' items have a shard");
    }

    #[test]
    fn positions_round_trip() {
        let partitions = vec![
            OldPartition::new(keys::GSI1, keys::GSI1_PK, keys::GSI1_SK, "CONTACTS"),
            OldPartition::new(keys::GSI2, keys::GSI2_PK, keys::GSI2_SK, "OUTBOX"),
        ];
        let stop = profile(&[("gsi2pk", "OUTBOX"), ("gsi2sk", "queued#1")]);
        let text = encode_position(1, Some(&stop));
        assert_eq!(decode_position(Some(&text), &partitions).unwrap(), (1, Some(stop)));
        assert_eq!(decode_position(Some(&encode_position(1, None)), &partitions).unwrap(), (1, None));
        assert_eq!(decode_position(None, &partitions).unwrap(), (0, None));
        assert_eq!(decode_position(Some("7:"), &partitions).unwrap(), (2, None), "past the end: the pass is over");
        assert!(decode_position(Some("x"), &partitions).is_err());
    }
}
