//! DynamoDB's answer to a `TransactWriteItems`, read into the SDK's model
//! types: written, cancelled with a reason per item, or refused.

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, CancellationReason};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// How DynamoDB answered.
#[derive(Debug, PartialEq)]
pub(super) enum Answer {
    /// Every item was written.
    Written,
    /// The transaction was cancelled; a reason per item, in order.
    Cancelled(Vec<CancellationReason>),
    /// Anything else DynamoDB (or what answered for it) said.
    Refused(Refusal),
}

/// An error answer: its type (`ValidationException`…), its message, and
/// whether the same request may succeed if sent again.
#[derive(Debug, PartialEq)]
pub(super) struct Refusal {
    pub code: String,
    pub message: String,
    pub retryable: bool,
}

/// The error types DynamoDB documents as worth a retry, beside any 5xx.
const RETRYABLE: &[&str] = &[
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "TransactionInProgressException",
];

/// Reads an HTTP answer to `TransactWriteItems`.
pub(super) fn answer(status: u16, body: &[u8]) -> Answer {
    if (200..300).contains(&status) {
        return Answer::Written;
    }
    let error: Map<String, Value> = serde_json::from_slice(body).unwrap_or_default();
    // `com.amazonaws.dynamodb.v20120810#ThrottlingException`
    let code = error.get("__type").and_then(Value::as_str).and_then(|t| t.rsplit('#').next()).unwrap_or_default();
    let message = error.get("message").or_else(|| error.get("Message")).and_then(Value::as_str).unwrap_or_default();
    if code == "TransactionCanceledException" {
        if let Some(Value::Array(reasons)) = error.get("CancellationReasons") {
            return Answer::Cancelled(reasons.iter().map(reason).collect());
        }
    }
    Answer::Refused(Refusal {
        code: if code.is_empty() { format!("HTTP {status}") } else { code.to_owned() },
        message: message.to_owned(),
        retryable: status >= 500 || RETRYABLE.contains(&code),
    })
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
    fn a_2xx_is_written_whatever_its_body() {
        assert_eq!(answer(200, b"{}"), Answer::Written);
        assert_eq!(answer(200, br#"{"ConsumedCapacity":[{"CapacityUnits":6.0}]}"#), Answer::Written);
    }

    #[test]
    fn a_cancellation_gives_each_items_reason_and_the_item_it_returned() {
        let body = br#"{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
            "Message":"Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]",
            "CancellationReasons":[{"Code":"None"},{"Code":"ConditionalCheckFailed","Message":"The conditional request failed",
              "Item":{"pk":{"S":"C#1"},"n":{"N":"3"},"erasing":{"BOOL":true},"tags":{"SS":["a","b"]},
                      "m":{"M":{"l":{"L":[{"NULL":true},{"B":"aGk="}]}}}}}]}"#;
        let Answer::Cancelled(reasons) = answer(400, body) else { panic!("not a cancellation") };
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

    #[test]
    fn throttling_and_5xx_are_worth_a_retry_and_validation_is_not() {
        let refusal = |status, body: &[u8]| match answer(status, body) {
            Answer::Refused(r) => r,
            other => panic!("{other:?}"),
        };
        let throttled =
            refusal(400, br#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"}"#);
        assert_eq!(
            (throttled.code.as_str(), throttled.message.as_str(), throttled.retryable),
            ("ThrottlingException", "slow down", true)
        );
        let invalid = refusal(400, br#"{"__type":"com.amazon.coral.validate#ValidationException","message":"Item size has exceeded the maximum allowed size"}"#);
        assert_eq!((invalid.code.as_str(), invalid.retryable), ("ValidationException", false));
        let gateway = refusal(502, b"<html>bad gateway</html>");
        assert_eq!((gateway.code.as_str(), gateway.retryable), ("HTTP 502", true));
        let denied = refusal(400, br#"{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"no"}"#);
        assert_eq!(
            (denied.code.as_str(), denied.message.as_str(), denied.retryable),
            ("AccessDeniedException", "no", false)
        );
    }
}
