//! A `TransactWriteItems` request body in DynamoDB's JSON protocol, written
//! from the writes the store builds (plain, or in the SDK's model), so the
//! code that assembles a transaction is the same whichever way it is sent.

use super::super::write::{Attributes as PlainAttributes, Operation as PlainOperation, PlainWrite, Write};
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::collections::HashMap;

/// The request body: `{"TransactItems": [...]}`, asking for the consumed
/// capacity when `capacity` (only when measuring, as `RequestCounter` does).
pub(super) fn transact_write_body(items: &[Write], capacity: bool) -> Result<Vec<u8>, serde_json::Error> {
    // About the size of an inbound message's transaction, so that writing
    // it out seldom grows the buffer.
    let mut body = Vec::with_capacity(8 * 1024);
    serde_json::to_writer(&mut body, &Body { items, capacity })?;
    Ok(body)
}

struct Body<'a> {
    items: &'a [Write],
    capacity: bool,
}

impl Serialize for Body<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if self.capacity {
            map.serialize_entry("ReturnConsumedCapacity", "TOTAL")?;
        }
        map.serialize_entry("TransactItems", &Seq(self.items.iter()))?;
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

/// The members the four operations share, read through the accessors the
/// SDK gives each of them under the same names.
macro_rules! shared {
    ($operation:expr) => {
        Operation {
            table: $operation.table_name(),
            names: $operation.expression_attribute_names().map(Names::Sdk),
            values: $operation.expression_attribute_values().map(Attributes::Sdk),
            on_failure: $operation.return_values_on_condition_check_failure().map(|r| r.as_str()),
            ..Operation::default()
        }
    };
}

/// One write, as `{"<operation>": {...}}`.
impl Serialize for Write {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        match self {
            Write::Plain(plain) => plain_entry(&mut map, plain)?,
            Write::Sdk(item) => sdk_entry(&mut map, item)?,
        }
        map.end()
    }
}

fn plain_entry<M: SerializeMap>(map: &mut M, plain: &PlainWrite) -> Result<(), M::Error> {
    let attributes = Some(Attributes::Plain(&plain.attributes));
    let operation = Operation {
        table: &plain.table,
        update: plain.update.as_deref(),
        condition: plain.condition.as_deref(),
        names: (!plain.names.is_empty()).then_some(Names::Plain(&plain.names)),
        values: (!plain.values.is_empty()).then_some(Attributes::Plain(&plain.values)),
        on_failure: plain.old_on_failure.then_some("ALL_OLD"),
        ..Operation::default()
    };
    match plain.operation {
        PlainOperation::Put => map.serialize_entry("Put", &Operation { item: attributes, ..operation }),
        PlainOperation::Update => map.serialize_entry("Update", &Operation { key: attributes, ..operation }),
        PlainOperation::ConditionCheck => {
            map.serialize_entry("ConditionCheck", &Operation { key: attributes, ..operation })
        }
    }
}

fn sdk_entry<M: SerializeMap>(map: &mut M, item: &TransactWriteItem) -> Result<(), M::Error> {
    if let Some(check) = item.condition_check() {
        let operation = Operation {
            key: Some(Attributes::Sdk(check.key())),
            condition: Some(check.condition_expression()),
            ..shared!(check)
        };
        map.serialize_entry("ConditionCheck", &operation)
    } else if let Some(put) = item.put() {
        let operation = Operation {
            item: Some(Attributes::Sdk(put.item())),
            condition: put.condition_expression(),
            ..shared!(put)
        };
        map.serialize_entry("Put", &operation)
    } else if let Some(delete) = item.delete() {
        let operation = Operation {
            key: Some(Attributes::Sdk(delete.key())),
            condition: delete.condition_expression(),
            ..shared!(delete)
        };
        map.serialize_entry("Delete", &operation)
    } else if let Some(update) = item.update() {
        let operation = Operation {
            key: Some(Attributes::Sdk(update.key())),
            update: Some(update.update_expression()),
            condition: update.condition_expression(),
            ..shared!(update)
        };
        map.serialize_entry("Update", &operation)
    } else {
        Err(M::Error::custom("a transaction item with no operation"))
    }
}

/// The members the four operations share; each sets those it has.
#[derive(Default)]
struct Operation<'a> {
    table: &'a str,
    key: Option<Attributes<'a>>,
    item: Option<Attributes<'a>>,
    update: Option<&'a str>,
    condition: Option<&'a str>,
    names: Option<Names<'a>>,
    values: Option<Attributes<'a>>,
    on_failure: Option<&'a str>,
}

impl Serialize for Operation<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("TableName", self.table)?;
        if let Some(key) = &self.key {
            map.serialize_entry("Key", key)?;
        }
        if let Some(item) = &self.item {
            map.serialize_entry("Item", item)?;
        }
        if let Some(update) = self.update {
            map.serialize_entry("UpdateExpression", update)?;
        }
        if let Some(condition) = self.condition {
            map.serialize_entry("ConditionExpression", condition)?;
        }
        if let Some(names) = &self.names {
            map.serialize_entry("ExpressionAttributeNames", names)?;
        }
        if let Some(values) = &self.values {
            map.serialize_entry("ExpressionAttributeValues", values)?;
        }
        if let Some(on_failure) = self.on_failure {
            map.serialize_entry("ReturnValuesOnConditionCheckFailure", on_failure)?;
        }
        map.end()
    }
}

/// An item, a key or expression values, as either kind of write holds them.
#[derive(Clone, Copy)]
enum Attributes<'a> {
    Plain(&'a PlainAttributes),
    Sdk(&'a HashMap<String, AttributeValue>),
}

impl Serialize for Attributes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Attributes::Plain(attributes) => serialize_attributes(s, attributes.len(), attributes.iter()),
            Attributes::Sdk(item) => serialize_attributes(s, item.len(), item.iter().map(|(k, v)| (k.as_str(), v))),
        }
    }
}

fn serialize_attributes<'a, S: Serializer>(
    s: S,
    len: usize,
    attributes: impl Iterator<Item = (&'a str, &'a AttributeValue)>,
) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(len))?;
    for (name, value) in attributes {
        map.serialize_entry(name, &Value(value))?;
    }
    map.end()
}

/// Expression attribute names, as either kind of write holds them.
enum Names<'a> {
    Plain(&'a [(super::super::write::Name, super::super::write::Name)]),
    Sdk(&'a HashMap<String, String>),
}

impl Serialize for Names<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Names::Plain(names) => s.collect_map(names.iter().map(|(k, v)| (k.as_ref(), v.as_ref()))),
            Names::Sdk(names) => s.collect_map(names.iter()),
        }
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
            AttributeValue::M(members) => map.serialize_entry("M", &Attributes::Sdk(members))?,
            _ => return Err(S::Error::custom("an attribute value of a type this build does not know")),
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::dynamo::item::{n, s};
    use crate::adapters::dynamo::write::{Attributes as Plain, PlainWrite};
    use serde_json::{json, Value as Json};

    fn body(items: &[Write]) -> Json {
        serde_json::from_slice(&transact_write_body(items, false).unwrap()).unwrap()
    }

    /// One of each operation, with every member a write can have.
    fn plain_writes() -> Vec<PlainWrite> {
        let mut item = Plain::key("W#1", "W", 4);
        item.set("count", n(3));
        item.set("flags", AttributeValue::Ss(vec!["a".into()]));
        item.set("nested", AttributeValue::M(HashMap::from([("x".to_owned(), AttributeValue::Bool(true))])));
        item.set("list", AttributeValue::L(vec![AttributeValue::Null(true), s("quote \" and \\ and é")]));
        let mut values = Plain::default();
        values.set(":at", n(7));
        vec![
            PlainWrite::put("t", item).condition("attribute_not_exists(pk)"),
            PlainWrite::check("t", Plain::key("X#1", "X", 0), "attribute_not_exists(pk)"),
            PlainWrite::update("t", Plain::key("C#1", "PROFILE", 0), "SET #s = :at")
                .condition("attribute_exists(pk)")
                .names(vec![("#s".into(), "status".into())])
                .values(values)
                .old_on_failure(),
        ]
    }

    #[test]
    fn a_plain_write_is_written_out_exactly_as_its_sdk_twin() {
        let plain: Vec<Write> = plain_writes().into_iter().map(Write::Plain).collect();
        let sdk: Vec<Write> = plain_writes().into_iter().map(|w| Write::from(w.into_sdk().unwrap())).collect();
        assert_eq!(body(&plain), body(&sdk));
        let written = body(&plain);
        assert_eq!(written["TransactItems"][2]["Update"]["ReturnValuesOnConditionCheckFailure"], "ALL_OLD");
        assert_eq!(written["TransactItems"][0]["Put"]["Item"]["list"]["L"][1]["S"], "quote \" and \\ and é");
        assert_eq!(written["TransactItems"][1]["ConditionCheck"]["Key"], json!({"pk": {"S": "X#1"}, "sk": {"S": "X"}}));
    }

    #[test]
    fn consumed_capacity_is_asked_for_only_when_measuring() {
        let items = [Write::Plain(plain_writes().remove(1))];
        let measured: Json = serde_json::from_slice(&transact_write_body(&items, true).unwrap()).unwrap();
        assert_eq!(measured["ReturnConsumedCapacity"], "TOTAL");
        assert_eq!(body(&items).get("ReturnConsumedCapacity"), None);
    }
}
