//! `POST /api/contacts/{id}/messages`: check the rules, store `queued`, enqueue.

use crate::domain::outbound::{plan_send, OutboundContent, Recipient, SendRefusal};
use crate::domain::pricing::{Estimate, RateCards};
use crate::domain::AuditEntry;
use crate::domain::OutboundMessage;
use crate::domain::{ContactId, MessageRef};
use crate::ports::{
    Clock, ConversationStore, Created, FirstResponse, OutboundQueue, OutboxStore, StoreError, TemplateCatalog,
};
use rand::RngCore;
use std::sync::Arc;

/// A send staff asked for.
#[derive(Debug, Clone)]
pub struct SendCommand {
    /// To whom.
    pub contact: ContactId,
    /// What.
    pub content: OutboundContent,
    /// Quoting this wamid.
    pub reply_to: Option<String>,
    /// The client's Idempotency-Key.
    pub idempotency_key: Option<String>,
    /// Who pressed send (for the audit log).
    pub actor: String,
}

/// Why nothing was queued.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// No such contact.
    #[error("contact not found")]
    NotFound,
    /// A rule refused it.
    #[error(transparent)]
    Refused(#[from] SendRefusal),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A queued send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// The message's id.
    pub id: String,
    /// What it will cost; `None` for a replayed request.
    pub estimate: Option<Estimate>,
    /// True when the Idempotency-Key was seen before.
    pub replayed: bool,
}

/// The send use case.
pub struct SendMessage {
    conversations: Arc<dyn ConversationStore>,
    templates: Arc<dyn TemplateCatalog>,
    outbox: Arc<dyn OutboxStore>,
    queue: Arc<dyn OutboundQueue>,
    clock: Arc<dyn Clock>,
    rates: RateCards,
}

impl SendMessage {
    /// Wires the use case.
    pub fn new(
        conversations: Arc<dyn ConversationStore>,
        templates: Arc<dyn TemplateCatalog>,
        outbox: Arc<dyn OutboxStore>,
        queue: Arc<dyn OutboundQueue>,
        clock: Arc<dyn Clock>,
        rates: RateCards,
    ) -> Self {
        SendMessage { conversations, templates, outbox, queue, clock, rates }
    }

    /// Checks, stores and enqueues. A failed enqueue is logged, not returned:
    /// the message is durably `queued` and the sweep sends it.
    pub async fn send(&self, command: SendCommand) -> Result<Queued, SendError> {
        let contact = self.conversations.contact(&command.contact).await?.ok_or(SendError::NotFound)?;
        let translations = match &command.content {
            OutboundContent::Template { name, .. } => self.templates.template_translations(name).await?,
            OutboundContent::Text { .. } => Vec::new(),
        };
        let now = self.clock.now();
        let recipient =
            Recipient { window: contact.window, opted_out: contact.opted_out, wa_id: contact.wa_id.clone() };
        let plan = plan_send(&recipient, &command.content, &translations, &self.rates, now)?;
        let template = match &command.content {
            OutboundContent::Template { language, .. } => translations.iter().find(|t| &t.language == language),
            OutboundContent::Text { .. } => None,
        };
        let id = new_message_id();
        let message = OutboundMessage {
            reference: MessageRef::new(contact.id.clone(), now, &id),
            id,
            phone_number_id: contact.phone_number_id.clone(),
            to: contact.wa_id.clone().or(contact.user_id.clone()).unwrap_or_default(),
            content: command.content.clone(),
            reply_to: command.reply_to.clone(),
            attempts: 0,
            created_at: now,
        };
        let text = command.content.summary(template);
        let audit = AuditEntry {
            at: now,
            actor: command.actor.clone(),
            action: "send".to_owned(),
            contact: Some(message.reference.contact.clone()),
            detail: serde_json::json!({"message_id": message.id, "type": message.content.type_name(), "estimate": plan.estimate}).to_string(),
        };
        // The conversation's first answer counts into the response figures
        // of its owner (at this moment) and of the day the customer first wrote.
        let first_response = (contact.conversation.first_response_ms.is_none() && contact.last_inbound_at.is_some())
            .then(|| FirstResponse {
                agent: contact.conversation.owner.clone().unwrap_or_else(|| "unassigned".to_owned()),
                first_inbound_at: contact.created_at,
            });
        let created = self
            .outbox
            .create_outbound(
                &message,
                &text,
                &plan.estimate,
                command.idempotency_key.as_deref(),
                Some(&audit),
                first_response.as_ref(),
            )
            .await?;
        match created {
            Created::Existing(id) => return Ok(Queued { id, estimate: None, replayed: true }),
            Created::New => {}
        }
        if let Err(e) = self.queue.enqueue(&message.reference).await {
            tracing::warn!(error = %e, message_id = %message.id, "enqueue failed; the sweep will send it");
        }
        tracing::info!(message_id = %message.id, contact_id = %message.reference.contact, kind = message.content.type_name(), "message queued");
        Ok(Queued { id: message.id, estimate: Some(plan.estimate), replayed: false })
    }
}

/// Parley's own message ids: `pm.` and 24 hex digits, never a wamid.
pub fn new_message_id() -> String {
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("pm.{}", hex::encode(bytes))
}
