//! How a domain event is stored: one item, put in the same transaction as
//! the change it describes (the transactional outbox), in a partition per
//! day so that automation can read back a window of days.

use super::item::{key, n, s, Item};
use super::keys;
use crate::domain::Event;

/// Domain events are garbage once automation has had this long to read
/// them (DynamoDB's TTL removes them; the audit log keeps the history).
pub(crate) const EVENT_RETENTION_SECONDS: i64 = 30 * 86_400;

/// The item to put, inside the transaction of the change, for `event`.
pub(crate) fn event_item(event: &Event) -> Item {
    let mut item = key(keys::events_pk(&event.at.to_rfc3339()[..10]), format!("{}#{}", event.at.sortable(), event.id));
    item.extend([
        ("id".to_owned(), s(&event.id)),
        ("kind".to_owned(), s(event.kind.as_str())),
        ("v".to_owned(), n(i64::from(event.version))),
        ("payload".to_owned(), s(event.data.to_string())),
        ("at".to_owned(), n(event.at.0)),
        (keys::TTL.to_owned(), n(event.at.0 / 1000 + EVENT_RETENTION_SECONDS)),
    ]);
    if let Some(contact) = &event.contact_id {
        item.insert("contact".to_owned(), s(contact.as_str()));
    }
    if let Some(actor) = &event.actor {
        item.insert("actor".to_owned(), s(actor));
    }
    item
}
