//! DynamoDB's reasons for cancelling a `TransactWriteItems`, read into the
//! SDK's model types.

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, CancellationReason};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The reason for each item of a cancelled transaction, in order, from
/// DynamoDB's `TransactionCanceledException` answer; `None` when the answer
/// lists none.
pub(super) fn cancellation_reasons(body: &[u8]) -> Option<Vec<CancellationReason>> {
    let error: Map<String, Value> = serde_json::from_slice(body).ok()?;
    match error.get("CancellationReasons") {
        Some(Value::Array(reasons)) => Some(reasons.iter().map(reason).collect()),
        _ => None,
    }
}

fn reason(value: &Value) -> CancellationReason {
    let text = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
    CancellationReason::builder()
        .set_code(text("Code"))
        .set_message(text("Message"))
        .set_item(value.get("Item").and_then(Value::as_object).map(attributes))
        .build()
}

fn attributes(members: &Map<String, Value>) -> HashMap<String, AttributeValue> {
    members.iter().filter_map(|(name, value)| Some((name.clone(), attribute(value)?))).collect()
}

/// One attribute value; `None` for a shape DynamoDB does not write.
fn attribute(value: &Value) -> Option<AttributeValue> {
    let (kind, inner) = value.as_object()?.iter().next()?;
    let texts = || inner.as_array().map(|all| all.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect());
    let blob = |v: &Value| v.as_str().and_then(|b| aws_smithy_types::base64::decode(b).ok()).map(Blob::new);
    Some(match kind.as_str() {
        "S" => AttributeValue::S(inner.as_str()?.to_owned()),
        "N" => AttributeValue::N(inner.as_str()?.to_owned()),
        "BOOL" => AttributeValue::Bool(inner.as_bool()?),
        "NULL" => AttributeValue::Null(inner.as_bool()?),
        "B" => AttributeValue::B(blob(inner)?),
        "SS" => AttributeValue::Ss(texts()?),
        "NS" => AttributeValue::Ns(texts()?),
        "BS" => AttributeValue::Bs(inner.as_array()?.iter().filter_map(blob).collect()),
        "L" => AttributeValue::L(inner.as_array()?.iter().filter_map(attribute).collect()),
        "M" => AttributeValue::M(attributes(inner.as_object()?)),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancellation_gives_each_items_reason_and_the_item_it_returned() {
        let body = br#"{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
            "Message":"Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]",
            "CancellationReasons":[{"Code":"None"},{"Code":"ConditionalCheckFailed","Message":"The conditional request failed",
              "Item":{"pk":{"S":"C#1"},"n":{"N":"3"},"erasing":{"BOOL":true},"tags":{"SS":["a","b"]},
                      "m":{"M":{"l":{"L":[{"NULL":true},{"B":"aGk="}]}}}}}]}"#;
        let reasons = cancellation_reasons(body).expect("a cancellation");
        assert_eq!(reasons.len(), 2);
        assert_eq!(reasons[0].code(), Some("None"));
        assert!(reasons[0].item().is_none());
        assert_eq!(reasons[1].code(), Some("ConditionalCheckFailed"));
        let item = reasons[1].item().expect("the item");
        assert_eq!(item["pk"], AttributeValue::S("C#1".into()));
        assert_eq!(item["n"], AttributeValue::N("3".into()));
        assert_eq!(item["erasing"], AttributeValue::Bool(true));
        assert_eq!(item["tags"], AttributeValue::Ss(vec!["a".into(), "b".into()]));
        let nested = AttributeValue::M(HashMap::from([(
            "l".to_owned(),
            AttributeValue::L(vec![AttributeValue::Null(true), AttributeValue::B(Blob::new(b"hi".to_vec()))]),
        )]));
        assert_eq!(item["m"], nested);
    }
}
