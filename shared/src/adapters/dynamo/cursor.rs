//! Pagination cursors: DynamoDB's `LastEvaluatedKey`, as opaque URL-safe text.

use super::item::Item;
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::collections::{BTreeMap, HashMap};

/// Encodes a last-evaluated key (string attributes only, which is all Parley's
/// keys are).
pub(super) fn encode(key: Option<&Item>) -> Option<String> {
    let key = key?;
    let plain: BTreeMap<&str, &str> =
        key.iter().filter_map(|(k, v)| v.as_s().ok().map(|v| (k.as_str(), v.as_str()))).collect();
    serde_json::to_vec(&plain).ok().map(|json| URL_SAFE_NO_PAD.encode(json))
}

/// Decodes a cursor, accepting only the attribute names `allowed` so that a
/// forged cursor cannot steer a query elsewhere.
pub(super) fn decode(cursor: Option<&str>, allowed: &[&str]) -> Result<Option<Item>, StoreError> {
    let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let json = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| StoreError::BadCursor)?;
    let plain: HashMap<String, String> = serde_json::from_slice(&json).map_err(|_| StoreError::BadCursor)?;
    if plain.is_empty() || plain.keys().any(|k| !allowed.contains(&k.as_str())) {
        return Err(StoreError::BadCursor);
    }
    Ok(Some(plain.into_iter().map(|(k, v)| (k, AttributeValue::S(v))).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_forgeries() {
        let key: Item = HashMap::from([("pk".to_owned(), AttributeValue::S("C#1".into()))]);
        let text = encode(Some(&key)).unwrap();
        assert_eq!(decode(Some(&text), &["pk", "sk"]).unwrap(), Some(key));
        assert!(matches!(decode(Some("!!"), &["pk"]), Err(StoreError::BadCursor)));
        let forged = URL_SAFE_NO_PAD.encode(br#"{"other":"x"}"#);
        assert!(matches!(decode(Some(&forged), &["pk"]), Err(StoreError::BadCursor)));
        assert_eq!(decode(None, &["pk"]).unwrap(), None);
    }
}
