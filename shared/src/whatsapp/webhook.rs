//! The webhook envelope: `object → entry[] → changes[] → value`, with every
//! entry, change, message and status read (never just `entry[0]`).

use super::coexistence;
use super::inbound::{parse_message, WireContact};
use super::status::parse_status;
use crate::domain::message::InboundMessage;
use crate::domain::{Millis, StatusUpdate};
use serde::Deserialize;
use serde_json::Value;

/// Why a webhook body was refused as a whole.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// Not JSON, or not shaped like a webhook envelope.
    #[error("malformed webhook body: {0}")]
    Malformed(#[from] serde_json::Error),
    /// JSON, but not a WhatsApp Business Account webhook.
    #[error("not a WhatsApp webhook: object is {0:?}")]
    NotWhatsApp(String),
}

#[derive(Deserialize)]
struct Envelope {
    object: String,
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    /// The WhatsApp Business Account the entry is about.
    #[serde(default)]
    id: String,
    #[serde(default)]
    changes: Vec<Change>,
    /// When Meta sent the entry (Unix seconds), for changes that carry no
    /// time of their own.
    #[serde(default)]
    time: Option<i64>,
}

#[derive(Deserialize)]
struct Change {
    #[serde(default)]
    field: String,
    #[serde(default)]
    value: Value,
}

/// Everything one webhook POST carries.
#[derive(Debug, Default)]
pub struct WebhookBatch {
    /// Inbound messages, in the order Meta sent them.
    pub messages: Vec<InboundMessage>,
    /// Status updates, in the order Meta sent them.
    pub statuses: Vec<StatusUpdate>,
    /// Messages the business typed in the WhatsApp Business app
    /// (coexistence), each [`crate::domain::message::Arrival::PhoneApp`].
    pub echoes: Vec<InboundMessage>,
    /// Chats from before the number was onboarded, one thread per customer.
    pub history: Vec<crate::domain::chat_history::HistoryThread>,
    /// Changes to the WhatsApp Business app's address book.
    pub address_book: Vec<crate::domain::address_book::AddressBookEntry>,
    /// Templates Meta approved, rejected, paused…
    pub template_statuses: Vec<crate::domain::template_status::TemplateStatusChange>,
    /// Meta's quality rating, messaging limit and account standing changes.
    pub standings: Vec<crate::domain::number_standing::StandingChange>,
    /// Volume tiers Meta moved the account to.
    pub volume_tiers: Vec<crate::domain::volume_tier::VolumeTierReached>,
    /// Changes of fields other than `messages` (template status, account
    /// updates…): `(field, raw value)`, acknowledged and logged.
    pub other_changes: Vec<(String, String)>,
    /// Lead forms submitted (`leadgen` changes of a Facebook Page the app
    /// is subscribed to, posted to the same callback and signed alike).
    pub leadgen: Vec<crate::domain::facebook_lead::LeadgenNotice>,
    /// Items that could not be attributed, with the reason: logged, answered 200
    /// (Meta would only resend the same thing).
    pub rejected: Vec<String>,
}

/// Parses a verified webhook body.
pub fn parse_webhook(body: &[u8], received_at: Millis) -> Result<WebhookBatch, WebhookError> {
    let envelope: Envelope = serde_json::from_slice(body)?;
    let mut batch = WebhookBatch::default();
    if envelope.object == "page" {
        for change in envelope.entry.into_iter().flat_map(|e| e.changes) {
            match (change.field.as_str(), crate::domain::facebook_lead::LeadgenNotice::from_change(&change.value)) {
                ("leadgen", Some(notice)) => batch.leadgen.push(notice),
                ("leadgen", None) => batch.rejected.push("leadgen change without leadgen_id".to_owned()),
                _ => batch.other_changes.push((change.field, change.value.to_string())),
            }
        }
        return Ok(batch);
    }
    if envelope.object != "whatsapp_business_account" {
        return Err(WebhookError::NotWhatsApp(envelope.object));
    }
    for entry in envelope.entry {
        let at = entry.time.map_or(received_at, |seconds| Millis(seconds.saturating_mul(1000)));
        for change in entry.changes {
            read_change(change, &entry.id, at, received_at, &mut batch);
        }
    }
    Ok(batch)
}

/// One change of a WhatsApp Business Account entry sent at `at`.
fn read_change(change: Change, waba_id: &str, at: Millis, received_at: Millis, batch: &mut WebhookBatch) {
    if change.field == "message_template_status_update" {
        match super::template_status::read_template_status(&change.value, waba_id, at) {
            Some(status) => batch.template_statuses.push(status),
            None => batch.rejected.push("template status update without a template".to_owned()),
        }
        return;
    }
    match super::number_standing::read_volume_tier(&change.field, &change.value, waba_id, at) {
        Some(Ok(tier)) => return batch.volume_tiers.push(tier),
        Some(Err(why)) => return batch.rejected.push(why),
        None => {}
    }
    if let Some(standing) = super::number_standing::read_standing(&change.field, &change.value, waba_id, at) {
        batch.standings.push(standing);
        return;
    }
    let read: fn(&Value, &str, Millis, &mut WebhookBatch) = match change.field.as_str() {
        "messages" => read_messages_change,
        "smb_message_echoes" => coexistence::read_echoes,
        "history" => coexistence::read_history,
        "smb_app_state_sync" => coexistence::read_state_sync,
        "calls" => super::calls::read_calls,
        _ => {
            batch.other_changes.push((change.field, change.value.to_string()));
            return;
        }
    };
    let phone_number_id =
        change.value.get("metadata").and_then(|m| super::inbound::text(m, "phone_number_id")).unwrap_or_default();
    if phone_number_id.is_empty() {
        batch.rejected.push(format!("{} change without metadata.phone_number_id", change.field));
        return;
    }
    read(&change.value, &phone_number_id, received_at, batch);
}

fn read_messages_change(value: &Value, phone_number_id: &str, received_at: Millis, batch: &mut WebhookBatch) {
    let list = |key: &str| value.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let contacts: Vec<WireContact> = list("contacts").iter().map(WireContact::from_json).collect();
    for message in list("messages") {
        match parse_message(message, phone_number_id, &contacts, received_at) {
            Ok(m) => batch.messages.push(m),
            Err(e) => batch.rejected.push(e.to_string()),
        }
    }
    for status in list("statuses") {
        match parse_status(status, phone_number_id, received_at) {
            Ok(s) => batch.statuses.push(s),
            Err(e) => batch.rejected.push(e.to_string()),
        }
    }
}
