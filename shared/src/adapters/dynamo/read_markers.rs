//! Read markers: `C#<contact>`/`READ#<user>` with `read_through`, moved
//! forward only, by one conditional write; a page's markers are read with
//! one BatchGetItem per 100 contacts.

use super::batch_read::Projection;
use super::item::{get_n, get_s, key, n, s};
use super::{is_condition_failure, keys, unavailable, DynamoStore};
use crate::domain::{ContactId, Millis};
use crate::ports::StoreError;
use std::collections::HashMap;

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
        let wanted = contacts.iter().map(|c| key(keys::contact_pk(c), keys::read_marker_sk(user))).collect();
        let projection = Projection { expression: "contact_id, read_through", names: &[] };
        let mut found = HashMap::new();
        for item in self.batch_read(wanted, Some(projection)).await? {
            let id = get_s(&item, "contact_id").and_then(|id| ContactId::parse(&id));
            if let (Some(id), Some(at)) = (id, get_n(&item, "read_through")) {
                found.insert(id, Millis(at));
            }
        }
        Ok(found)
    }
}
