//! The send state machine, the template catalog and the spend counters.

use super::{MemoryStore, MessageRow, OutboundRow};
use crate::domain::conversation::ConversationStatus;
use crate::domain::pricing::Estimate;
use crate::domain::template::Template;
use crate::domain::{
    AuditEntry, DeliveryError, DeliveryStatus, Direction, Message, MessageRef, Millis, OutboundMessage, SpendLine,
};
use crate::ports::{
    CounterStore, Created, FirstResponse, IdempotencyKey, OutboundStanding, OutboxStore, SpendStore, StatusStore,
    StoreError, StuckState, TemplateCatalog,
};

impl MemoryStore {
    /// Runs `change` on the message when `condition` holds; `false` when it
    /// does not (or there is no such message), as a conditional update.
    fn transition(
        &self,
        reference: &MessageRef,
        condition: impl FnOnce(&MessageRow) -> bool,
        change: impl FnOnce(&mut MessageRow),
    ) -> bool {
        let mut state = self.state();
        let row = state.messages.get_mut(&reference.contact).and_then(|m| m.get_mut(reference.locator()));
        match row {
            Some(row) if condition(row) => {
                change(row);
                true
            }
            _ => false,
        }
    }
}

fn set_status(row: &mut MessageRow, status: DeliveryStatus) {
    row.message.status = Some(status);
    row.rank = Some(status.rank());
}

fn set_outbox(row: &mut MessageRow, outbox: Option<(&'static str, Millis)>) {
    if let Some(outbound) = &mut row.outbound {
        outbound.outbox = outbox;
    }
}

#[async_trait::async_trait]
impl OutboxStore for MemoryStore {
    async fn create_outbound(
        &self,
        message: &OutboundMessage,
        text: &str,
        estimate: &Estimate,
        idempotency_key: Option<&IdempotencyKey>,
        audit: Option<&AuditEntry>,
        first_response: Option<&FirstResponse>,
    ) -> Result<Created, StoreError> {
        let mut state = self.state();
        if let Some(k) = idempotency_key {
            if let Some((request, existing)) = state.idempotency.get(&k.scope) {
                if *request != k.request {
                    return Ok(Created::KeyReused);
                }
                return Ok(Created::Existing(existing.clone()));
            }
        }
        let contact = &message.reference.contact;
        if state.pointers.contains_key(&message.id) {
            return Ok(Created::Existing(message.id.clone()));
        }
        let taken = state.messages.get(contact).is_some_and(|m| m.contains_key(message.reference.locator()));
        if taken || !state.contacts.contains_key(contact) {
            return Err(StoreError::Unavailable("transaction cancelled".into()));
        }
        let row = MessageRow {
            message: Message {
                id: message.id.clone(),
                contact_id: contact.clone(),
                direction: Direction::Out,
                type_name: message.content.type_name().to_owned(),
                text: Some(text.to_owned()),
                status: Some(DeliveryStatus::Queued),
                at: message.created_at,
                content: None,
                context: message.reply_to.as_ref().map(|r| serde_json::json!({ "message_id": r }).to_string()),
                referral: None,
                errors: None,
                pricing: None,
                attempts: Some(0),
                outcome_unknown: false,
                estimate: serde_json::to_string(estimate).ok(),
                media: None,
                campaign: crate::domain::campaign::campaign_of_message(&message.id).map(|(c, _)| c.to_owned()),
                origin: None,
                sent_by: message.sent_by.clone(),
            },
            outbound: Some(OutboundRow {
                phone_number_id: message.phone_number_id.clone(),
                to: message.to.clone(),
                content: message.content.clone(),
                reply_to: message.reply_to.clone(),
                outbox: Some(("queued", message.created_at)),
                claimed_at: None,
            }),
            rank: Some(DeliveryStatus::Queued.rank()),
            wamid: None,
            error_notes: Default::default(),
            spend_counted: false,
        };
        state.messages.entry(contact.clone()).or_default().insert(message.reference.locator().to_owned(), row);
        state.pointers.insert(message.id.clone(), message.reference.clone());
        if let Some(key) = idempotency_key {
            state.idempotency.insert(key.scope.clone(), (key.request.clone(), message.id.clone()));
        }
        let mut first_figures = None;
        let first_day = first_response.map(|first| state.report_day_of(first.first_inbound_at));
        if let Some(row) = state.contacts.get_mut(contact) {
            // The team wrote last: the customer owes an answer, the SLA clock stops.
            let c = &mut row.contact;
            c.last_activity_at = Some(message.created_at);
            c.conversation.status = Some(ConversationStatus::WaitingOnCustomer);
            c.conversation.awaiting_since = None;
            // Counted only as the conversation's first answer: one that came
            // after another is stored as any later answer.
            if let Some(first) = first_response.filter(|_| c.conversation.first_response_ms.is_none()) {
                let ms = (message.created_at.0 - first.first_inbound_at.0).max(0);
                let day = first_day.clone().unwrap_or_default();
                first_figures = Some(((day, first.agent.clone()), ms));
            }
            if c.conversation.first_response_ms.is_none() {
                c.conversation.first_response_ms =
                    c.first_inbound_at.map(|i| message.created_at.0 - i.0).filter(|ms| *ms >= 0);
            }
        }
        if let Some(entry) = audit {
            state.audit.push(entry.clone());
        }
        state.count_message(message.created_at, false);
        if let Some((key, ms)) = first_figures {
            state.first_responses.entry(key).or_default().record(ms);
        }
        Ok(Created::New)
    }

    async fn claim(&self, message: &MessageRef) -> Result<Option<OutboundMessage>, StoreError> {
        let now = self.clock.now();
        let mut claimed = None;
        self.transition(
            message,
            |row| row.message.status == Some(DeliveryStatus::Queued) && row.outbound.is_some(),
            |row| {
                set_status(row, DeliveryStatus::Sending);
                let attempts = row.message.attempts.unwrap_or(0) + 1;
                row.message.attempts = Some(attempts);
                set_outbox(row, Some(("sending", now)));
                if let Some(outbound) = &mut row.outbound {
                    outbound.claimed_at = Some(now);
                }
                if let Some(outbound) = &row.outbound {
                    claimed = Some(OutboundMessage {
                        id: row.message.id.clone(),
                        reference: message.clone(),
                        phone_number_id: outbound.phone_number_id.clone(),
                        to: outbound.to.clone(),
                        content: outbound.content.clone(),
                        reply_to: outbound.reply_to.clone(),
                        attempts,
                        created_at: row.message.at,
                        sent_by: row.message.sent_by.clone(),
                    });
                }
            },
        );
        Ok(claimed)
    }

    /// Marks the message sent where it is now (a merge may have moved it
    /// since it was claimed); a message that is gone stays gone.
    async fn mark_sent(&self, message: &MessageRef, wamid: &str) -> Result<(), StoreError> {
        let Some(message) = self.state().follow(message)? else { return Ok(()) };
        let message = &message;
        let settle = |row: &mut MessageRow| {
            row.wamid = Some(wamid.to_owned());
            row.message.outcome_unknown = false;
            set_outbox(row, None);
        };
        let advanced = self.transition(
            message,
            |row| row.rank.unwrap_or(0) < DeliveryStatus::Sent.rank(),
            |row| {
                set_status(row, DeliveryStatus::Sent);
                settle(row);
            },
        );
        if !advanced {
            // A status webhook got there first (via our callback key): keep its state.
            self.transition(message, |_| true, settle);
        }
        StatusStore::link_wamid(self, message, wamid).await
    }

    async fn release(
        &self,
        message: &MessageRef,
        error: &DeliveryError,
        retry_in_seconds: i32,
    ) -> Result<(), StoreError> {
        // Its place in the outbox is when the retry is due, so that the sweep
        // does not take a message waiting out its backoff for a lost one.
        let due = Millis(self.clock.now().0.saturating_add(i64::from(retry_in_seconds).saturating_mul(1000)));
        // The reason is kept aside (`last_error`), not shown as a failure.
        serde_json::to_string(error).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.transition(
            message,
            |row| row.message.status == Some(DeliveryStatus::Sending),
            |row| {
                set_status(row, DeliveryStatus::Queued);
                set_outbox(row, Some(("queued", due)));
            },
        );
        Ok(())
    }

    async fn mark_failed(&self, message: &MessageRef, errors: &[DeliveryError]) -> Result<(), StoreError> {
        let errors = serde_json::to_string(errors).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.transition(
            message,
            |row| row.rank.unwrap_or(0) < DeliveryStatus::Failed.rank(),
            |row| {
                set_status(row, DeliveryStatus::Failed);
                row.message.errors = Some(errors);
                row.message.outcome_unknown = false;
                set_outbox(row, None);
            },
        );
        Ok(())
    }

    async fn mark_unknown(&self, message: &MessageRef) -> Result<(), StoreError> {
        self.transition(
            message,
            |row| row.message.status == Some(DeliveryStatus::Sending),
            |row| {
                row.message.outcome_unknown = true;
                set_outbox(row, None);
            },
        );
        Ok(())
    }

    async fn locate(&self, id: &str) -> Result<Option<MessageRef>, StoreError> {
        Ok(self.state().pointers.get(id).cloned())
    }

    async fn outbound(&self, message: &MessageRef) -> Result<Option<OutboundStanding>, StoreError> {
        let state = self.state();
        let Some(row) = state.messages.get(&message.contact).and_then(|m| m.get(message.locator())) else {
            return Ok(None);
        };
        let Some(outbound) = row.outbound.as_ref().filter(|_| row.message.direction == Direction::Out) else {
            return Ok(None);
        };
        let status =
            row.message.status.ok_or_else(|| StoreError::Corrupt("outbound message without a status".into()))?;
        Ok(Some(OutboundStanding {
            message: OutboundMessage {
                id: row.message.id.clone(),
                reference: message.clone(),
                phone_number_id: outbound.phone_number_id.clone(),
                to: outbound.to.clone(),
                content: outbound.content.clone(),
                reply_to: outbound.reply_to.clone(),
                attempts: row.message.attempts.unwrap_or(0),
                created_at: row.message.at,
                sent_by: row.message.sent_by.clone(),
            },
            status,
            outcome_unknown: row.message.outcome_unknown,
            last_attempt_at: outbound.claimed_at,
        }))
    }

    async fn requeue(&self, message: &MessageRef) -> Result<bool, StoreError> {
        let now = self.clock.now();
        Ok(self.transition(
            message,
            |row| {
                row.message.direction == Direction::Out
                    && (row.message.status == Some(DeliveryStatus::Failed)
                        || (row.message.status == Some(DeliveryStatus::Sending) && row.message.outcome_unknown))
            },
            |row| {
                set_status(row, DeliveryStatus::Queued);
                row.message.attempts = Some(0);
                row.message.outcome_unknown = false;
                row.message.errors = None;
                set_outbox(row, Some(("queued", now)));
            },
        ))
    }

    async fn restamp_queued(&self, message: &MessageRef, at: Millis) -> Result<bool, StoreError> {
        let mut store = self.state();
        let row = store.messages.get_mut(&message.contact).and_then(|m| m.get_mut(message.locator()));
        match row.and_then(|r| r.outbound.as_mut()).and_then(|o| o.outbox.as_mut()) {
            Some((state, since)) if *state == "queued" => {
                *since = at;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn stuck(&self, state: StuckState, before: Millis, limit: i32) -> Result<Vec<MessageRef>, StoreError> {
        let wanted = match state {
            StuckState::Queued => "queued",
            StuckState::Sending => "sending",
        };
        let store = self.state();
        let mut found: Vec<(Millis, MessageRef)> = store
            .messages
            .iter()
            .flat_map(|(contact, messages)| {
                messages.iter().filter_map(move |(locator, row)| {
                    let (state, since) = row.outbound.as_ref()?.outbox?;
                    (state == wanted && since <= before)
                        .then(|| (since, MessageRef::from_locator(contact.clone(), locator.clone())))
                })
            })
            .collect();
        found.sort();
        Ok(found.into_iter().take(usize::try_from(limit).unwrap_or(0)).map(|(_, r)| r).collect())
    }
}

#[async_trait::async_trait]
impl TemplateCatalog for MemoryStore {
    async fn template_translations(&self, name: &str) -> Result<Vec<Template>, StoreError> {
        Ok(self.state().templates.values().filter(|t| t.name == name).cloned().collect())
    }

    async fn put_templates(&self, templates: &[Template]) -> Result<(), StoreError> {
        let mut state = self.state();
        for t in templates {
            state.templates.insert((t.name.clone(), t.language.clone(), t.waba_id.clone()), t.clone());
        }
        Ok(())
    }

    async fn list_templates(&self) -> Result<Vec<Template>, StoreError> {
        Ok(self.state().templates.values().cloned().collect())
    }

    async fn note_template_status(
        &self,
        change: &crate::domain::template_status::TemplateStatusChange,
    ) -> Result<bool, StoreError> {
        let mut state = self.state();
        let key = (change.name.clone(), change.language.clone(), change.waba_id.clone());
        if state.template_status_at.get(&key).is_some_and(|kept| *kept > change.at) {
            return Ok(false);
        }
        let Some(template) = state.templates.get_mut(&key) else { return Ok(false) };
        template.status = change.status.clone();
        template.status_reason = change.reason.clone();
        state.template_status_at.insert(key, change.at);
        Ok(true)
    }
}

#[async_trait::async_trait]
impl SpendStore for MemoryStore {
    async fn spend(&self, month: &str) -> Result<Vec<SpendLine>, StoreError> {
        Ok(self
            .state()
            .spend
            .iter()
            .filter(|((m, _), _)| m == month)
            .map(|((m, key), (billable, free))| key.clone().line(m, *billable, *free))
            .collect())
    }

    async fn count_sender_spend(&self, priced: &crate::domain::spend::PricedMessage) -> Result<bool, StoreError> {
        let mut state = self.state();
        let message = state.messages.get(&priced.message.contact).and_then(|m| m.get(priced.message.locator()));
        let Some(agent) = message.and_then(|row| row.message.sent_by.clone()) else { return Ok(false) };
        if !state.sender_spend_counted.insert(priced.wamid.clone()) {
            return Ok(false);
        }
        let category = priced.category.clone().unwrap_or_else(|| "unknown".to_owned());
        let key = crate::domain::spend::SpendKey::of_agent(&agent, category, priced.market.clone());
        let month = state.report_day_of(priced.at)[..7].to_owned();
        let line = state.spend.entry((month, key)).or_default();
        if priced.billable {
            line.0 += 1;
        } else {
            line.1 += 1;
        }
        Ok(true)
    }
}

/// Counts are exact here as they are written, so there is never anything
/// pending to fold.
#[async_trait::async_trait]
impl CounterStore for MemoryStore {
    async fn fold_counters(&self, _limit: usize) -> Result<usize, StoreError> {
        Ok(0)
    }
}
