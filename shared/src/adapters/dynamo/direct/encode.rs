//! A `TransactWriteItems` request body in DynamoDB's JSON protocol, written
//! from the writes the store builds (plain, or in the SDK's model), so the
//! code that assembles a transaction is the same whichever way it is sent.
//!
//! Written by hand rather than through serde: the members' names are
//! fixed, and the values are strings nearly all, so what serde's map
//! machinery and serde_json's escaping added per member (the webhook writes
//! about 150 a message) was most of the cost of writing the body out.

use super::super::write::{Attributes as PlainAttributes, Name, Operation as PlainOperation, PlainWrite, Write};
use crate::json_escape::write_string;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use std::collections::HashMap;

/// Why a transaction could not be written out.
#[derive(Debug, thiserror::Error)]
pub(super) enum Unwritable {
    #[error("an attribute value of a type this build does not know")]
    UnknownValue,
    #[error("a transaction item with no operation")]
    NoOperation,
}

/// The request body: `{"TransactItems": [...]}`, asking for the consumed
/// capacity when `capacity` (only when measuring, as `RequestCounter` does).
pub(super) fn transact_write_body(items: &[Write], capacity: bool) -> Result<Vec<u8>, Unwritable> {
    // About the size of an inbound message's transaction, so that writing
    // it out seldom grows the buffer.
    let mut out = Vec::with_capacity(8 * 1024);
    out.push(b'{');
    if capacity {
        out.extend_from_slice(br#""ReturnConsumedCapacity":"TOTAL","#);
    }
    out.extend_from_slice(br#""TransactItems":["#);
    for (at, item) in items.iter().enumerate() {
        if at > 0 {
            out.push(b',');
        }
        match item {
            Write::Plain(plain) => plain_entry(&mut out, plain)?,
            Write::Sdk(item) => sdk_entry(&mut out, item)?,
        }
    }
    out.extend_from_slice(b"]}");
    Ok(out)
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

fn plain_entry(out: &mut Vec<u8>, plain: &PlainWrite) -> Result<(), Unwritable> {
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
        PlainOperation::Put => Operation { item: attributes, ..operation }.write(out, "Put"),
        PlainOperation::Update => Operation { key: attributes, ..operation }.write(out, "Update"),
        PlainOperation::ConditionCheck => Operation { key: attributes, ..operation }.write(out, "ConditionCheck"),
    }
}

fn sdk_entry(out: &mut Vec<u8>, item: &TransactWriteItem) -> Result<(), Unwritable> {
    if let Some(check) = item.condition_check() {
        let operation = Operation {
            key: Some(Attributes::Sdk(check.key())),
            condition: Some(check.condition_expression()),
            ..shared!(check)
        };
        operation.write(out, "ConditionCheck")
    } else if let Some(put) = item.put() {
        let operation = Operation {
            item: Some(Attributes::Sdk(put.item())),
            condition: put.condition_expression(),
            ..shared!(put)
        };
        operation.write(out, "Put")
    } else if let Some(delete) = item.delete() {
        let operation = Operation {
            key: Some(Attributes::Sdk(delete.key())),
            condition: delete.condition_expression(),
            ..shared!(delete)
        };
        operation.write(out, "Delete")
    } else if let Some(update) = item.update() {
        let operation = Operation {
            key: Some(Attributes::Sdk(update.key())),
            update: Some(update.update_expression()),
            condition: update.condition_expression(),
            ..shared!(update)
        };
        operation.write(out, "Update")
    } else {
        Err(Unwritable::NoOperation)
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

impl Operation<'_> {
    /// `{"<kind>": {...}}`.
    fn write(&self, out: &mut Vec<u8>, kind: &str) -> Result<(), Unwritable> {
        out.extend_from_slice(b"{\"");
        out.extend_from_slice(kind.as_bytes());
        out.extend_from_slice(br#"":{"TableName":"#);
        write_string(out, self.table);
        if let Some(key) = &self.key {
            out.extend_from_slice(br#","Key":"#);
            key.write(out)?;
        }
        if let Some(item) = &self.item {
            out.extend_from_slice(br#","Item":"#);
            item.write(out)?;
        }
        if let Some(update) = self.update {
            out.extend_from_slice(br#","UpdateExpression":"#);
            write_string(out, update);
        }
        if let Some(condition) = self.condition {
            out.extend_from_slice(br#","ConditionExpression":"#);
            write_string(out, condition);
        }
        if let Some(names) = &self.names {
            out.extend_from_slice(br#","ExpressionAttributeNames":"#);
            names.write(out)?;
        }
        if let Some(values) = &self.values {
            out.extend_from_slice(br#","ExpressionAttributeValues":"#);
            values.write(out)?;
        }
        if let Some(on_failure) = self.on_failure {
            out.extend_from_slice(br#","ReturnValuesOnConditionCheckFailure":"#);
            write_string(out, on_failure);
        }
        out.extend_from_slice(b"}}");
        Ok(())
    }
}

/// An item, a key or expression values, as either kind of write holds them.
#[derive(Clone, Copy)]
enum Attributes<'a> {
    Plain(&'a PlainAttributes),
    Sdk(&'a HashMap<String, AttributeValue>),
}

impl Attributes<'_> {
    fn write(&self, out: &mut Vec<u8>) -> Result<(), Unwritable> {
        match *self {
            Attributes::Plain(attributes) => write_attributes(out, attributes.iter()),
            Attributes::Sdk(item) => write_attributes(out, item.iter().map(|(k, v)| (k.as_str(), v))),
        }
    }
}

/// `{"name": value, ...}`.
fn write_attributes<'a>(
    out: &mut Vec<u8>,
    attributes: impl Iterator<Item = (&'a str, &'a AttributeValue)>,
) -> Result<(), Unwritable> {
    write_object(out, attributes, write_value)
}

/// `{"name": <value>, ...}`, each value written by `write`.
fn write_object<'a, V>(
    out: &mut Vec<u8>,
    members: impl Iterator<Item = (&'a str, V)>,
    mut write: impl FnMut(&mut Vec<u8>, V) -> Result<(), Unwritable>,
) -> Result<(), Unwritable> {
    out.push(b'{');
    for (at, (name, value)) in members.enumerate() {
        if at > 0 {
            out.push(b',');
        }
        write_string(out, name);
        out.push(b':');
        write(out, value)?;
    }
    out.push(b'}');
    Ok(())
}

/// Expression attribute names, as either kind of write holds them.
enum Names<'a> {
    Plain(&'a [(Name, Name)]),
    Sdk(&'a HashMap<String, String>),
}

impl Names<'_> {
    fn write(&self, out: &mut Vec<u8>) -> Result<(), Unwritable> {
        let name = |out: &mut Vec<u8>, name: &str| {
            write_string(out, name);
            Ok(())
        };
        match self {
            Names::Plain(names) => write_object(out, names.iter().map(|(k, v)| (k.as_ref(), v.as_ref())), name),
            Names::Sdk(names) => write_object(out, names.iter().map(|(k, v)| (k.as_str(), v.as_str())), name),
        }
    }
}

/// One attribute value, as DynamoDB's JSON protocol writes it: a single
/// member named by its type, numbers as strings, binaries in base64.
fn write_value(out: &mut Vec<u8>, value: &AttributeValue) -> Result<(), Unwritable> {
    let base64 = |blob: &aws_smithy_types::Blob| aws_smithy_types::base64::encode(blob.as_ref());
    match value {
        AttributeValue::S(text) => {
            out.extend_from_slice(br#"{"S":"#);
            write_string(out, text);
        }
        AttributeValue::N(number) => {
            out.extend_from_slice(br#"{"N":"#);
            write_string(out, number);
        }
        AttributeValue::Bool(flag) => {
            out.extend_from_slice(if *flag { br#"{"BOOL":true"# } else { br#"{"BOOL":false"# });
        }
        AttributeValue::Null(flag) => {
            out.extend_from_slice(if *flag { br#"{"NULL":true"# } else { br#"{"NULL":false"# });
        }
        AttributeValue::B(blob) => {
            out.extend_from_slice(br#"{"B":"#);
            write_string(out, &base64(blob));
        }
        AttributeValue::Ss(texts) => {
            out.extend_from_slice(br#"{"SS":"#);
            write_strings(out, texts.iter().map(String::as_str));
        }
        AttributeValue::Ns(numbers) => {
            out.extend_from_slice(br#"{"NS":"#);
            write_strings(out, numbers.iter().map(String::as_str));
        }
        AttributeValue::Bs(blobs) => {
            out.extend_from_slice(br#"{"BS":"#);
            let encoded: Vec<String> = blobs.iter().map(base64).collect();
            write_strings(out, encoded.iter().map(String::as_str));
        }
        AttributeValue::L(values) => {
            out.extend_from_slice(br#"{"L":["#);
            for (at, value) in values.iter().enumerate() {
                if at > 0 {
                    out.push(b',');
                }
                write_value(out, value)?;
            }
            out.push(b']');
        }
        AttributeValue::M(members) => {
            out.extend_from_slice(br#"{"M":"#);
            write_attributes(out, members.iter().map(|(k, v)| (k.as_str(), v)))?;
        }
        _ => return Err(Unwritable::UnknownValue),
    }
    out.push(b'}');
    Ok(())
}

/// `["text", ...]`.
fn write_strings<'a>(out: &mut Vec<u8>, texts: impl Iterator<Item = &'a str>) {
    out.push(b'[');
    for (at, text) in texts.enumerate() {
        if at > 0 {
            out.push(b',');
        }
        write_string(out, text);
    }
    out.push(b']');
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
    fn every_kind_of_value_is_written_as_dynamodb_reads_it() {
        use aws_sdk_dynamodb::types::Delete;
        use aws_smithy_types::Blob;
        let key = HashMap::from([("pk".to_owned(), s("K"))]);
        let mut values = HashMap::from([
            (":b".to_owned(), AttributeValue::B(Blob::new(b"\x00\xffhi".to_vec()))),
            (":bs".to_owned(), AttributeValue::Bs(vec![Blob::new(b"a".to_vec()), Blob::new(b"bc".to_vec())])),
            (":ns".to_owned(), AttributeValue::Ns(vec!["1".into(), "-2.5".into()])),
            (":no".to_owned(), AttributeValue::Bool(false)),
            (":null".to_owned(), AttributeValue::Null(false)),
            (":empty".to_owned(), AttributeValue::L(Vec::new())),
        ]);
        values.insert(":m".to_owned(), AttributeValue::M(HashMap::from([("\u{1}odd\"name".to_owned(), n(1))])));
        let delete = Delete::builder()
            .table_name("t")
            .set_key(Some(key))
            .condition_expression("attribute_exists(pk)")
            .set_expression_attribute_values(Some(values))
            .build()
            .unwrap();
        let written = body(&[Write::from(TransactWriteItem::builder().delete(delete).build())]);
        assert_eq!(
            written,
            json!({"TransactItems": [{"Delete": {
                "TableName": "t",
                "Key": {"pk": {"S": "K"}},
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeValues": {
                    ":b": {"B": "AP9oaQ=="},
                    ":bs": {"BS": ["YQ==", "YmM="]},
                    ":ns": {"NS": ["1", "-2.5"]},
                    ":no": {"BOOL": false},
                    ":null": {"NULL": false},
                    ":empty": {"L": []},
                    ":m": {"M": {"\u{1}odd\"name": {"N": "1"}}},
                },
            }}]})
        );
    }

    #[test]
    fn an_item_with_no_operation_is_refused() {
        let empty = Write::from(TransactWriteItem::builder().build());
        assert!(matches!(transact_write_body(&[empty], false), Err(Unwritable::NoOperation)));
    }

    #[test]
    fn consumed_capacity_is_asked_for_only_when_measuring() {
        let items = [Write::Plain(plain_writes().remove(1))];
        let measured: Json = serde_json::from_slice(&transact_write_body(&items, true).unwrap()).unwrap();
        assert_eq!(measured["ReturnConsumedCapacity"], "TOTAL");
        assert_eq!(body(&items).get("ReturnConsumedCapacity"), None);
    }
}
