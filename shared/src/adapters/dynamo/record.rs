//! The contact record: staff's name, tags, custom fields, notes, and search
//! by name or phone prefix (each a Query on its own index).

use super::contacts::contact_from;
use super::item::{get_n, get_s, key, n, s};
use super::keys;
use super::{cursor, unavailable, DynamoStore};
use crate::domain::{Contact, ContactId, Millis};
use crate::domain::{ContactPatch, Note};
use crate::ports::{Page, PageRequest, StoreError};
use aws_sdk_dynamodb::types::AttributeValue;

#[async_trait::async_trait]
impl crate::ports::ContactRecordStore for DynamoStore {
    async fn patch_contact(&self, contact: &ContactId, patch: &ContactPatch) -> Result<(), StoreError> {
        let mut sets = Vec::new();
        let mut removes = Vec::new();
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), keys::PROFILE)));
        match &patch.display_name {
            Some(Some(name)) => {
                let sk = keys::name_sk(name, contact);
                sets.extend(["display_name = :dn", "display_name_sk = :dsk", "gsi6pk = :by_name", "gsi6sk = :dsk"]);
                request = request
                    .expression_attribute_values(":dn", s(name))
                    .expression_attribute_values(":dsk", s(sk))
                    .expression_attribute_values(":by_name", s(keys::BY_NAME));
            }
            Some(None) => removes.extend(["display_name", "display_name_sk"]),
            None => {}
        }
        if let Some(tags) = &patch.tags {
            if tags.is_empty() {
                removes.push("tags");
            } else {
                sets.push("tags = :tags");
                request = request.expression_attribute_values(":tags", AttributeValue::Ss(tags.clone()));
            }
        }
        if let Some(fields) = &patch.fields {
            sets.push("#fields = :fields");
            let map = fields.iter().map(|(k, v)| (k.clone(), s(v))).collect();
            request = request
                .expression_attribute_names("#fields", "fields")
                .expression_attribute_values(":fields", AttributeValue::M(map));
        }
        if sets.is_empty() && removes.is_empty() {
            return Ok(());
        }
        let mut expression = String::new();
        if !sets.is_empty() {
            expression.push_str(&format!("SET {} ", sets.join(", ")));
        }
        if !removes.is_empty() {
            expression.push_str(&format!("REMOVE {}", removes.join(", ")));
        }
        request
            .update_expression(expression)
            .condition_expression("attribute_exists(pk)")
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn add_note(&self, contact: &ContactId, note: &Note) -> Result<(), StoreError> {
        let mut item = key(keys::contact_pk(contact), keys::note_sk(note.at, &note.id));
        item.extend([
            ("id".to_owned(), s(&note.id)),
            ("author".to_owned(), s(&note.author)),
            ("text".to_owned(), s(&note.text)),
            ("at".to_owned(), n(note.at.0)),
        ]);
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(unavailable)?;
        Ok(())
    }

    async fn notes(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<Note>, StoreError> {
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
            })
            .collect();
        Ok(Page { items: notes, next_cursor: cursor::encode(out.last_evaluated_key()) })
    }

    async fn search(
        &self,
        query: &str,
        visible_to: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Contact>, StoreError> {
        let digits: String = query.chars().filter(char::is_ascii_digit).collect();
        let phone_like = !digits.is_empty() && query.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
        let (index, pk_attr, sk_attr, pk, prefix) = if phone_like {
            (keys::GSI7, "gsi7pk", "gsi7sk", keys::BY_PHONE, digits)
        } else {
            (keys::GSI6, "gsi6pk", "gsi6sk", keys::BY_NAME, keys::fold_name(query))
        };
        let start = cursor::decode(page.cursor.as_deref(), &[keys::PK, keys::SK, pk_attr, sk_attr])?;
        let mut request = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index)
            .key_condition_expression(format!("{pk_attr} = :pk AND begins_with({sk_attr}, :prefix)"))
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":prefix", s(prefix))
            .limit(page.limit.map_or(50, |l| i32::try_from(l.clamp(1, 200)).unwrap_or(50)))
            .set_exclusive_start_key(start);
        request = super::visible_to(request, visible_to);
        let out = request.send().await.map_err(unavailable)?;
        Ok(Page {
            items: out.items().iter().map(contact_from).collect::<Result<_, _>>()?,
            next_cursor: cursor::encode(out.last_evaluated_key()),
        })
    }
}
