//! Read receipts and "typing…" for the conversation staff have open: what
//! [`crate::domain::chat_signal`] plans is sent to Meta, and a receipt Meta
//! took is noted so the next opening sends none. Meta refusing or being
//! out of reach costs staff nothing: it is logged, and the next opening
//! tries again.

use crate::domain::chat_signal::{plan_signal, ChatSignal, SignalPlan};
use crate::domain::Contact;
use crate::ports::{BusinessProfileStore, Clock, ReadReceipts, ReceiptLog, StoreError};
use std::sync::Arc;

/// How a signal ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalOutcome {
    /// Meta took it.
    Sent,
    /// The business switched it off.
    Off,
    /// Nothing to send (see [`SignalPlan::NotDue`]).
    NotDue,
    /// Meta refused it or could not be reached.
    Failed,
}

impl SignalOutcome {
    /// The outcome's name in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            SignalOutcome::Sent => "sent",
            SignalOutcome::Off => "off",
            SignalOutcome::NotDue => "not_due",
            SignalOutcome::Failed => "failed",
        }
    }
}

/// Sends the signals staff's actions call for.
pub struct ChatSignals {
    receipts: Arc<dyn ReadReceipts>,
    log: Arc<dyn ReceiptLog>,
    business: Arc<dyn BusinessProfileStore>,
    clock: Arc<dyn Clock>,
}

impl ChatSignals {
    /// Over Meta, the contact's receipt note, the business's switches and the clock.
    pub fn new(
        receipts: Arc<dyn ReadReceipts>,
        log: Arc<dyn ReceiptLog>,
        business: Arc<dyn BusinessProfileStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        ChatSignals { receipts, log, business, clock }
    }

    /// Sends `signal` for `contact` (as just read) if it is due.
    pub async fn signal(&self, signal: ChatSignal, contact: &Contact) -> Result<SignalOutcome, StoreError> {
        let business = self.business.business_profile().await?.unwrap_or_default();
        let wamid = match plan_signal(signal, contact, &business, self.clock.now()) {
            SignalPlan::Send { wamid } => wamid,
            SignalPlan::Off => return Ok(SignalOutcome::Off),
            SignalPlan::NotDue => return Ok(SignalOutcome::NotDue),
        };
        let typing = signal == ChatSignal::Typing;
        if let Err(e) = self.receipts.mark_read(&contact.phone_number_id, &wamid, typing).await {
            tracing::warn!(contact_id = %contact.id, wamid = %wamid, typing, error = %e, "read receipt not taken");
            return Ok(SignalOutcome::Failed);
        }
        if contact.read_receipt_for.as_deref() != Some(wamid.as_str()) {
            self.log.note_read_receipt(&contact.id, &wamid).await?;
        }
        Ok(SignalOutcome::Sent)
    }
}
