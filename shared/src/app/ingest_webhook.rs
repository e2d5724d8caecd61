//! `POST /webhook`: verify, parse, store every message and status durably.

use crate::ports::{Clock, InboundStore, Recorded, StatusOutcome, StatusStore, StoreError};
use crate::whatsapp::{parse_webhook, verify_signature, SignatureError, WebhookError};
use std::sync::Arc;

/// Why a webhook was not accepted; each maps to one HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// Bad or missing signature → 401; nothing stored.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// Not a WhatsApp webhook body → 400; nothing stored.
    #[error(transparent)]
    Malformed(#[from] WebhookError),
    /// Storage failed → 5xx, so Meta delivers again (every write is idempotent).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one webhook delivery did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IngestReport {
    /// Messages stored now.
    pub stored: usize,
    /// Messages seen before (redeliveries).
    pub duplicates: usize,
    /// Statuses that moved a message forward.
    pub statuses_applied: usize,
    /// Statuses older than what the message already shows.
    pub statuses_stale: usize,
    /// Statuses kept until their message is known.
    pub statuses_pending: usize,
    /// Items refused as unattributable (logged).
    pub rejected: usize,
    /// Changes of other webhook fields, acknowledged.
    pub other_changes: usize,
}

/// The inbound webhook use case.
pub struct IngestWebhook {
    store: Arc<dyn InboundStore>,
    statuses: Arc<dyn StatusStore>,
    clock: Arc<dyn Clock>,
    app_secret: String,
    routing: Option<Arc<super::inbox::Inbox>>,
}

impl IngestWebhook {
    /// Wires the use case.
    pub fn new(
        store: Arc<dyn InboundStore>,
        statuses: Arc<dyn StatusStore>,
        clock: Arc<dyn Clock>,
        app_secret: impl Into<String>,
    ) -> Self {
        IngestWebhook { store, statuses, clock, app_secret: app_secret.into(), routing: None }
    }

    /// Routes conversations nobody owns after their message is stored.
    pub fn with_routing(mut self, inbox: Arc<super::inbox::Inbox>) -> Self {
        self.routing = Some(inbox);
        self
    }

    /// Handles one delivery. Returns only after every write is durable.
    pub async fn handle(&self, body: &[u8], signature: Option<&str>) -> Result<IngestReport, IngestError> {
        verify_signature(self.app_secret.as_bytes(), body, signature)?;
        let batch = parse_webhook(body, self.clock.now())?;
        let mut report = IngestReport {
            rejected: batch.rejected.len(),
            other_changes: batch.other_changes.len(),
            ..IngestReport::default()
        };
        for reason in &batch.rejected {
            tracing::warn!(reason = %reason, "webhook item refused");
        }
        for (field, _) in &batch.other_changes {
            tracing::info!(field = %field, "webhook change acknowledged");
        }
        for message in &batch.messages {
            match self.store.record_inbound(message).await? {
                Recorded::New(contact) => {
                    report.stored += 1;
                    tracing::info!(wamid = %message.wamid, contact_id = %contact, kind = %message.type_name, "message stored");
                    if let Some(inbox) = &self.routing {
                        // The message is stored; a routing hiccup leaves the
                        // conversation in the unassigned queue, never loses it.
                        match inbox.route(&contact).await {
                            Ok(Some(owner)) => {
                                tracing::info!(contact_id = %contact, owner = %owner, "conversation routed")
                            }
                            Ok(None) => {}
                            Err(e) => {
                                tracing::warn!(contact_id = %contact, error = %e, "routing failed; left unassigned")
                            }
                        }
                    }
                }
                Recorded::Duplicate => {
                    report.duplicates += 1;
                    tracing::info!(wamid = %message.wamid, "duplicate message ignored");
                }
            }
        }
        for status in &batch.statuses {
            let outcome = self.statuses.apply_status(status).await?;
            match outcome {
                StatusOutcome::Applied => report.statuses_applied += 1,
                StatusOutcome::Stale => report.statuses_stale += 1,
                StatusOutcome::Pending => report.statuses_pending += 1,
            }
            tracing::info!(wamid = %status.wamid, status = status.status.as_str(), outcome = ?outcome, "status handled");
        }
        Ok(report)
    }
}
