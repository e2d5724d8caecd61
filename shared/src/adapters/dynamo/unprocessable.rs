//! Webhook items no retry can store, parked by their own day for operators.

use super::item::{key, n, s};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::domain::unprocessable::UnprocessableItem;
use crate::ports::StoreError;

/// How much of the raw JSON is kept: the item that was too large to store
/// must fit this time.
const RAW_LIMIT: usize = 200_000;

/// Enough of an over-long wamid to recognise it.
const WAMID_LIMIT: usize = 1_000;

/// Parked items hold a customer's words; they go after this long, as the
/// logs do.
const RETENTION_SECONDS: i64 = 30 * 24 * 3600;

impl DynamoStore {
    pub(super) async fn put_unprocessable(&self, parked: &UnprocessableItem) -> Result<(), StoreError> {
        let day = &parked.at.utc_date();
        // Keyed by a digest: the wamid may be what was too long for a key.
        let sk = keys::unprocessable_sk(parked.kind.as_str(), &self.ids.pseudonym(&parked.wamid));
        let mut item = key(keys::unprocessable_pk(day), sk);
        let raw = prefix(&parked.raw, RAW_LIMIT);
        item.extend([
            ("kind".to_owned(), s(parked.kind.as_str())),
            ("wamid".to_owned(), s(prefix(&parked.wamid, WAMID_LIMIT))),
            ("phone_number_id".to_owned(), s(&parked.phone_number_id)),
            ("at".to_owned(), n(parked.at.0)),
            ("reason".to_owned(), s(&parked.reason)),
            ("raw".to_owned(), s(raw)),
            ("raw_truncated".to_owned(), aws_sdk_dynamodb::types::AttributeValue::Bool(raw.len() < parked.raw.len())),
            (keys::TTL.to_owned(), n(parked.received_at.0 / 1000 + RETENTION_SECONDS)),
        ]);
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(unavailable)?;
        Ok(())
    }
}

/// At most `limit` bytes of `text`, cut on a character boundary.
fn prefix(text: &str, limit: usize) -> &str {
    let mut cut = text.len().min(limit);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text[..cut]
}
