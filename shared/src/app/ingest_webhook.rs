//! `POST /webhook`: verify, parse, store every message and status durably.
//!
//! Every item of a delivery is tried, so one bad item never costs the others.
//! An item the store refuses for good (too large, say) is parked with its raw
//! JSON for operators; a transient failure of any item fails the delivery
//! (5xx), and Meta's retry redoes only what is missing, every write being
//! idempotent.

use crate::domain::message::InboundMessage;
use crate::domain::unprocessable::{ItemKind, UnprocessableItem};
use crate::domain::Millis;
use crate::ports::{
    AddressBook, ChatHistory, Clock, InboundStore, Recorded, StatusOutcome, StatusStore, StoreError, TemplateCatalog,
};
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
    /// Facebook lead forms taken (or found taken before).
    pub leads: usize,
    /// Messages the business typed in the WhatsApp Business app, stored now.
    pub echoes: usize,
    /// Messages of the chat history backfill stored now.
    pub history_stored: usize,
    /// Messages of the backfill stored before.
    pub history_duplicates: usize,
    /// Address-book names kept or cleared.
    pub address_book: usize,
    /// Template statuses kept.
    pub template_statuses: usize,
}

/// Where a webhook's items are stored. One store usually serves them all:
/// see [`IngestStores::over`].
#[derive(Clone)]
pub struct IngestStores {
    /// Messages, customers' and the business's phone app's.
    pub inbound: Arc<dyn InboundStore>,
    /// Delivery statuses.
    pub statuses: Arc<dyn StatusStore>,
    /// The coexistence backfill.
    pub history: Arc<dyn ChatHistory>,
    /// The WhatsApp Business app's address book.
    pub address_book: Arc<dyn AddressBook>,
    /// The template catalog, whose statuses Meta's webhook keeps current.
    pub templates: Arc<dyn TemplateCatalog>,
    /// Meta's word on each business number.
    pub standings: Arc<dyn crate::ports::NumberStandings>,
}

impl IngestStores {
    /// Every part over one store.
    pub fn over<S>(store: Arc<S>) -> Self
    where
        S: InboundStore
            + StatusStore
            + ChatHistory
            + AddressBook
            + TemplateCatalog
            + crate::ports::NumberStandings
            + 'static,
    {
        IngestStores {
            inbound: store.clone(),
            statuses: store.clone(),
            history: store.clone(),
            address_book: store.clone(),
            templates: store.clone(),
            standings: store,
        }
    }
}

/// The inbound webhook use case.
pub struct IngestWebhook {
    stores: IngestStores,
    clock: Arc<dyn Clock>,
    app_secret: String,
    routing: Option<Arc<super::inbox::Inbox>>,
    leads: Option<Arc<super::facebook_leads::FacebookLeads>>,
    own_waba_id: String,
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

impl<'a> Failed<'a> {
    fn message(message: &'a InboundMessage, error: StoreError) -> Self {
        Failed {
            kind: ItemKind::Message,
            wamid: &message.wamid,
            phone_number_id: &message.phone_number_id,
            at: message.at,
            raw: &message.raw,
            error,
        }
    }
}

impl IngestWebhook {
    /// Wires the use case.
    pub fn new(stores: IngestStores, clock: Arc<dyn Clock>, app_secret: impl Into<String>) -> Self {
        IngestWebhook {
            stores,
            clock,
            app_secret: app_secret.into(),
            routing: None,
            leads: None,
            own_waba_id: String::new(),
        }
    }

    /// The deployment's own WhatsApp Business Account (`WHATSAPP_WABA_ID`):
    /// template statuses for any other go to that account's catalog.
    pub fn with_own_account(mut self, waba_id: impl Into<String>) -> Self {
        self.own_waba_id = waba_id.into();
        self
    }

    /// Routes conversations nobody owns after their message is stored.
    pub fn with_routing(mut self, inbox: Arc<super::inbox::Inbox>) -> Self {
        self.routing = Some(inbox);
        self
    }

    /// Takes the Facebook lead forms Meta posts (without it they are logged
    /// and acknowledged).
    pub fn with_lead_ads(mut self, leads: Arc<super::facebook_leads::FacebookLeads>) -> Self {
        self.leads = Some(leads);
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
        for notice in &batch.leadgen {
            let Some(leads) = &self.leads else {
                tracing::warn!(leadgen_id = %notice.leadgen_id, "a Facebook lead came but lead ads are not set up");
                continue;
            };
            match leads.take(notice).await {
                Ok(_) => report.leads += 1,
                Err(e) => {
                    transient.get_or_insert(e);
                }
            }
        }
        for message in &batch.messages {
            if let Some(contact) = self.record(message, received_at, &mut report, &mut transient).await {
                report.stored += 1;
                self.route(&contact).await;
            }
        }
        // What the business typed on its phone is the team's answer: stored
        // as such, and routed nowhere.
        for echo in &batch.echoes {
            if self.record(echo, received_at, &mut report, &mut transient).await.is_some() {
                report.echoes += 1;
            }
        }
        for thread in &batch.history {
            match self.stores.history.record_history(thread).await {
                Ok(recorded) => {
                    report.history_stored += recorded.stored;
                    report.history_duplicates += recorded.duplicates;
                    tracing::info!(contact_id = %recorded.contact, stored = recorded.stored, duplicates = recorded.duplicates, "chat history stored");
                    for (index, error) in recorded.refused {
                        if let Some(message) = thread.messages.get(index) {
                            self.settle(Failed::message(message, error), received_at, &mut report, &mut transient)
                                .await;
                        }
                    }
                }
                Err(error) => {
                    tracing::error!(error = %error, "chat history not stored; Meta will retry");
                    transient.get_or_insert(error);
                }
            }
        }
        for entry in &batch.address_book {
            match self.stores.address_book.note_address_book(entry).await {
                Ok(applied) => report.address_book += usize::from(applied),
                Err(error) => {
                    tracing::error!(error = %error, "address-book change not stored; Meta will retry");
                    transient.get_or_insert(error);
                }
            }
        }
        for change in batch.template_statuses {
            let change = change.seen_from(&self.own_waba_id);
            match self.stores.templates.note_template_status(&change).await {
                Ok(kept) => {
                    report.template_statuses += usize::from(kept);
                    tracing::info!(template = %change.name, language = %change.language, status = %change.status, kept, "template status");
                }
                Err(error) => {
                    tracing::error!(error = %error, "template status not stored; Meta will retry");
                    transient.get_or_insert(error);
                }
            }
        }
        for change in &batch.standings {
            match self.stores.standings.note_standing(change).await {
                Ok(kept) => tracing::warn!(event = %change.event, limit = ?change.limit, kept, "Meta rated the number"),
                Err(error) => {
                    tracing::error!(error = %error, "number standing not stored; Meta will retry");
                    transient.get_or_insert(error);
                }
            }
        }
        for tier in &batch.volume_tiers {
            match self.stores.standings.note_volume_tier(tier).await {
                Ok(kept) => {
                    tracing::info!(category = tier.category.as_str(), region = %tier.region, from = tier.from, month = %tier.month, kept, "Meta moved the account to a volume tier");
                }
                Err(error) => {
                    tracing::error!(error = %error, "volume tier not stored; Meta will retry");
                    transient.get_or_insert(error);
                }
            }
        }
        for status in &batch.statuses {
            match self.stores.statuses.apply_status(status).await {
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

    /// Stores one message; the contact it is on when it is new, `None` when
    /// it was stored before or failed (parked, or remembered as transient).
    async fn record(
        &self,
        message: &InboundMessage,
        received_at: Millis,
        report: &mut IngestReport,
        transient: &mut Option<StoreError>,
    ) -> Option<crate::domain::ContactId> {
        match self.stores.inbound.record_inbound(message).await {
            Ok(Recorded::New(contact)) => {
                let origin = message.arrival.origin().unwrap_or("customer");
                tracing::info!(wamid = %message.wamid, contact_id = %contact, kind = %message.type_name, origin, "message stored");
                Some(contact)
            }
            Ok(Recorded::Duplicate) => {
                report.duplicates += 1;
                tracing::info!(wamid = %message.wamid, "duplicate message ignored");
                None
            }
            Err(error) => {
                self.settle(Failed::message(message, error), received_at, report, transient).await;
                None
            }
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
        match self.stores.inbound.park_unprocessable(&parked).await {
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
