//! `POST /webhook`: verify, parse, store every message and status durably.
//!
//! Every item of a delivery is tried, so one bad item never costs the others.
//! An item the store refuses for good (too large, say) is parked with its raw
//! JSON for operators; a transient failure of any item fails the delivery
//! (5xx), and Meta's retry redoes only what is missing, every write being
//! idempotent.

use crate::domain::unprocessable::{ItemKind, UnprocessableItem};
use crate::domain::Millis;
use crate::ports::{Clock, ConversationStore, Recorded, StatusOutcome, StoreError};
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
    /// Messages seen before (redeliveries, or erased since).
    pub duplicates: usize,
    /// Statuses that moved a message forward.
    pub statuses_applied: usize,
    /// Statuses older than what the message already shows.
    pub statuses_stale: usize,
    /// Statuses kept until their message is known.
    pub statuses_pending: usize,
    /// Statuses of erased messages, dropped.
    pub statuses_discarded: usize,
    /// Items refused as unattributable (logged).
    pub rejected: usize,
    /// Items no retry could store, parked for operators.
    pub parked: usize,
    /// Changes of other webhook fields, acknowledged.
    pub other_changes: usize,
}

/// The inbound webhook use case.
pub struct IngestWebhook {
    store: Arc<dyn ConversationStore>,
    clock: Arc<dyn Clock>,
    app_secret: String,
    routing: Option<Arc<super::inbox::Inbox>>,
}

/// An item that failed: parked when no retry can help, else the failure
/// that makes the whole delivery fail.
struct Failed<'a> {
    kind: ItemKind,
    wamid: &'a str,
    phone_number_id: &'a str,
    at: Millis,
    raw: &'a str,
    error: StoreError,
}

impl IngestWebhook {
    /// Wires the use case.
    pub fn new(store: Arc<dyn ConversationStore>, clock: Arc<dyn Clock>, app_secret: impl Into<String>) -> Self {
        IngestWebhook { store, clock, app_secret: app_secret.into(), routing: None }
    }

    /// Routes conversations nobody owns after their message is stored.
    pub fn with_routing(mut self, inbox: Arc<super::inbox::Inbox>) -> Self {
        self.routing = Some(inbox);
        self
    }

    /// Handles one delivery. Returns `Ok` only when every item is durable or
    /// parked.
    pub async fn handle(&self, body: &[u8], signature: Option<&str>) -> Result<IngestReport, IngestError> {
        verify_signature(self.app_secret.as_bytes(), body, signature)?;
        let received_at = self.clock.now();
        let batch = parse_webhook(body, received_at)?;
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
        let mut transient: Option<StoreError> = None;
        for message in &batch.messages {
            match self.store.record_inbound(message).await {
                Ok(Recorded::New(contact)) => {
                    report.stored += 1;
                    tracing::info!(wamid = %message.wamid, contact_id = %contact, kind = %message.type_name, "message stored");
                    self.route(&contact).await;
                }
                Ok(Recorded::Duplicate) => {
                    report.duplicates += 1;
                    tracing::info!(wamid = %message.wamid, "duplicate message ignored");
                }
                Err(error) => {
                    let failed = Failed {
                        kind: ItemKind::Message,
                        wamid: &message.wamid,
                        phone_number_id: &message.phone_number_id,
                        at: message.at,
                        raw: &message.raw,
                        error,
                    };
                    self.settle(failed, received_at, &mut report, &mut transient).await;
                }
            }
        }
        for status in &batch.statuses {
            match self.store.apply_status(status).await {
                Ok(outcome) => {
                    match outcome {
                        StatusOutcome::Applied => report.statuses_applied += 1,
                        StatusOutcome::Stale => report.statuses_stale += 1,
                        StatusOutcome::Pending => report.statuses_pending += 1,
                        StatusOutcome::Discarded => report.statuses_discarded += 1,
                    }
                    tracing::info!(wamid = %status.wamid, status = status.status.as_str(), outcome = ?outcome, "status handled");
                }
                Err(error) => {
                    let failed = Failed {
                        kind: ItemKind::Status,
                        wamid: &status.wamid,
                        phone_number_id: &status.phone_number_id,
                        at: status.at,
                        raw: &status.raw,
                        error,
                    };
                    self.settle(failed, received_at, &mut report, &mut transient).await;
                }
            }
        }
        match transient {
            Some(error) => Err(IngestError::Store(error)),
            None => Ok(report),
        }
    }

    /// The message is stored; a routing hiccup leaves the conversation in
    /// the unassigned queue, never loses it.
    async fn route(&self, contact: &crate::domain::ContactId) {
        let Some(inbox) = &self.routing else { return };
        match inbox.route(contact).await {
            Ok(Some(owner)) => tracing::info!(contact_id = %contact, owner = %owner, "conversation routed"),
            Ok(None) => {}
            Err(e) => tracing::warn!(contact_id = %contact, error = %e, "routing failed; left unassigned"),
        }
    }

    /// Parks an item that no retry can store; remembers a transient failure
    /// (the first one) for the delivery's answer.
    async fn settle(
        &self,
        failed: Failed<'_>,
        received_at: Millis,
        report: &mut IngestReport,
        transient: &mut Option<StoreError>,
    ) {
        let kind = failed.kind.as_str();
        if failed.error.is_transient() {
            tracing::error!(wamid = %failed.wamid, kind, error = %failed.error, "webhook item not stored; Meta will retry");
            transient.get_or_insert(failed.error);
            return;
        }
        let parked = UnprocessableItem {
            kind: failed.kind,
            wamid: failed.wamid.to_owned(),
            phone_number_id: failed.phone_number_id.to_owned(),
            at: failed.at,
            received_at,
            reason: failed.error.to_string(),
            raw: failed.raw.to_owned(),
        };
        match self.store.park_unprocessable(&parked).await {
            Ok(()) => {
                report.parked += 1;
                tracing::error!(wamid = %failed.wamid, kind, reason = %parked.reason, "webhook item parked: it can never be stored as it is");
            }
            Err(e) => {
                tracing::error!(wamid = %failed.wamid, kind, error = %e, "webhook item could not be parked; Meta will retry");
                transient.get_or_insert(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::message::InboundMessage;
    use crate::domain::{Contact, ContactId, Message, StatusUpdate};
    use crate::ports::{Page, PageRequest};
    use std::sync::Mutex;

    /// Stores messages in memory; refuses `wamid.POISON` for good and fails
    /// `wamid.FLAKY` as an outage would.
    #[derive(Default)]
    struct Store {
        stored: Mutex<Vec<String>>,
        parked: Mutex<Vec<UnprocessableItem>>,
    }

    #[async_trait::async_trait]
    impl ConversationStore for Store {
        async fn record_inbound(&self, message: &InboundMessage) -> Result<Recorded, StoreError> {
            match message.wamid.as_str() {
                "wamid.POISON" => Err(StoreError::Rejected("Item size has exceeded the maximum allowed size".into())),
                "wamid.FLAKY" => Err(StoreError::Unavailable("throttled".into())),
                wamid => {
                    self.stored.lock().unwrap().push(wamid.to_owned());
                    Ok(Recorded::New(ContactId::parse("0123456789abcdef01234567").unwrap()))
                }
            }
        }
        async fn apply_status(&self, _: &StatusUpdate) -> Result<StatusOutcome, StoreError> {
            Ok(StatusOutcome::Pending)
        }
        async fn link_wamid(&self, _: &ContactId, _: &str, _: &str) -> Result<(), StoreError> {
            Ok(())
        }
        async fn park_unprocessable(&self, item: &UnprocessableItem) -> Result<(), StoreError> {
            self.parked.lock().unwrap().push(item.clone());
            Ok(())
        }
        async fn list_contacts(&self, _: &PageRequest, _: Option<&str>) -> Result<Page<Contact>, StoreError> {
            Ok(Page { items: vec![], next_cursor: None })
        }
        async fn contact(&self, _: &ContactId) -> Result<Option<Contact>, StoreError> {
            Ok(None)
        }
        async fn timeline(&self, _: &ContactId, _: &PageRequest) -> Result<Page<Message>, StoreError> {
            Ok(Page { items: vec![], next_cursor: None })
        }
    }

    struct Fixed;
    impl Clock for Fixed {
        fn now(&self) -> Millis {
            Millis(1_800_000_000_000)
        }
    }

    fn delivery(wamids: &[&str]) -> (Vec<u8>, String) {
        let messages: Vec<serde_json::Value> = wamids
            .iter()
            .map(|id| serde_json::json!({"id": id, "from": "919812345678", "timestamp": "1700000000", "type": "text", "text": {"body": "hi"}}))
            .collect();
        let body = serde_json::json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp", "metadata": {"phone_number_id": "1", "display_phone_number": "1"},
            "contacts": [{"wa_id": "919812345678", "profile": {"name": "Ravi"}}], "messages": messages}}]}]});
        let bytes = serde_json::to_vec(&body).unwrap();
        let signature = crate::whatsapp::sign(b"secret", &bytes);
        (bytes, signature)
    }

    #[tokio::test]
    async fn a_poison_item_is_parked_and_the_rest_is_stored() {
        let store = Arc::new(Store::default());
        let ingest = IngestWebhook::new(store.clone(), Arc::new(Fixed), "secret");
        let (body, signature) = delivery(&["wamid.A", "wamid.POISON", "wamid.B"]);
        let report = ingest.handle(&body, Some(&signature)).await.unwrap();
        assert_eq!((report.stored, report.parked), (2, 1));
        assert_eq!(*store.stored.lock().unwrap(), ["wamid.A", "wamid.B"]);
        let parked = store.parked.lock().unwrap();
        assert_eq!(parked[0].wamid, "wamid.POISON");
        assert!(parked[0].raw.contains("wamid.POISON"));
        assert_eq!(parked[0].received_at, Millis(1_800_000_000_000));
        assert!(!parked[0].reason.contains("919812345678"));
    }

    #[tokio::test]
    async fn an_outage_on_one_item_fails_the_delivery_after_storing_the_others() {
        let store = Arc::new(Store::default());
        let ingest = IngestWebhook::new(store.clone(), Arc::new(Fixed), "secret");
        let (body, signature) = delivery(&["wamid.A", "wamid.FLAKY", "wamid.POISON", "wamid.B"]);
        let answer = ingest.handle(&body, Some(&signature)).await;
        assert!(matches!(answer, Err(IngestError::Store(StoreError::Unavailable(_)))), "Meta must retry");
        assert_eq!(*store.stored.lock().unwrap(), ["wamid.A", "wamid.B"], "the rest is not held hostage");
        assert_eq!(store.parked.lock().unwrap().len(), 1);
    }
}
