//! Outbound messages through `queued → sending → sent | failed`, each move a
//! conditional write so that redelivery, two senders at once or a retried
//! request never send anything twice.

use super::fan_out::{ShardedRead, OUTBOX};
use super::item::{get_bool, get_n, get_s, key, n, req_s, s, Item};
use super::keys::{self, Shard};
use super::{is_condition_failure, unavailable, DynamoStore};
use crate::domain::outbound::OutboundContent;
use crate::domain::pricing::Estimate;
use crate::domain::OutboundMessage;
use crate::domain::{ContactId, DeliveryError, DeliveryStatus, MessageRef, Millis};
use crate::ports::{Created, FirstResponse, IdempotencyKey, OutboundStanding, StoreError, StuckState};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{
    AttributeValue, Put, ReturnValue, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};
use std::collections::HashMap;

/// Idempotency keys are garbage after a day: a client retrying later than
/// that is making a new request.
const IDEMPOTENCY_TTL_SECONDS: i64 = 24 * 3600;

/// How many merges a late send result follows before giving up.
const MAX_REDIRECTS: usize = 4;

impl DynamoStore {
    /// One attempt; `None` when `first_response` was given but the
    /// conversation already has its first answer (nothing was written).
    async fn try_put_outbound(
        &self,
        m: &OutboundMessage,
        text: &str,
        estimate: &Estimate,
        idempotency_key: Option<&IdempotencyKey>,
        audit: Option<&crate::domain::AuditEntry>,
        first_response: Option<&FirstResponse>,
    ) -> Result<Option<Created>, StoreError> {
        let contact_pk = keys::contact_pk(&m.reference.contact);
        let message_sk = keys::referenced_sk(&m.reference);
        let content = serde_json::to_string(&m.content).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let estimate_json = serde_json::to_string(estimate).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut item = key(&contact_pk, &message_sk);
        item.extend([
            ("id".to_owned(), s(&m.id)),
            ("contact_id".to_owned(), s(m.reference.contact.as_str())),
            ("direction".to_owned(), s("out")),
            ("type".to_owned(), s(m.content.type_name())),
            ("text".to_owned(), s(text)),
            ("at".to_owned(), n(m.created_at.0)),
            ("status".to_owned(), s(DeliveryStatus::Queued.as_str())),
            ("status_rank".to_owned(), n(i64::from(DeliveryStatus::Queued.rank()))),
            ("attempts".to_owned(), n(0)),
            ("outbound".to_owned(), s(content)),
            ("estimate".to_owned(), s(estimate_json)),
            ("phone_number_id".to_owned(), s(&m.phone_number_id)),
            ("to".to_owned(), s(&m.to)),
            (keys::GSI2_PK.to_owned(), s(keys::outbox(Shard::of(&m.reference.contact)))),
            (keys::GSI2_SK.to_owned(), s(keys::outbox_sk("queued", m.created_at, &m.id))),
        ]);
        item.extend(super::media::sent_file_attributes(&m.content)?);
        if let Some(shown) = m.content.shown_content() {
            let shown = serde_json::to_string(&shown).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            item.insert("content".to_owned(), s(shown));
        }
        if let Some(agent) = &m.sent_by {
            item.insert("sent_by".to_owned(), s(agent));
        }
        if let Some(reply_to) = &m.reply_to {
            item.insert("context".to_owned(), s(serde_json::json!({ "message_id": reply_to }).to_string()));
            item.insert("reply_to".to_owned(), s(reply_to));
        }
        let mut pointer = key(keys::wamid_pk(&m.id), keys::WAMID);
        pointer.extend([
            ("contact_id".to_owned(), s(m.reference.contact.as_str())),
            ("message_sk".to_owned(), s(&message_sk)),
        ]);
        let mut items = vec![put(&self.table, item, true)?, put(&self.table, pointer, true)?];
        if let Some(k) = idempotency_key {
            let mut record = key(keys::idempotency_pk(&k.scope), "K");
            record.extend([
                ("message_id".to_owned(), s(&m.id)),
                ("request".to_owned(), s(&k.request)),
                (keys::TTL.to_owned(), n(m.created_at.0 / 1000 + IDEMPOTENCY_TTL_SECONDS)),
            ]);
            items.push(put(&self.table, record, true)?);
        }
        // The team wrote last: the customer owes an answer, the SLA clock
        // stops, and the first answer's time is kept (counted into the
        // day's figures when the caller expects this to be the first).
        let (first_at, first_condition) = match first_response {
            Some(_) => (":at", " AND attribute_not_exists(first_response_at)"),
            None => ("if_not_exists(first_response_at, :at)", ""),
        };
        let activity_index = items.len();
        let activity = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(&contact_pk, keys::PROFILE)))
            .update_expression(format!(
                "SET last_activity_at = :at, gsi1sk = :g, #status = :woc, gsi3pk = :q, gsi3sk = :g, gsi4sk = :g, \
                 first_response_at = {first_at} \
                 REMOVE awaiting_since, gsi5pk, gsi5sk"
            ))
            // Not onto a contact being merged away or erased: it would be orphaned.
            .condition_expression(format!(
                "attribute_exists(pk) AND attribute_not_exists(merged_into) AND attribute_not_exists(erasing)\
                 {first_condition}"
            ))
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":at", n(m.created_at.0))
            .expression_attribute_values(":g", s(keys::activity_sk(m.created_at, &m.reference.contact)))
            .expression_attribute_values(":woc", s("waiting_on_customer"))
            .expression_attribute_values(
                ":q",
                s(keys::status_queue("waiting_on_customer", Shard::of(&m.reference.contact))),
            )
            .build()
            .map_err(unavailable)?;
        items.push(TransactWriteItem::builder().update(activity).build());
        if let Some(entry) = audit {
            items.push(self.audit_put(entry)?);
        }
        let day = self.report_day_of(m.created_at).await;
        items.push(super::stats::count_message(&self.table, day, "outbound", &m.id).into_sdk()?);
        if let Some(first) = first_response {
            let first_day = self.report_day_of(first.first_inbound_at).await;
            items.push(super::first_responses::count_first_response(&self.table, first, &first_day, m.created_at)?);
        }
        let idempotency_index = idempotency_key.map(|_| 2);
        if let Err(err) = self.client.transact_write_items().set_transact_items(Some(items)).send().await {
            let reasons = cancellation_reasons(&err);
            if let Some(k) = idempotency_key.filter(|_| {
                idempotency_index.is_some_and(|i| reasons.get(i).is_some_and(|r| r == "ConditionalCheckFailed"))
            }) {
                return self.existing_for_key(k).await.map(Some);
            }
            // The message id was used before: a campaign's step run again.
            if reasons.get(1).is_some_and(|r| r == "ConditionalCheckFailed") {
                return Ok(Some(Created::Existing(m.id.clone())));
            }
            if first_response.is_some() && reasons.get(activity_index).is_some_and(|r| r == "ConditionalCheckFailed") {
                return Ok(None);
            }
            return Err(unavailable(err));
        }
        Ok(Some(Created::New))
    }

    async fn existing_for_key(&self, idempotency_key: &IdempotencyKey) -> Result<Created, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::idempotency_pk(&idempotency_key.scope), "K")))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        let item = out.item().ok_or_else(|| StoreError::Unavailable("idempotency record vanished".into()))?;
        if get_s(item, "request").as_deref() != Some(idempotency_key.request.as_str()) {
            return Ok(Created::KeyReused);
        }
        Ok(Created::Existing(req_s(item, "message_id")?))
    }

    /// `false` when there is no message at `(contact, sk)`.
    async fn mark_sent_at(&self, contact: &ContactId, sk: &str, wamid: &str) -> Result<bool, StoreError> {
        let update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), sk)))
            .update_expression("SET #st = :sent, status_rank = :r, wamid = :w REMOVE gsi2pk, gsi2sk, outcome_unknown")
            .condition_expression("status_rank < :r")
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":sent", s("sent"))
            .expression_attribute_values(":r", n(i64::from(DeliveryStatus::Sent.rank())))
            .expression_attribute_values(":w", s(wamid))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match update {
            Ok(_) => Ok(true),
            Err(e) => match e.as_service_error() {
                Some(UpdateItemError::ConditionalCheckFailedException(failed)) if failed.item().is_none() => Ok(false),
                // A status webhook got there first (via our callback key): keep its state.
                Some(UpdateItemError::ConditionalCheckFailedException(_)) => {
                    let noted = self
                        .client
                        .update_item()
                        .table_name(&self.table)
                        .set_key(Some(key(keys::contact_pk(contact), sk)))
                        .update_expression("SET wamid = :w REMOVE gsi2pk, gsi2sk, outcome_unknown")
                        .condition_expression("attribute_exists(pk)")
                        .expression_attribute_values(":w", s(wamid))
                        .send()
                        .await;
                    match noted {
                        Ok(_) => Ok(true),
                        Err(e) if e.as_service_error().is_some_and(is_condition_failure) => Ok(false),
                        Err(e) => Err(unavailable(e)),
                    }
                }
                _ => Err(unavailable(e)),
            },
        }
    }

    /// One conditional update; `false` when the condition did not hold.
    async fn transition(
        &self,
        contact: &ContactId,
        sk: &str,
        update: &str,
        condition: &str,
        values: Vec<(&str, AttributeValue)>,
    ) -> Result<bool, StoreError> {
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), sk)))
            .update_expression(update)
            .condition_expression(format!("attribute_exists(pk) AND ({condition})"));
        if update.contains("#st") || condition.contains("#st") {
            request = request.expression_attribute_names("#st", "status");
        }
        for (name, value) in values {
            request = request.expression_attribute_values(name, value);
        }
        match request.send().await {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(is_condition_failure) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }
}

fn put(table: &str, item: Item, if_absent: bool) -> Result<TransactWriteItem, StoreError> {
    let mut put = Put::builder().table_name(table).set_item(Some(item));
    if if_absent {
        put = put.condition_expression("attribute_not_exists(pk)");
    }
    Ok(TransactWriteItem::builder().put(put.build().map_err(unavailable)?).build())
}

fn cancellation_reasons<R>(err: &aws_sdk_dynamodb::error::SdkError<TransactWriteItemsError, R>) -> Vec<String> {
    match err.as_service_error() {
        Some(TransactWriteItemsError::TransactionCanceledException(e)) => {
            e.cancellation_reasons().iter().map(|r| r.code().unwrap_or("None").to_owned()).collect()
        }
        _ => Vec::new(),
    }
}

fn outbound_from(
    item: &HashMap<String, AttributeValue>,
    contact: &ContactId,
    sk: &str,
) -> Result<OutboundMessage, StoreError> {
    let content: OutboundContent = serde_json::from_str(&req_s(item, "outbound")?)
        .map_err(|e| StoreError::Corrupt(format!("outbound content: {e}")))?;
    Ok(OutboundMessage {
        id: req_s(item, "id")?,
        reference: keys::message_ref(contact, sk),
        phone_number_id: req_s(item, "phone_number_id")?,
        to: req_s(item, "to")?,
        content,
        reply_to: get_s(item, "reply_to"),
        attempts: u32::try_from(get_n(item, "attempts").unwrap_or(0)).unwrap_or(0),
        created_at: Millis(get_n(item, "at").unwrap_or(0)),
        sent_by: get_s(item, "sent_by"),
    })
}

fn now() -> Millis {
    use crate::ports::Clock;
    crate::ports::SystemClock.now()
}

#[async_trait::async_trait]
impl crate::ports::OutboxStore for DynamoStore {
    async fn create_outbound(
        &self,
        m: &OutboundMessage,
        text: &str,
        estimate: &Estimate,
        idempotency_key: Option<&IdempotencyKey>,
        audit: Option<&crate::domain::AuditEntry>,
        first_response: Option<&FirstResponse>,
    ) -> Result<Created, StoreError> {
        if let Some(created) = self.try_put_outbound(m, text, estimate, idempotency_key, audit, first_response).await? {
            return Ok(created);
        }
        // Another answer was the first meanwhile: this one is a later answer.
        let created = self.try_put_outbound(m, text, estimate, idempotency_key, audit, None).await?;
        created.ok_or_else(|| StoreError::Unavailable("outbound write refused twice".into()))
    }

    async fn claim(&self, message: &MessageRef) -> Result<Option<OutboundMessage>, StoreError> {
        let (contact, sk) = (&message.contact, &keys::referenced_sk(message));
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), sk)))
            .update_expression(
                "SET #st = :sending, status_rank = :r, attempts = attempts + :one, gsi2sk = :g, claimed_at = :now",
            )
            .condition_expression("#st = :queued")
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":sending", s("sending"))
            .expression_attribute_values(":queued", s("queued"))
            .expression_attribute_values(":r", n(i64::from(DeliveryStatus::Sending.rank())))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":now", n(now().0))
            .expression_attribute_values(":g", s(keys::outbox_sk("sending", now(), sk)))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match out {
            Ok(out) => out.attributes().map(|item| outbound_from(item, contact, sk)).transpose(),
            Err(e) if e.as_service_error().is_some_and(is_condition_failure) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Marks the message sent where it is now: a merge may have moved it
    /// since the sender claimed it, and a message that is gone (erased) is
    /// never brought back as a stub.
    async fn mark_sent(&self, message: &MessageRef, wamid: &str) -> Result<(), StoreError> {
        let sk = &keys::referenced_sk(message);
        let mut contact = message.contact.clone();
        for _ in 0..MAX_REDIRECTS {
            if self.mark_sent_at(&contact, sk, wamid).await? {
                let moved = MessageRef::from_locator(contact, message.locator());
                return crate::ports::StatusStore::link_wamid(self, &moved, wamid).await;
            }
            match self.merged_into(&contact).await? {
                Some(survivor) => contact = survivor,
                None => return Ok(()),
            }
        }
        Err(StoreError::Unavailable(format!("message {sk}: too many merges to follow")))
    }

    async fn release(
        &self,
        message: &MessageRef,
        error: &DeliveryError,
        retry_in_seconds: i32,
    ) -> Result<(), StoreError> {
        let (contact, sk) = (&message.contact, &keys::referenced_sk(message));
        let error = serde_json::to_string(error).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        // Its place in the outbox is when the retry is due, so that the sweep
        // does not take a message waiting out its backoff for a lost one.
        let due = Millis(now().0.saturating_add(i64::from(retry_in_seconds).saturating_mul(1000)));
        self.transition(
            contact,
            sk,
            "SET #st = :queued, status_rank = :r, last_error = :e, gsi2pk = :o, gsi2sk = :g",
            "#st = :sending",
            vec![
                (":queued", s("queued")),
                (":sending", s("sending")),
                (":r", n(0)),
                (":e", s(error)),
                (":o", s(keys::outbox(Shard::of(contact)))),
                (":g", s(keys::outbox_sk("queued", due, sk))),
            ],
        )
        .await
        .map(|_| ())
    }

    async fn mark_failed(&self, message: &MessageRef, errors: &[DeliveryError]) -> Result<(), StoreError> {
        let (contact, sk) = (&message.contact, &keys::referenced_sk(message));
        let errors = serde_json::to_string(errors).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.transition(
            contact,
            sk,
            "SET #st = :failed, status_rank = :r, errors = :e REMOVE gsi2pk, gsi2sk, outcome_unknown",
            "status_rank < :r",
            vec![(":failed", s("failed")), (":r", n(i64::from(DeliveryStatus::Failed.rank()))), (":e", s(errors))],
        )
        .await
        .map(|_| ())
    }

    async fn mark_unknown(&self, message: &MessageRef) -> Result<(), StoreError> {
        let (contact, sk) = (&message.contact, &keys::referenced_sk(message));
        self.transition(
            contact,
            sk,
            "SET outcome_unknown = :t REMOVE gsi2pk, gsi2sk",
            "#st = :sending",
            vec![(":t", AttributeValue::Bool(true)), (":sending", s("sending"))],
        )
        .await
        .map(|_| ())
    }

    async fn outbound(&self, message: &MessageRef) -> Result<Option<OutboundStanding>, StoreError> {
        let (contact, sk) = (&message.contact, &keys::referenced_sk(message));
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), sk)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        let Some(item) = out.item().filter(|i| get_s(i, "direction").as_deref() == Some("out")) else {
            return Ok(None);
        };
        let status = get_s(item, "status")
            .and_then(|st| DeliveryStatus::parse(&st))
            .ok_or_else(|| StoreError::Corrupt("outbound message without a status".into()))?;
        Ok(Some(OutboundStanding {
            message: outbound_from(item, contact, sk)?,
            status,
            outcome_unknown: get_bool(item, "outcome_unknown").unwrap_or(false),
            last_attempt_at: get_n(item, "claimed_at").map(Millis),
        }))
    }

    async fn requeue(&self, message: &MessageRef) -> Result<bool, StoreError> {
        let (contact, sk) = (&message.contact, &keys::referenced_sk(message));
        self.transition(
            contact,
            sk,
            "SET #st = :queued, status_rank = :r, attempts = :zero, gsi2pk = :o, gsi2sk = :g REMOVE outcome_unknown, errors",
            "direction = :out AND (#st = :failed OR (#st = :sending AND outcome_unknown = :t))",
            vec![
                (":queued", s("queued")),
                (":r", n(0)),
                (":zero", n(0)),
                (":o", s(keys::outbox(Shard::of(contact)))),
                (":g", s(keys::outbox_sk("queued", now(), sk))),
                (":out", s("out")),
                (":failed", s("failed")),
                (":sending", s("sending")),
                (":t", AttributeValue::Bool(true)),
            ],
        )
        .await
    }

    async fn restamp_queued(&self, message: &MessageRef, at: Millis) -> Result<bool, StoreError> {
        let (contact, sk) = (&message.contact, &keys::referenced_sk(message));
        self.transition(
            contact,
            sk,
            "SET gsi2sk = :g",
            "#st = :queued",
            vec![(":g", s(keys::outbox_sk("queued", at, sk))), (":queued", s("queued"))],
        )
        .await
    }

    async fn stuck(&self, state: StuckState, before: Millis, limit: i32) -> Result<Vec<MessageRef>, StoreError> {
        let prefix = match state {
            StuckState::Queued => "queued",
            StuckState::Sending => "sending",
        };
        let (from, to) = (format!("{prefix}#"), format!("{prefix}#{}", before.sortable()));
        let refine = |query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder| {
            query.expression_attribute_values(":from", s(&from)).expression_attribute_values(":to", s(&to))
        };
        let read = ShardedRead {
            index: &OUTBOX,
            partition: &keys::outbox,
            sort_condition: " AND gsi2sk BETWEEN :from AND :to",
            refine: &refine,
        };
        let (items, _) = self.fan_out(&read, None, limit).await?;
        Ok(items
            .iter()
            .filter_map(|item| {
                let pk = get_s(item, keys::PK)?;
                let contact = ContactId::parse(pk.strip_prefix("C#")?)?;
                Some(keys::message_ref(&contact, &get_s(item, keys::SK)?))
            })
            .collect())
    }

    async fn locate(&self, id: &str) -> Result<Option<MessageRef>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::wamid_pk(id), keys::WAMID)))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.item().and_then(|item| {
            Some(keys::message_ref(&ContactId::parse(&get_s(item, "contact_id")?)?, &get_s(item, "message_sk")?))
        }))
    }
}
