//! Ownership, conversation status, the queues and round-robin turns.
//!
//! Each queue is read from its own index, one Query per shard in parallel:
//! `gsi3` by status, `gsi4` by owner (`OWNER#-#<shard>` is the unassigned
//! queue; closed conversations leave it), `gsi5` the conversations waiting
//! on us, by how long. A change of owner or
//! status and its audit line (see `audit.rs`) are one transaction.

use super::contacts::contact_from;
use super::fan_out::{ShardedIndex, ShardedRead, AWAITING, BY_OWNER, BY_STATUS};
use super::item::{get_n, key, n, s};
use super::keys::{self, Shard};
use super::{unavailable, DynamoStore};
use crate::domain::AuditEntry;
use crate::domain::{change_event, Contact, ContactId, Event};
use crate::ports::{ListFilter, Page, PageRequest, QueueQuery, StoreError};
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};

const PAGE: i32 = 50;

impl DynamoStore {
    /// The change, its audit line and (when it publishes one) its event, in
    /// one transaction.
    async fn with_audit(&self, update: Update, audit: &AuditEntry, event: Option<&Event>) -> Result<bool, StoreError> {
        let mut items = vec![TransactWriteItem::builder().update(update).build(), self.audit_put(audit)?];
        if let Some(event) = event {
            items.push(self.event_put(event)?);
        }
        super::transact_checked(&self.client, items).await
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
        let owner_key = keys::owner_queue(to, Shard::of(contact));
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
        let event = change_event::conversation_assigned(contact, from, to, audit.at).by(&audit.actor);
        self.with_audit(update, audit, Some(&event)).await
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
            .expression_attribute_values(":q", s(keys::status_queue(status, Shard::of(contact))));
        update = if close {
            update.update_expression("SET #status = :st, gsi3pk = :q REMOVE gsi4pk, gsi5pk, gsi5sk, awaiting_since")
        } else {
            update
                .update_expression("SET #status = :st, gsi3pk = :q, gsi4pk = :ok")
                .expression_attribute_values(":ok", s(keys::owner_queue(owner, Shard::of(contact))))
        };
        // Reopening publishes nothing: the customer's next message does.
        let event = close.then(|| change_event::conversation_closed(contact, owner, audit.at).by(&audit.actor));
        self.with_audit(update.build().map_err(unavailable)?, audit, event.as_ref()).await
    }

    async fn queue(
        &self,
        query: &QueueQuery,
        visible_to: Option<&str>,
        filter: &ListFilter,
        page: &PageRequest,
    ) -> Result<Page<Contact>, StoreError> {
        let partition: Box<dyn Fn(Shard) -> String + Send + Sync> = match query {
            QueueQuery::Unassigned => Box::new(|shard| keys::owner_queue(None, shard)),
            QueueQuery::OwnedBy(owner) => Box::new(move |shard| keys::owner_queue(Some(owner), shard)),
            QueueQuery::Status(status) => Box::new(move |shard| keys::status_queue(status.as_str(), shard)),
            QueueQuery::WaitingSince(_) => Box::new(keys::awaiting),
        };
        let index: &ShardedIndex = match query {
            QueueQuery::Unassigned | QueueQuery::OwnedBy(_) => &BY_OWNER,
            QueueQuery::Status(_) => &BY_STATUS,
            QueueQuery::WaitingSince(_) => &AWAITING,
        };
        let sort_condition = match query {
            QueueQuery::WaitingSince(_) => format!(" AND {} < :before", index.sk),
            _ => String::new(),
        };
        let refine = |mut request: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder| {
            if let QueueQuery::WaitingSince(before) = query {
                request = request.expression_attribute_values(":before", s(before.sortable()));
            }
            super::narrowed(request, visible_to, filter)
        };
        let read = ShardedRead { index, partition: &*partition, sort_condition: &sort_condition, refine: &refine };
        let limit = page.limit.map_or(PAGE, |l| i32::try_from(l.clamp(1, 200)).unwrap_or(PAGE));
        let (items, next_cursor) = self.fan_out(&read, page.cursor.as_deref(), limit).await?;
        Ok(Page { items: items.iter().map(contact_from).collect::<Result<_, _>>()?, next_cursor })
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
