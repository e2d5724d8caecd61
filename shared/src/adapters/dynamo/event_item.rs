//! How a domain event is stored: one item, put in the same transaction as
//! the change it describes (the transactional outbox), in one of a day's
//! shards (see `keys::EVENT_SHARDS`) so that automation can read back a
//! window of days and no burst of events makes one hot partition.

use super::item::{get_n, get_s, n, s, Item};
use super::keys;
use super::write::{Attributes, Name, PlainWrite};
use crate::domain::{ContactId, Event, EventKind, Millis};
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::TransactWriteItem;

/// Domain events are garbage once automation has had this long to read
/// them (DynamoDB's TTL removes them; the audit log keeps the history).
pub(crate) const EVENT_RETENTION_SECONDS: i64 = 30 * 86_400;

/// The item to put, inside the transaction of the change, for `event`.
pub(crate) fn event_item(event: &Event) -> Attributes {
    let pk = keys::events_pk(&event.at.utc_date(), keys::event_shard(&event.id));
    let mut item = Attributes::key(pk, [&event.at.sortable(), "#", &event.id].concat(), 8);
    item.set(keys::TTL, n(event.at.0 / 1000 + EVENT_RETENTION_SECONDS));
    add_event(&mut item, event);
    item
}

/// What every event item holds beside its key.
fn add_event(item: &mut Attributes, event: &Event) {
    item.set("id", s(&event.id));
    item.set("kind", s(event.kind.as_str()));
    item.set("v", n(i64::from(event.version)));
    item.set("payload", s(event.data.to_string()));
    item.set("at", n(event.at.0));
    if let Some(contact) = &event.contact_id {
        item.set("contact", s(contact.as_str()));
    }
    if let Some(actor) = &event.actor {
        item.set("actor", s(actor));
    }
}

/// A `contact.created` event's item, at the contact's own key (see
/// [`keys::contact_created_pk`]) and without an expiry: it also marks the
/// contact as announced for as long as the contact exists.
pub(crate) fn contact_created_item(event: &Event, contact: &ContactId) -> Attributes {
    let mut item = Attributes::key(keys::contact_created_pk(contact), keys::CONTACT_CREATED, 7);
    add_event(&mut item, event);
    item
}

/// The placeholders of each field [`add_event`] sets, in order: its `SET`
/// clause, name and value. Static, as they are the same for every message
/// (building them took 21 `format!`s a message).
const FIELD_PLACEHOLDERS: [(&str, &str, &str); 7] = [
    ("#a0 = if_not_exists(#a0, :v0)", "#a0", ":v0"),
    ("#a1 = if_not_exists(#a1, :v1)", "#a1", ":v1"),
    ("#a2 = if_not_exists(#a2, :v2)", "#a2", ":v2"),
    ("#a3 = if_not_exists(#a3, :v3)", "#a3", ":v3"),
    ("#a4 = if_not_exists(#a4, :v4)", "#a4", ":v4"),
    ("#a5 = if_not_exists(#a5, :v5)", "#a5", ":v5"),
    ("#a6 = if_not_exists(#a6, :v6)", "#a6", ":v6"),
];

impl super::DynamoStore {
    /// Writes a contact's `contact.created` event only if the contact has
    /// none yet: an update that fills only missing attributes creates the
    /// item (a stream INSERT, published) the first time, and changes nothing
    /// afterwards (no INSERT, nothing published), with no condition that
    /// could cancel the transaction it rides in.
    pub(super) fn contact_created_once(&self, event: &Event, contact: &ContactId) -> PlainWrite {
        let mut fields = Attributes::with_capacity(7);
        add_event(&mut fields, event);
        let mut sets = Vec::with_capacity(fields.len());
        let mut names: Vec<(Name, Name)> = Vec::with_capacity(fields.len());
        let mut values = Attributes::with_capacity(fields.len());
        for ((name, value), (set, attribute, value_name)) in fields.into_iter().zip(FIELD_PLACEHOLDERS) {
            sets.push(set);
            names.push((attribute.into(), name));
            values.set(value_name, value);
        }
        let key = Attributes::key(keys::contact_created_pk(contact), keys::CONTACT_CREATED, 0);
        PlainWrite::update(&self.table, key, format!("SET {}", sets.join(", "))).names(names).values(values)
    }

    /// The transaction item that writes `event` beside its change.
    pub(super) fn event_put(&self, event: &Event) -> Result<TransactWriteItem, StoreError> {
        PlainWrite::put(&self.table, event_item(event)).into_sdk()
    }
}

/// The event an outbox item holds (what the stream consumer and the event
/// log decode).
pub(crate) fn event_from(item: &Item) -> Result<Event, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("event item: {what}"));
    let id = get_s(item, "id").ok_or_else(|| corrupt("no id"))?;
    let kind = get_s(item, "kind").and_then(|k| EventKind::parse(&k)).ok_or_else(|| corrupt("unknown kind"))?;
    let version = get_n(item, "v").and_then(|v| u32::try_from(v).ok()).ok_or_else(|| corrupt("no version"))?;
    let at = get_n(item, "at").map(Millis).ok_or_else(|| corrupt("no instant"))?;
    let data = get_s(item, "payload")
        .and_then(|p| serde_json::from_str(&p).ok())
        .ok_or_else(|| corrupt("payload is not JSON"))?;
    Ok(Event {
        id,
        kind,
        version,
        at,
        contact_id: get_s(item, "contact").and_then(|c| ContactId::parse(&c)),
        actor: get_s(item, "actor"),
        data,
    })
}

/// The event in an outbox item's image as DynamoDB Streams delivers it (the
/// attribute-value JSON of a stream record's `NewImage`, as Lambda passes it
/// and as the local runner rebuilds it); `None` for any other item.
pub fn event_from_image(image: &serde_json::Value) -> Option<Result<Event, StoreError>> {
    let pk = image.get(keys::PK)?.get("S")?.as_str()?;
    if !pk.starts_with(keys::EVENTS_PREFIX) {
        return None;
    }
    let attributes = image.as_object()?;
    let mut item = Item::new();
    for (name, value) in attributes {
        if let Some(text) = value.get("S").and_then(|v| v.as_str()) {
            item.insert(name.clone(), s(text));
        } else if let Some(number) = value.get("N").and_then(|v| v.as_str()) {
            item.insert(name.clone(), aws_sdk_dynamodb::types::AttributeValue::N(number.to_owned()));
        }
    }
    Some(event_from(&item))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Event, EventKind, Millis};

    fn image_of(item: &Item) -> serde_json::Value {
        let attributes = item.iter().map(|(name, value)| {
            let value = match value {
                aws_sdk_dynamodb::types::AttributeValue::S(text) => serde_json::json!({"S": text}),
                aws_sdk_dynamodb::types::AttributeValue::N(number) => serde_json::json!({"N": number}),
                _ => serde_json::json!({"NULL": true}),
            };
            (name.clone(), value)
        });
        serde_json::Value::Object(attributes.collect())
    }

    #[test]
    fn an_event_round_trips_through_its_item_and_its_stream_image() {
        let contact = ContactId::parse("0123456789abcdef01234567").expect("an id");
        let event = Event::new(
            EventKind::DealCreated,
            "deal.created:d1",
            Millis(1_700_000_000_000),
            serde_json::json!({"deal": "d1"}),
        )
        .about(&contact)
        .by("owner@example.com");
        let item = event_item(&event).into_item();
        assert_eq!(event_from(&item).ok(), Some(event.clone()));
        assert_eq!(event_from_image(&image_of(&item)).and_then(Result::ok), Some(event));
        let contact_image = serde_json::json!({"pk": {"S": "C#0123456789abcdef01234567"}, "sk": {"S": "PROFILE"}});
        assert!(event_from_image(&contact_image).is_none(), "only outbox items are events");
    }

    #[test]
    fn every_field_of_an_event_has_placeholders_for_its_contact_created_update() {
        let contact = ContactId::parse("0123456789abcdef01234567").expect("an id");
        let event = Event::new(EventKind::ContactCreated, "contact.created:c", Millis(1), serde_json::json!({}))
            .about(&contact)
            .by("owner@example.com");
        let mut fields = Attributes::with_capacity(FIELD_PLACEHOLDERS.len());
        add_event(&mut fields, &event);
        assert_eq!(fields.len(), FIELD_PLACEHOLDERS.len(), "an event with every optional field");
        for (set, name, value) in FIELD_PLACEHOLDERS {
            assert_eq!(set, format!("{name} = if_not_exists({name}, {value})"));
        }
    }

    #[test]
    fn the_same_event_always_lands_on_the_same_key_and_events_spread_over_shards() {
        let at = Millis(1_700_000_000_000);
        let key_of = |id: &str| {
            let item = event_item(&Event::new(EventKind::MessageReceived, id, at, serde_json::json!({}))).into_item();
            (get_s(&item, keys::PK), get_s(&item, keys::SK))
        };
        assert_eq!(key_of("message.received:wamid.1"), key_of("message.received:wamid.1"));
        let partitions: std::collections::BTreeSet<_> =
            (0..200).filter_map(|i| key_of(&format!("message.received:wamid.{i}")).0).collect();
        assert_eq!(partitions.len(), usize::from(keys::EVENT_SHARDS), "{partitions:?}");
        assert!(partitions.iter().all(|pk| pk.starts_with("E#2023-11-14#")));
    }
}
