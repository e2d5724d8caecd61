//! Reading and writing attribute values.

use crate::ports::StoreError;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// A DynamoDB item.
pub(super) type Item = HashMap<String, AttributeValue>;

/// A string attribute.
pub(super) fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

/// A number attribute.
pub(super) fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// A key `{pk, sk}`.
pub(super) fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    HashMap::from([(super::keys::PK.to_owned(), s(pk)), (super::keys::SK.to_owned(), s(sk))])
}

/// An optional string attribute.
pub(super) fn get_s(item: &Item, name: &str) -> Option<String> {
    item.get(name).and_then(|v| v.as_s().ok()).cloned()
}

/// An optional number attribute.
pub(super) fn get_n(item: &Item, name: &str) -> Option<i64> {
    item.get(name).and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok())
}

/// An optional boolean attribute.
pub(super) fn get_bool(item: &Item, name: &str) -> Option<bool> {
    item.get(name).and_then(|v| v.as_bool().ok()).copied()
}

/// A string attribute that must be there.
pub(super) fn req_s(item: &Item, name: &str) -> Result<String, StoreError> {
    get_s(item, name).ok_or_else(|| StoreError::Corrupt(format!("missing attribute {name}")))
}
