//! Adding a contact by phone number: one transaction that claims the
//! identity pointer an inbound message from that number would claim, and
//! creates the contact under the id that message would derive, so the
//! customer's first message lands on it (see `inbound.rs`).
//!
//! Two people adding the same number at once: one transaction wins, the
//! other finds the pointer taken and answers with its contact.

use super::failure::refused_or_unavailable;
use super::item::{get_s, key, n, s};
use super::keys::{self, Shard};
use super::{unavailable, DynamoStore};
use crate::domain::conversation::ConversationStatus;
use crate::domain::identity::IdentityKey;
use crate::domain::ContactId;
use crate::ports::{Enrolled, NewContact, StoreError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
use std::collections::HashMap;

/// Each turn settles a pointer that vanished (an erasure) or a conflict.
const MAX_ATTEMPTS: usize = 4;

const POINTER: usize = 0;
const PROFILE: usize = 1;

impl DynamoStore {
    fn enrolment_transaction(&self, new: &NewContact, id: &ContactId) -> Result<Vec<TransactWriteItem>, StoreError> {
        let identity = IdentityKey::WaId(new.wa_id.clone());
        let mut pointer = key(keys::identity_pk(&new.number.0, &identity.as_key()), keys::IDENTITY);
        pointer.extend([
            ("contact_id".to_owned(), s(id.as_str())),
            (keys::GSI1_PK.to_owned(), s(keys::contact_identities(id))),
            (keys::GSI1_SK.to_owned(), s(format!("{}#{}", new.number.0, identity.as_key()))),
        ]);
        let pointer = Put::builder()
            .table_name(&self.table)
            .set_item(Some(pointer))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(unavailable)?;

        let activity = keys::activity_sk(new.at, id);
        let shard = Shard::of(id);
        let open = ConversationStatus::Open.as_str();
        let mut sets = vec![
            "contact_id = :cid",
            "phone_number_id = :pnid",
            "wa_id = :wa",
            "gsi7pk = :by_phone",
            "gsi7sk = :phone_sk",
            "created_at = :at",
            "last_activity_at = :at",
            "gsi1pk = :g1pk",
            "gsi1sk = :act",
            "#status = :open",
            "gsi3pk = :q_open",
            "gsi3sk = :act",
            "owner_key = :ok",
            "gsi4pk = :ok",
            "gsi4sk = :act",
            "lead_source = :lsrc",
        ];
        let mut values = HashMap::from([
            (":cid".to_owned(), s(id.as_str())),
            (":pnid".to_owned(), s(&new.number.0)),
            (":wa".to_owned(), s(&new.wa_id)),
            (":by_phone".to_owned(), s(keys::by_phone(shard))),
            (":phone_sk".to_owned(), s(format!("{}#{id}", new.wa_id))),
            (":at".to_owned(), n(new.at.0)),
            (":g1pk".to_owned(), s(keys::contacts_by_activity(shard))),
            (":act".to_owned(), s(&activity)),
            (":open".to_owned(), s(open)),
            (":q_open".to_owned(), s(keys::status_queue(open, shard))),
            (":ok".to_owned(), s(keys::owner_queue(new.owner.as_deref(), shard))),
            (":lsrc".to_owned(), s(&new.source)),
        ]);
        let mut names = HashMap::from([("#status".to_owned(), "status".to_owned())]);
        if let Some(owner) = &new.owner {
            sets.push("#owner = :owner");
            values.insert(":owner".to_owned(), s(owner));
            names.insert("#owner".to_owned(), "owner".to_owned());
        }
        if let Some(name) = &new.name {
            sets.extend(["display_name = :dn", "display_name_sk = :dsk", "gsi6pk = :by_name", "gsi6sk = :dsk"]);
            values.insert(":dn".to_owned(), s(name));
            values.insert(":dsk".to_owned(), s(keys::name_sk(name, id)));
            values.insert(":by_name".to_owned(), s(keys::by_name(shard)));
        }
        let profile = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(id), keys::PROFILE)))
            // An erased person added again starts a fresh record on the
            // tombstone, as their own next message would.
            .update_expression(format!("SET {} REMOVE erased, erased_at", sets.join(", ")))
            .condition_expression(
                "attribute_not_exists(pk) OR (attribute_exists(erased) AND attribute_not_exists(erasing))",
            )
            .set_expression_attribute_values(Some(values))
            .set_expression_attribute_names(Some(names))
            .build()
            .map_err(unavailable)?;
        let event = crate::domain::change_event::contact_created(id, &new.number.0, &new.source, new.at);
        Ok(vec![
            TransactWriteItem::builder().put(pointer).build(),
            TransactWriteItem::builder().update(profile).build(),
            // At the contact's own key: the customer's first message then
            // finds the contact announced and announces nothing.
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(&self.table)
                        .set_item(Some(super::event_item::contact_created_item(&event, id).into_item()))
                        .build()
                        .map_err(unavailable)?,
                )
                .build(),
        ])
    }

    /// The contact the number's identity pointer names, if any.
    async fn pointer_owner(&self, new: &NewContact) -> Result<Option<ContactId>, StoreError> {
        let identity = IdentityKey::WaId(new.wa_id.clone());
        let found = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::identity_pk(&new.number.0, &identity.as_key()), keys::IDENTITY)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(found.item().and_then(|i| get_s(i, "contact_id")).and_then(|id| ContactId::parse(&id)))
    }
}

#[async_trait::async_trait]
impl crate::ports::ContactEnrolment for DynamoStore {
    async fn enrol_contact(&self, new: &NewContact) -> Result<Enrolled, StoreError> {
        let id = ContactId::derive(&self.ids, &new.number, &IdentityKey::WaId(new.wa_id.clone()));
        for _ in 0..MAX_ATTEMPTS {
            let items = self.enrolment_transaction(new, &id)?;
            let reasons = match self.client.transact_write_items().set_transact_items(Some(items)).send().await {
                Ok(_) => return Ok(Enrolled::Created(id)),
                Err(err) => match err.as_service_error() {
                    Some(TransactWriteItemsError::TransactionCanceledException(e)) => e.cancellation_reasons().to_vec(),
                    _ => return Err(refused_or_unavailable(err)),
                },
            };
            let failed = |i: usize| reasons.get(i).and_then(|r| r.code()) == Some("ConditionalCheckFailed");
            if failed(POINTER) {
                if let Some(owner) = self.pointer_owner(new).await? {
                    return Ok(Enrolled::Existing(owner));
                }
                // The pointer went between the write and the read (an
                // erasure finishing): try again.
                continue;
            }
            if failed(PROFILE) {
                // A live record under this id whose pointer is gone: it is
                // still the number's contact; its next message reclaims it.
                return Ok(Enrolled::Existing(id));
            }
            // A conflict with a concurrent writer: go round again.
        }
        Err(StoreError::Unavailable("adding the contact kept conflicting".into()))
    }
}
