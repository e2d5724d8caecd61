//! The contact record: staff's name, tags, custom fields, notes, and search
//! by name or phone prefix (each on its own index, one Query per shard).

use super::contacts::contact_from;
use super::failure::applied;
use super::fan_out::{ShardedRead, BY_NAME, BY_PHONE};
use super::item::{get_n, get_s, key, n, s};
use super::keys::{self, Shard};
use super::{cursor, unavailable, DynamoStore};
use crate::domain::{Contact, ContactId, Millis};
use crate::domain::{ContactPatch, Note};
use crate::ports::{Page, PageRequest, StoreError};
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use std::collections::HashMap;

/// Where a patch's fields go: into the map the contact has, or into a map
/// the same write makes (the contact has none yet).
#[derive(Clone, Copy)]
enum FieldMap {
    Existing,
    New,
}

/// `true` when the update was written, `false` when its condition failed.
impl DynamoStore {
    pub(super) async fn update_record(&self, contact: &ContactId, patch: &ContactPatch) -> Result<bool, StoreError> {
        // The membership items change in the same write, planned on the
        // tags read now: a concurrent change fails the condition.
        let tags_before = match &patch.tags {
            Some(_) => Some(self.current_tags(contact).await?),
            None => None,
        };
        if self.write_record(contact, patch, tags_before.as_deref(), FieldMap::Existing).await? {
            return Ok(true);
        }
        // A contact that never had fields has no map to put keys in. The
        // retry makes the map holding them in the same write as the rest of
        // the edit, so no reader sees the fields without the tags; a map
        // made meanwhile by a concurrent edit fails it, and the caller reads
        // again.
        match patch.fields.as_ref() {
            Some(fields) if !fields.set.is_empty() && fields.present.is_empty() => {
                self.write_record(contact, patch, tags_before.as_deref(), FieldMap::New).await
            }
            _ => Ok(false),
        }
    }

    /// One conditional write of `patch`: `false` when a condition failed.
    async fn write_record(
        &self,
        contact: &ContactId,
        patch: &ContactPatch,
        tags_before: Option<&[String]>,
        map: FieldMap,
    ) -> Result<bool, StoreError> {
        let mut sets: Vec<String> = Vec::new();
        let mut removes: Vec<String> = Vec::new();
        let mut conditions = vec!["attribute_exists(pk)".to_owned()];
        let mut names: HashMap<String, String> = HashMap::new();
        let mut values: HashMap<String, AttributeValue> = HashMap::new();
        match &patch.display_name {
            Some(Some(name)) => {
                sets.extend(
                    ["display_name = :dn", "display_name_sk = :dsk", "gsi6pk = :by_name", "gsi6sk = :dsk"]
                        .map(String::from),
                );
                values.insert(":dn".into(), s(name));
                values.insert(":dsk".into(), s(keys::name_sk(name, contact)));
                values.insert(":by_name".into(), s(keys::by_name(Shard::of(contact))));
            }
            Some(None) => {
                // Search follows the shown name: back to the profile name's
                // key, or out of name search when there is none.
                removes.extend(["display_name", "display_name_sk"].map(String::from));
                names.insert("#name".into(), "name".into());
                match &patch.profile_name {
                    Some(profile) => {
                        sets.extend(["gsi6pk = :by_name", "gsi6sk = :psk"].map(String::from));
                        values.insert(":by_name".into(), s(keys::by_name(Shard::of(contact))));
                        values.insert(":psk".into(), s(keys::name_sk(profile, contact)));
                        values.insert(":profile".into(), s(profile));
                        conditions.push("#name = :profile".into());
                    }
                    None => {
                        removes.extend(["gsi6pk", "gsi6sk"].map(String::from));
                        conditions.push("attribute_not_exists(#name)".into());
                    }
                }
            }
            None => {}
        }
        let mut tag_writes = Vec::new();
        if let (Some(tags), Some(before)) = (&patch.tags, tags_before) {
            if before.is_empty() {
                conditions.push("attribute_not_exists(tags)".into());
            } else {
                conditions.push("size(tags) = :tag_count".into());
                values.insert(":tag_count".into(), n(i64::try_from(before.len()).unwrap_or(i64::MAX)));
                for (i, tag) in before.iter().enumerate() {
                    conditions.push(format!("contains(tags, :had{i})"));
                    values.insert(format!(":had{i}"), s(tag));
                }
            }
            tag_writes = self.tag_writes(contact, before, tags)?;
            if tags.is_empty() {
                removes.push("tags".into());
            } else {
                sets.push("tags = :tags".into());
                values.insert(":tags".into(), AttributeValue::Ss(tags.clone()));
            }
        }
        let fields = patch.fields.as_ref().filter(|f| !f.is_empty());
        match (fields, map) {
            (Some(fields), FieldMap::New) => {
                // Never an empty map: DynamoDB Local writes an empty map
                // into stream records as `{}`, which no SDK can read, and
                // the local event stream would stop at it.
                names.insert("#fields".into(), "fields".into());
                let map = fields.set.iter().map(|(k, v)| (k.clone(), s(v))).collect();
                sets.push("#fields = :new_fields".into());
                values.insert(":new_fields".into(), AttributeValue::M(map));
                conditions.push("attribute_not_exists(#fields)".into());
            }
            (Some(fields), FieldMap::Existing) => {
                // Each key on its own path, so that concurrent edits of other
                // keys are kept; the room and the keys counted on are checked.
                names.insert("#fields".into(), "fields".into());
                let mut placeholder = 0;
                let mut name_of = |names: &mut HashMap<String, String>, key: &str| {
                    placeholder += 1;
                    let name = format!("#f{placeholder}");
                    names.insert(name.clone(), key.to_owned());
                    name
                };
                for (key, value) in &fields.set {
                    let name = name_of(&mut names, key);
                    let value_name = format!(":v{}", name.trim_start_matches("#f"));
                    sets.push(format!("#fields.{name} = {value_name}"));
                    values.insert(value_name, s(value));
                }
                for key in &fields.remove {
                    removes.push(format!("#fields.{}", name_of(&mut names, key)));
                }
                conditions.push("size(#fields) <= :room".into());
                values.insert(":room".into(), n(i64::try_from(fields.max_before).unwrap_or(i64::MAX)));
                for key in &fields.present {
                    conditions.push(format!("attribute_exists(#fields.{})", name_of(&mut names, key)));
                }
            }
            (None, _) => {}
        }
        if sets.is_empty() && removes.is_empty() {
            return Ok(true);
        }
        let mut expression = String::new();
        if !sets.is_empty() {
            expression.push_str(&format!("SET {} ", sets.join(", ")));
        }
        if !removes.is_empty() {
            expression.push_str(&format!("REMOVE {}", removes.join(", ")));
        }
        let names = (!names.is_empty()).then_some(names);
        let values = (!values.is_empty()).then_some(values);
        let record_key = key(keys::contact_pk(contact), keys::PROFILE);
        if tag_writes.is_empty() {
            let update = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(record_key))
                .update_expression(expression)
                .condition_expression(conditions.join(" AND "))
                .set_expression_attribute_names(names)
                .set_expression_attribute_values(values);
            return applied(update.send().await);
        }
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(record_key))
            .update_expression(expression)
            .condition_expression(conditions.join(" AND "))
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            .build()
            .map_err(unavailable)?;
        let mut writes = vec![TransactWriteItem::builder().update(update).build()];
        writes.extend(tag_writes);
        super::transact_checked(&self.client, writes).await
    }

    /// The tags the contact carries now (a strongly consistent read).
    async fn current_tags(&self, contact: &ContactId) -> Result<Vec<String>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), keys::PROFILE)))
            .projection_expression("tags")
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.item().and_then(|i| i.get("tags")).and_then(|t| t.as_ss().ok()).cloned().unwrap_or_default())
    }

    pub(super) async fn put_note(&self, contact: &ContactId, note: &Note) -> Result<(), StoreError> {
        let mut item = key(keys::contact_pk(contact), keys::note_sk(note.at, &note.id));
        item.extend([
            ("id".to_owned(), s(&note.id)),
            ("author".to_owned(), s(&note.author)),
            ("text".to_owned(), s(&note.text)),
            ("at".to_owned(), n(note.at.0)),
        ]);
        if let Some(call) = &note.call {
            let call = serde_json::to_string(call).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            item.insert("call".to_owned(), s(call));
        }
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(unavailable)?;
        Ok(())
    }

    pub(super) async fn query_notes(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<Note>, StoreError> {
        let start = cursor::decode(page.cursor.as_deref(), &[keys::PK, keys::SK])?;
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :n)")
            .expression_attribute_values(":pk", s(keys::contact_pk(contact)))
            .expression_attribute_values(":n", s("N#"))
            .scan_index_forward(false)
            .limit(50)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(unavailable)?;
        let notes = out
            .items()
            .iter()
            .map(|i| Note {
                id: get_s(i, "id").unwrap_or_default(),
                author: get_s(i, "author").unwrap_or_default(),
                text: get_s(i, "text").unwrap_or_default(),
                at: Millis(get_n(i, "at").unwrap_or(0)),
                call: get_s(i, "call").and_then(|c| serde_json::from_str(&c).ok()),
            })
            .collect();
        Ok(Page { items: notes, next_cursor: cursor::encode(out.last_evaluated_key()) })
    }

    pub(super) async fn search_contacts(
        &self,
        query: &str,
        visible_to: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Contact>, StoreError> {
        let digits: String = query.chars().filter(char::is_ascii_digit).collect();
        let phone_like = !digits.is_empty() && query.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
        let (index, partition, prefix): (_, &(dyn Fn(Shard) -> String + Sync), _) = if phone_like {
            (&BY_PHONE, &keys::by_phone, digits)
        } else {
            (&BY_NAME, &keys::by_name, keys::fold_name(query))
        };
        let sort_condition = format!(" AND begins_with({}, :prefix)", index.sk);
        let refine = |request: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder| {
            super::visible_to(request.expression_attribute_values(":prefix", s(&prefix)), visible_to)
        };
        let read = ShardedRead { index, partition, sort_condition: &sort_condition, refine: &refine };
        let limit = page.limit.map_or(50, |l| i32::try_from(l.clamp(1, 200)).unwrap_or(50));
        let (items, next_cursor) = self.fan_out(&read, page.cursor.as_deref(), limit).await?;
        Ok(Page { items: items.iter().map(contact_from).collect::<Result<_, _>>()?, next_cursor })
    }
}

#[async_trait::async_trait]
impl crate::ports::ContactRecordStore for DynamoStore {
    async fn patch_contact(&self, contact: &ContactId, patch: &ContactPatch) -> Result<bool, StoreError> {
        self.update_record(contact, patch).await
    }

    async fn add_note(&self, contact: &ContactId, note: &Note) -> Result<(), StoreError> {
        self.put_note(contact, note).await
    }

    async fn notes(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<Note>, StoreError> {
        self.query_notes(contact, page).await
    }

    async fn search(
        &self,
        query: &str,
        only_visible_to: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Contact>, StoreError> {
        self.search_contacts(query, only_visible_to, page).await
    }

    async fn tagged(
        &self,
        tag: &str,
        only_visible_to: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Contact>, StoreError> {
        self.tagged_contacts(tag, only_visible_to, page).await
    }
}
