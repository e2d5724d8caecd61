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

/// Decodes a cursor, which must name exactly the key attributes `names`
/// (the table's and the queried index's), each with a value, so that a
/// forged cursor cannot steer a query elsewhere or fail it.
pub(super) fn decode(cursor: Option<&str>, names: &[&str]) -> Result<Option<Item>, StoreError> {
    let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let json = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| StoreError::BadCursor)?;
    let plain: HashMap<String, String> = serde_json::from_slice(&json).map_err(|_| StoreError::BadCursor)?;
    let exact = plain.len() == names.len() && names.iter().all(|n| plain.get(*n).is_some_and(|v| !v.is_empty()));
    if !exact {
        return Err(StoreError::BadCursor);
    }
    Ok(Some(plain.into_iter().map(|(k, v)| (k, AttributeValue::S(v))).collect()))
}

/// Whether DynamoDB refused a query's starting key: a well-formed cursor of
/// another partition, or outside the query's key range. Only a cursor puts
/// a starting key in a query, so the caller sent a cursor Parley did not
/// issue for this query. DynamoDB says so only in its message.
pub(super) fn refused_start_key(error_text: &str) -> bool {
    ["The provided starting key", "Exclusive Start Key"].iter().any(|m| error_text.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_forgeries() {
        let key: Item = HashMap::from([("pk".to_owned(), AttributeValue::S("C#1".into()))]);
        let text = encode(Some(&key)).unwrap();
        assert_eq!(decode(Some(&text), &["pk"]).unwrap(), Some(key));
        assert!(matches!(decode(Some("!!"), &["pk"]), Err(StoreError::BadCursor)));
        let forged = URL_SAFE_NO_PAD.encode(br#"{"other":"x"}"#);
        assert!(matches!(decode(Some(&forged), &["pk"]), Err(StoreError::BadCursor)));
        assert_eq!(decode(None, &["pk"]).unwrap(), None);
        let partial = URL_SAFE_NO_PAD.encode(br#"{"pk":"C#1"}"#);
        assert!(matches!(decode(Some(&partial), &["pk", "sk"]), Err(StoreError::BadCursor)), "every key attribute");
        let empty = URL_SAFE_NO_PAD.encode(br#"{"pk":"C#1","sk":""}"#);
        assert!(matches!(decode(Some(&empty), &["pk", "sk"]), Err(StoreError::BadCursor)), "with a value");
    }

    #[test]
    fn a_refused_starting_key_is_told_apart_from_other_failures() {
        assert!(refused_start_key(
            "ValidationException: The provided starting key does not match the range key predicate"
        ));
        assert!(!refused_start_key("ValidationException: One or more parameter values were invalid"));
        assert!(!refused_start_key("ProvisionedThroughputExceededException"));
    }
}
