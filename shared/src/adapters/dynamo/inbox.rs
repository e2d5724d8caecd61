//! Ownership, conversation status, the queues and round-robin turns.
//!
//! Each queue is one Query on its own index: `gsi3` by status, `gsi4` by
//! owner (`OWNER#-` is the unassigned queue; closed conversations leave it),
//! `gsi5` the conversations waiting on us, by how long. A change of owner or
//! status and its audit line (see `audit.rs`) are one transaction.

use super::contacts::contact_from;
use super::item::{get_n, key, n, s};
use super::keys;
use super::{cursor, unavailable, DynamoStore};
use crate::domain::AuditEntry;
use crate::domain::{Contact, ContactId};
use crate::ports::{Page, PageRequest, QueueQuery, StoreError};
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};

const PAGE: i32 = 50;

impl DynamoStore {
    async fn with_audit(&self, update: Update, audit: &AuditEntry) -> Result<bool, StoreError> {
        super::transact_checked(
            &self.client,
            vec![TransactWriteItem::builder().update(update).build(), self.audit_put(audit)?],
        )
        .await
    }
}

#[async_trait::async_trait]
impl crate::ports::InboxStore for DynamoStore {
    async fn assign(
        &self,
        contact: &ContactId,
        from: Option<&str>,
        to: Option<&str>,
        closed: bool,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let owner_key = keys::owner_queue(to);
        let mut sets = vec!["owner_key = :ok"];
        if !closed {
            sets.push("gsi4pk = :ok");
        }
        let mut expression = format!("SET {}", sets.join(", "));
        let mut update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), keys::PROFILE)))
            .expression_attribute_values(":ok", s(owner_key));
        match to {
            Some(owner) => {
                expression.push_str(", #owner = :to");
                update = update.expression_attribute_values(":to", s(owner));
            }
            None => expression.push_str(" REMOVE #owner"),
        }
        update = update.expression_attribute_names("#owner", "owner");
        update = match from {
            Some(current) => update
                .condition_expression("attribute_exists(pk) AND #owner = :from")
                .expression_attribute_values(":from", s(current)),
            None => update.condition_expression("attribute_exists(pk) AND attribute_not_exists(#owner)"),
        };
        let update = update.update_expression(expression).build().map_err(unavailable)?;
        self.with_audit(update, audit).await
    }

    async fn set_status(
        &self,
        contact: &ContactId,
        close: bool,
        owner: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let status = if close { "closed" } else { "open" };
        // Only a change of state is written (and audited): closing needs a
        // conversation that is not closed, reopening one that is.
        let condition = if close {
            "attribute_exists(pk) AND (attribute_not_exists(#status) OR #status <> :closed)"
        } else {
            "attribute_exists(pk) AND #status = :closed"
        };
        let mut update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), keys::PROFILE)))
            .condition_expression(condition)
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":closed", s("closed"))
            .expression_attribute_values(":st", s(status))
            .expression_attribute_values(":q", s(keys::status_queue(status)));
        update = if close {
            update.update_expression("SET #status = :st, gsi3pk = :q REMOVE gsi4pk, gsi5pk, gsi5sk, awaiting_since")
        } else {
            update
                .update_expression("SET #status = :st, gsi3pk = :q, gsi4pk = :ok")
                .expression_attribute_values(":ok", s(keys::owner_queue(owner)))
        };
        self.with_audit(update.build().map_err(unavailable)?, audit).await
    }

    async fn queue(
        &self,
        query: &QueueQuery,
        visible_to: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Contact>, StoreError> {
        let (index, pk_attr, sk_attr, pk) = match query {
            QueueQuery::Unassigned => (keys::GSI4, "gsi4pk", "gsi4sk", keys::owner_queue(None)),
            QueueQuery::OwnedBy(owner) => (keys::GSI4, "gsi4pk", "gsi4sk", keys::owner_queue(Some(owner))),
            QueueQuery::Status(status) => (keys::GSI3, "gsi3pk", "gsi3sk", keys::status_queue(status.as_str())),
            QueueQuery::WaitingSince(_) => (keys::GSI5, "gsi5pk", "gsi5sk", keys::AWAITING.to_owned()),
        };
        let start = cursor::decode(page.cursor.as_deref(), &[keys::PK, keys::SK, pk_attr, sk_attr])?;
        let mut request = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index)
            .scan_index_forward(false)
            .limit(page.limit.map_or(PAGE, |l| i32::try_from(l.clamp(1, 200)).unwrap_or(PAGE)))
            .set_exclusive_start_key(start)
            .expression_attribute_values(":pk", s(pk));
        request = match query {
            QueueQuery::WaitingSince(before) => request
                .key_condition_expression(format!("{pk_attr} = :pk AND {sk_attr} < :before"))
                .expression_attribute_values(":before", s(before.sortable())),
            _ => request.key_condition_expression(format!("{pk_attr} = :pk")),
        };
        request = super::visible_to(request, visible_to);
        let out = request.send().await.map_err(unavailable)?;
        Ok(Page {
            items: out.items().iter().map(contact_from).collect::<Result<_, _>>()?,
            next_cursor: cursor::encode(out.last_evaluated_key()),
        })
    }

    async fn next_turn(&self) -> Result<u64, StoreError> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::ROUTING, "RR")))
            .update_expression("ADD turn :one")
            .expression_attribute_values(":one", n(1))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(unavailable)?;
        // The counter starts at 1 after the first ADD; turns count from 0.
        Ok(out.attributes().and_then(|a| get_n(a, "turn")).map_or(0, |t| u64::try_from(t - 1).unwrap_or(0)))
    }
}
