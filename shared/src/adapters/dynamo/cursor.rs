//! Pagination cursors: DynamoDB's `LastEvaluatedKey`, as opaque URL-safe
//! text; for a sharded list, where each shard's read stands.

use super::item::Item;
use super::keys::{Shard, INDEX_SHARDS};
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

/// Where one shard of a fanned-out read stands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum ShardPosition {
    /// Not read yet.
    Start,
    /// Read up to and including this key (the table's and the index's
    /// key attributes): the next Query starts after it.
    After(BTreeMap<String, String>),
    /// Read to its end.
    Done,
}

impl ShardPosition {
    /// The Query's `ExclusiveStartKey`.
    pub(super) fn start_key(&self) -> Option<Item> {
        match self {
            ShardPosition::After(key) => {
                Some(key.iter().map(|(k, v)| (k.clone(), AttributeValue::S(v.clone()))).collect())
            }
            ShardPosition::Start | ShardPosition::Done => None,
        }
    }
}

/// Encodes every shard's position; `None` once every shard is read to its end.
pub(super) fn encode_sharded(positions: &[ShardPosition]) -> Option<String> {
    if positions.iter().all(|p| *p == ShardPosition::Done) {
        return None;
    }
    serde_json::to_vec(positions).ok().map(|json| URL_SAFE_NO_PAD.encode(json))
}

/// Decodes a sharded list's cursor (no cursor: every shard at its start).
/// It must hold one position per shard, and each key must name exactly the
/// attributes `names`, with shard `i`'s key in shard `i`'s partition
/// (`partition_attr` = `partition_of(i)`), so that a forged cursor can
/// neither steer a Query to another list nor fail it.
pub(super) fn decode_sharded(
    cursor: Option<&str>,
    names: &[&str],
    partition_attr: &str,
    partition_of: &dyn Fn(Shard) -> String,
) -> Result<Vec<ShardPosition>, StoreError> {
    let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(Shard::all().map(|_| ShardPosition::Start).collect());
    };
    let json = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| StoreError::BadCursor)?;
    let positions: Vec<ShardPosition> = serde_json::from_slice(&json).map_err(|_| StoreError::BadCursor)?;
    if positions.len() != usize::from(INDEX_SHARDS) {
        return Err(StoreError::BadCursor);
    }
    for (position, shard) in positions.iter().zip(Shard::all()) {
        if let ShardPosition::After(key) = position {
            let exact = key.len() == names.len() && names.iter().all(|n| key.get(*n).is_some_and(|v| !v.is_empty()));
            if !exact || key.get(partition_attr) != Some(&partition_of(shard)) {
                return Err(StoreError::BadCursor);
            }
        }
    }
    Ok(positions)
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

    fn after(partition: &str, sk: &str) -> ShardPosition {
        ShardPosition::After(BTreeMap::from([
            ("pk".to_owned(), "C#1".to_owned()),
            ("gsi1pk".to_owned(), partition.to_owned()),
            ("gsi1sk".to_owned(), sk.to_owned()),
        ]))
    }

    #[test]
    fn sharded_cursors_round_trip_and_refuse_forgeries() {
        let names = ["pk", "gsi1pk", "gsi1sk"];
        let partition = |shard: Shard| format!("L#{shard}");
        let decode = |text: Option<&str>| decode_sharded(text, &names, "gsi1pk", &partition);
        let fresh = decode(None).unwrap();
        assert_eq!(fresh, vec![ShardPosition::Start; 8]);
        let mut positions = fresh.clone();
        positions[3] = after("L#3", "9");
        positions[5] = ShardPosition::Done;
        let text = encode_sharded(&positions).unwrap();
        assert_eq!(decode(Some(&text)).unwrap(), positions);
        assert_eq!(encode_sharded(&vec![ShardPosition::Done; 8]), None, "nothing left: no cursor");

        let forge = |positions: &[ShardPosition]| URL_SAFE_NO_PAD.encode(serde_json::to_vec(positions).unwrap());
        let mut other_shard = fresh.clone();
        other_shard[2] = after("L#3", "9");
        let mut other_list = fresh.clone();
        other_list[3] = after("ELSEWHERE", "9");
        let mut missing = fresh.clone();
        missing[3] = ShardPosition::After(BTreeMap::from([("gsi1pk".to_owned(), "L#3".to_owned())]));
        let mut empty_value = fresh.clone();
        empty_value[3] = after("L#3", "");
        for forged in [
            forge(&other_shard),
            forge(&other_list),
            forge(&missing),
            forge(&empty_value),
            forge(&fresh[..7]),
            forge(&[fresh.clone(), vec![ShardPosition::Start]].concat()),
            URL_SAFE_NO_PAD.encode(br#"{"pk":"C#1","gsi1pk":"L#3","gsi1sk":"9"}"#),
            "!!".to_owned(),
        ] {
            assert!(matches!(decode(Some(&forged)), Err(StoreError::BadCursor)), "{forged}");
        }
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
