//! The webhook fields a number onboarded with its WhatsApp Business app
//! (coexistence) adds: `smb_message_echoes` (what the business types in the
//! app), `history` (the chats from before onboarding) and
//! `smb_app_state_sync` (the app's address book).
//!
//! In each, the customer is named by phone number in a field of its own
//! (the echo's `to`, the thread's `id`, the contact's `phone_number`), which
//! Meta sometimes writes with a `+`: it is read as digits, as a `wa_id` is.

use super::inbound::{text, MessageOf};
use super::webhook::WebhookBatch;
use crate::domain::address_book::AddressBookEntry;
use crate::domain::chat_history::HistoryThread;
use crate::domain::message::Arrival;
use crate::domain::{CustomerIdentity, Millis};
use serde_json::Value;

/// The customer a phone number names, as digits; `None` when it has none.
fn customer_at(phone: Option<String>) -> Option<CustomerIdentity> {
    let digits: String = phone?.chars().filter(char::is_ascii_digit).collect();
    CustomerIdentity::new(Some(digits), None)
}

fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// `smb_message_echoes`: each echo is the business's message to its `to`.
pub(super) fn read_echoes(value: &Value, phone_number_id: &str, received_at: Millis, batch: &mut WebhookBatch) {
    for echo in list(value, "message_echoes") {
        let Some(customer) = customer_at(text(echo, "to")) else {
            batch.rejected.push("message echo without a recipient".to_owned());
            continue;
        };
        let of = MessageOf { phone_number_id, customer, received_at, arrival: Arrival::PhoneApp };
        batch.echoes.push(of.read(echo, None));
    }
}

/// `history`: chunks of threads, one per customer. A message is the
/// business's when `history_context.from_me` says so or, where Meta leaves
/// that out, when it is not from the thread's customer.
pub(super) fn read_history(value: &Value, phone_number_id: &str, received_at: Millis, batch: &mut WebhookBatch) {
    for chunk in list(value, "history") {
        for error in list(chunk, "errors") {
            // The business declined to share its chats: nothing to import.
            let code = error.get("code").map(Value::to_string).unwrap_or_default();
            batch.rejected.push(format!("history not shared (code {code})"));
        }
        for thread in list(chunk, "threads") {
            let thread_phone = text(thread, "id");
            let Some(customer) = customer_at(thread_phone) else {
                batch.rejected.push("history thread without a customer".to_owned());
                continue;
            };
            let messages = list(thread, "messages")
                .iter()
                .map(|message| {
                    let from_me =
                        message.get("history_context").and_then(|c| c.get("from_me")).and_then(Value::as_bool);
                    let from_customer = customer_at(text(message, "from")).is_some_and(|f| f == customer);
                    let from_business = from_me.unwrap_or(!from_customer);
                    let arrival = Arrival::History { from_business };
                    MessageOf { phone_number_id, customer: customer.clone(), received_at, arrival }.read(message, None)
                })
                .collect();
            batch.history.push(HistoryThread { phone_number_id: phone_number_id.to_owned(), customer, messages });
        }
    }
}

/// `smb_app_state_sync`: address-book contacts added, edited or removed.
pub(super) fn read_state_sync(value: &Value, phone_number_id: &str, received_at: Millis, batch: &mut WebhookBatch) {
    for change in list(value, "state_sync") {
        if text(change, "type").as_deref() != Some("contact") {
            continue;
        }
        let contact = change.get("contact").unwrap_or(&Value::Null);
        let Some(customer) = customer_at(text(contact, "phone_number")) else {
            batch.rejected.push("address-book contact without a phone number".to_owned());
            continue;
        };
        let saved = text(contact, "full_name").or_else(|| text(contact, "first_name")).filter(|n| !n.trim().is_empty());
        let name = match (text(change, "action").as_deref(), saved) {
            (Some("remove"), _) => None,
            (_, Some(name)) => Some(name),
            // An `add` with no name teaches nothing.
            (_, None) => continue,
        };
        let at = change
            .get("metadata")
            .and_then(|m| text(m, "timestamp"))
            .and_then(|t| Millis::parse_unix_seconds(&t))
            .unwrap_or(received_at);
        batch.address_book.push(AddressBookEntry { phone_number_id: phone_number_id.to_owned(), customer, name, at });
    }
}
