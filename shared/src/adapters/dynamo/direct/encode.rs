//! A `TransactWriteItems` request body in DynamoDB's JSON protocol, written
//! from the SDK's own model types, so the code that assembles a transaction
//! is the same whichever way it is sent.

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::collections::HashMap;

/// The request body: `{"TransactItems": [...]}`, asking for the consumed
/// capacity when `capacity` (only when measuring, as `RequestCounter` does).
pub(super) fn transact_write_body(items: &[TransactWriteItem], capacity: bool) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(&Body { items, capacity })
}

struct Body<'a> {
    items: &'a [TransactWriteItem],
    capacity: bool,
}

impl Serialize for Body<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if self.capacity {
            map.serialize_entry("ReturnConsumedCapacity", "TOTAL")?;
        }
        map.serialize_entry("TransactItems", &Seq(self.items.iter().map(Item)))?;
        map.end()
    }
}

/// A sequence of serializable values from an iterator that can be cloned.
struct Seq<I>(I);

impl<I, T> Serialize for Seq<I>
where
    I: Iterator<Item = T> + Clone,
    T: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for value in self.0.clone() {
            seq.serialize_element(&value)?;
        }
        seq.end()
    }
}

struct Item<'a>(&'a TransactWriteItem);

/// The members the four operations share, read through the accessors the
/// SDK gives each of them under the same names.
macro_rules! shared {
    ($operation:expr) => {
        Operation {
            table: $operation.table_name(),
            names: $operation.expression_attribute_names(),
            values: $operation.expression_attribute_values(),
            on_failure: $operation.return_values_on_condition_check_failure().map(|r| r.as_str()),
            ..Operation::default()
        }
    };
}

impl Serialize for Item<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let item = self.0;
        let mut map = s.serialize_map(Some(1))?;
        if let Some(check) = item.condition_check() {
            let operation =
                Operation { key: Some(check.key()), condition: Some(check.condition_expression()), ..shared!(check) };
            map.serialize_entry("ConditionCheck", &operation)?;
        } else if let Some(put) = item.put() {
            let operation = Operation { item: Some(put.item()), condition: put.condition_expression(), ..shared!(put) };
            map.serialize_entry("Put", &operation)?;
        } else if let Some(delete) = item.delete() {
            let operation =
                Operation { key: Some(delete.key()), condition: delete.condition_expression(), ..shared!(delete) };
            map.serialize_entry("Delete", &operation)?;
        } else if let Some(update) = item.update() {
            let operation = Operation {
                key: Some(update.key()),
                update: Some(update.update_expression()),
                condition: update.condition_expression(),
                ..shared!(update)
            };
            map.serialize_entry("Update", &operation)?;
        } else {
            return Err(S::Error::custom("a transaction item with no operation"));
        }
        map.end()
    }
}

/// The members the four operations share; each sets those it has.
#[derive(Default)]
struct Operation<'a> {
    table: &'a str,
    key: Option<&'a HashMap<String, AttributeValue>>,
    item: Option<&'a HashMap<String, AttributeValue>>,
    update: Option<&'a str>,
    condition: Option<&'a str>,
    names: Option<&'a HashMap<String, String>>,
    values: Option<&'a HashMap<String, AttributeValue>>,
    on_failure: Option<&'a str>,
}

impl Serialize for Operation<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("TableName", self.table)?;
        if let Some(key) = self.key {
            map.serialize_entry("Key", &Attributes(key))?;
        }
        if let Some(item) = self.item {
            map.serialize_entry("Item", &Attributes(item))?;
        }
        if let Some(update) = self.update {
            map.serialize_entry("UpdateExpression", update)?;
        }
        if let Some(condition) = self.condition {
            map.serialize_entry("ConditionExpression", condition)?;
        }
        if let Some(names) = self.names {
            map.serialize_entry("ExpressionAttributeNames", names)?;
        }
        if let Some(values) = self.values {
            map.serialize_entry("ExpressionAttributeValues", &Attributes(values))?;
        }
        if let Some(on_failure) = self.on_failure {
            map.serialize_entry("ReturnValuesOnConditionCheckFailure", on_failure)?;
        }
        map.end()
    }
}

struct Attributes<'a>(&'a HashMap<String, AttributeValue>);

impl Serialize for Attributes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            map.serialize_entry(name, &Value(value))?;
        }
        map.end()
    }
}

/// One attribute value, as DynamoDB's JSON protocol writes it: a single
/// member named by its type, numbers as strings, binaries in base64.
struct Value<'a>(&'a AttributeValue);

impl Serialize for Value<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        match self.0 {
            AttributeValue::S(text) => map.serialize_entry("S", text)?,
            AttributeValue::N(number) => map.serialize_entry("N", number)?,
            AttributeValue::Bool(flag) => map.serialize_entry("BOOL", flag)?,
            AttributeValue::Null(flag) => map.serialize_entry("NULL", flag)?,
            AttributeValue::B(blob) => map.serialize_entry("B", &aws_smithy_types::base64::encode(blob.as_ref()))?,
            AttributeValue::Ss(texts) => map.serialize_entry("SS", texts)?,
            AttributeValue::Ns(numbers) => map.serialize_entry("NS", numbers)?,
            AttributeValue::Bs(blobs) => {
                map.serialize_entry("BS", &Seq(blobs.iter().map(|b| aws_smithy_types::base64::encode(b.as_ref()))))?
            }
            AttributeValue::L(values) => map.serialize_entry("L", &Seq(values.iter().map(Value)))?,
            AttributeValue::M(members) => map.serialize_entry("M", &Attributes(members))?,
            _ => return Err(S::Error::custom("an attribute value of a type this build does not know")),
        }
        map.end()
    }
}
