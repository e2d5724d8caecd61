//! Erasing and merging contacts. Both walk the contact's own partition (one
//! Query per page) and its pointers, deleting or re-homing in batches; both
//! finish with the profile, so a crash half-way is finished by a re-run.

use super::item::{get_s, key, n, s, Item};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::identity::IdentityKey;
use crate::domain::ContactId;
use crate::ports::{PageRequest, StoreError};
use aws_sdk_dynamodb::types::{AttributeValue, DeleteRequest, PutRequest, WriteRequest};

impl DynamoStore {
    async fn partition(&self, contact: &ContactId) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", s(keys::contact_pk(contact)))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            items.extend(out.items().iter().cloned());
            match out.last_evaluated_key() {
                Some(k) => start = Some(k.clone()),
                None => return Ok(items),
            }
        }
    }

    /// BatchWriteItem in chunks of 25, retrying what DynamoDB hands back.
    async fn batch_write(&self, requests: Vec<WriteRequest>) -> Result<(), StoreError> {
        for chunk in requests.chunks(25) {
            let mut pending = chunk.to_vec();
            for _ in 0..8 {
                if pending.is_empty() {
                    break;
                }
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, pending.clone())
                    .send()
                    .await
                    .map_err(unavailable)?;
                pending = out.unprocessed_items().and_then(|u| u.get(&self.table)).cloned().unwrap_or_default();
            }
            if !pending.is_empty() {
                return Err(StoreError::Unavailable("batch write kept being throttled".into()));
            }
        }
        Ok(())
    }

    fn pointer_keys(&self, items: &[Item], profile: Option<&Item>) -> Vec<Item> {
        let mut pointers: Vec<Item> = items
            .iter()
            .filter(|i| get_s(i, keys::SK).is_some_and(|sk| sk.starts_with(keys::MESSAGE_PREFIX)))
            .flat_map(|i| [get_s(i, "wamid"), get_s(i, "id")])
            .flatten()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|id| key(keys::wamid_pk(&id), keys::WAMID))
            .collect();
        if let Some(profile) = profile {
            let number = get_s(profile, "phone_number_id").unwrap_or_default();
            let identities =
                [get_s(profile, "wa_id").map(IdentityKey::WaId), get_s(profile, "user_id").map(IdentityKey::UserId)];
            pointers.extend(
                identities.into_iter().flatten().map(|i| key(keys::identity_pk(&number, &i.as_key()), keys::IDENTITY)),
            );
        }
        pointers
    }

    /// Tags join; the surviving contact keeps its own fields and name, and
    /// learns the other's identities it lacks.
    async fn absorb_profile(&self, into: &ContactId, other: &Item) -> Result<(), StoreError> {
        let mut request =
            self.client.update_item().table_name(&self.table).set_key(Some(key(keys::contact_pk(into), keys::PROFILE)));
        let mut sets = vec!["merged_count = if_not_exists(merged_count, :zero) + :one".to_owned()];
        request = request.expression_attribute_values(":zero", n(0)).expression_attribute_values(":one", n(1));
        for attribute in ["wa_id", "user_id"] {
            if let Some(value) = get_s(other, attribute) {
                sets.push(format!("{attribute} = if_not_exists({attribute}, :{attribute})"));
                request = request.expression_attribute_values(format!(":{attribute}"), s(value));
            }
        }
        let mut expression = format!("SET {}", sets.join(", "));
        if let Some(tags) = other.get("tags").and_then(|t| t.as_ss().ok()) {
            expression.push_str(" ADD tags :tags");
            request = request.expression_attribute_values(":tags", AttributeValue::Ss(tags.clone()));
        }
        request
            .update_expression(expression)
            .condition_expression("attribute_exists(pk)")
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

fn delete_request(key: Item) -> Result<WriteRequest, StoreError> {
    Ok(WriteRequest::builder()
        .delete_request(DeleteRequest::builder().set_key(Some(key)).build().map_err(unavailable)?)
        .build())
}

fn put_request(item: Item) -> Result<WriteRequest, StoreError> {
    Ok(WriteRequest::builder()
        .put_request(PutRequest::builder().set_item(Some(item)).build().map_err(unavailable)?)
        .build())
}

#[async_trait::async_trait]
impl crate::ports::ContactLifecycleStore for DynamoStore {
    async fn erase_contact(&self, contact: &ContactId) -> Result<usize, StoreError> {
        let items = self.partition(contact).await?;
        let profile = items.iter().find(|i| get_s(i, keys::SK).as_deref() == Some(keys::PROFILE));
        let mut deletes: Vec<Item> = self.pointer_keys(&items, profile);
        deletes.extend(
            items
                .iter()
                .filter(|i| get_s(i, keys::SK).as_deref() != Some(keys::PROFILE))
                .filter_map(|i| Some(key(get_s(i, keys::PK)?, get_s(i, keys::SK)?))),
        );
        let count = deletes.len();
        self.batch_write(deletes.into_iter().map(delete_request).collect::<Result<_, _>>()?).await?;
        // The tombstone: no name, no phone, out of every list and queue.
        let mut tombstone = key(keys::contact_pk(contact), keys::PROFILE);
        tombstone.extend([
            ("contact_id".to_owned(), s(contact.as_str())),
            ("erased".to_owned(), AttributeValue::Bool(true)),
        ]);
        if let Some(created) = profile.and_then(|p| p.get("created_at")) {
            tombstone.insert("created_at".to_owned(), created.clone());
        }
        self.client.put_item().table_name(&self.table).set_item(Some(tombstone)).send().await.map_err(unavailable)?;
        Ok(count)
    }

    async fn merge_contacts(&self, into: &ContactId, from: &ContactId) -> Result<usize, StoreError> {
        let items = self.partition(from).await?;
        let profile = items.iter().find(|i| get_s(i, keys::SK).as_deref() == Some(keys::PROFILE)).cloned();
        let mut writes = Vec::new();
        let mut removed = Vec::new();
        for item in items.iter().filter(|i| get_s(i, keys::SK).as_deref() != Some(keys::PROFILE)) {
            let mut moved = item.clone();
            moved.insert(keys::PK.to_owned(), s(keys::contact_pk(into)));
            moved.insert("contact_id".to_owned(), s(into.as_str()));
            writes.push(moved);
            if let (Some(pk), Some(sk)) = (get_s(item, keys::PK), get_s(item, keys::SK)) {
                removed.push(key(pk, sk));
            }
        }
        // Pointers (wamids and identities) now name the surviving contact.
        for pointer in self.pointer_keys(&items, profile.as_ref()) {
            let mut updated = pointer;
            updated.insert("contact_id".to_owned(), s(into.as_str()));
            if let Some(message) = items.iter().find(|i| {
                updated.get(keys::PK).and_then(|p| p.as_s().ok()).is_some_and(|p| {
                    [get_s(i, "wamid"), get_s(i, "id")].into_iter().flatten().any(|w| keys::wamid_pk(&w) == *p)
                })
            }) {
                if let Some(sk) = get_s(message, keys::SK) {
                    updated.insert("message_sk".to_owned(), s(sk));
                }
            }
            writes.push(updated);
        }
        let count = writes.len();
        self.batch_write(writes.into_iter().map(put_request).collect::<Result<_, _>>()?).await?;
        self.batch_write(removed.into_iter().map(delete_request).collect::<Result<_, _>>()?).await?;
        // Deals follow their customer.
        let deals =
            crate::ports::DealStore::contact_deals(self, from, &PageRequest { cursor: None, limit: Some(200) }).await?;
        for mut deal in deals.items {
            deal.contact_id = into.clone();
            let expected = deal.updated_at;
            let audit = crate::domain::AuditEntry {
                at: deal.updated_at,
                actor: "merge".into(),
                action: "deal_moved".into(),
                contact: Some(into.clone()),
                detail: serde_json::json!({"deal": deal.id, "from_contact": from}).to_string(),
            };
            crate::ports::DealStore::save_deal(self, &deal, expected, &audit, None).await?;
        }
        if let Some(profile) = profile {
            self.absorb_profile(into, &profile).await?;
        }
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(from), keys::PROFILE)))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(count)
    }
}
