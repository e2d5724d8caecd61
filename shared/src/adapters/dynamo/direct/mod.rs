//! `TransactWriteItems` sent straight over DynamoDB's JSON protocol: the
//! webhook's one write per message.
//!
//! Why not the SDK: under the bench harness (`make bench`), the SDK's call
//! cost about 570 µs of CPU per message, of which the HTTP exchange itself
//! (the same request posted with reqwest) is about 200; the rest is its
//! orchestrator: interceptors, endpoint rules, identity and retry
//! machinery, body wrappers, layered configuration. This writer sends the
//! same request through [`JsonProtocol`] (signed as the SDK signs it, the
//! SDK's standard retries, over the connector it is given: on Lambda, kept-alive
//! connections of its own, `aws::transactions_connector`) and reads the
//! answer into the SDK's model types,
//! so the code that builds a transaction and reads its cancellation is
//! shared. Every other call still goes through the SDK.

mod decode;
mod encode;

use super::write::Write;
use crate::adapters::aws_json::{CallFailure, JsonProtocol, Refusal, DYNAMODB};
use crate::adapters::aws_signed::Transport;
use crate::adapters::request_counter::RequestCounter;
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::{CancellationReason, TransactWriteItem};
use aws_types::SdkConfig;
use bytes::Bytes;

const TARGET: &str = "DynamoDB_20120810.TransactWriteItems";

/// Sends `TransactWriteItems` without the SDK's orchestrator (see the
/// module's documentation for why, and what it keeps of the SDK).
#[derive(Debug, Clone)]
pub struct DirectTransactions {
    dynamodb: JsonProtocol,
    counter: RequestCounter,
}

impl DirectTransactions {
    /// A writer with `config`'s region, credentials, retry settings and
    /// DynamoDB endpoint, sending through `transport` and counting its round
    /// trips into `counter`.
    pub fn new(config: &SdkConfig, transport: impl Into<Transport>, counter: RequestCounter) -> Self {
        DirectTransactions {
            dynamodb: JsonProtocol::new(&DYNAMODB, config, transport).counting(counter.clone()),
            counter,
        }
    }

    /// Writes `items` in one transaction: `None` when written, DynamoDB's
    /// reason for each item when cancelled; a refusal is `Rejected` for a
    /// `ValidationException` and `Unavailable` otherwise, once retries (for
    /// throttling, 5xx and broken connections) are spent.
    pub async fn transact_write(
        &self,
        items: Vec<TransactWriteItem>,
    ) -> Result<Option<Vec<CancellationReason>>, StoreError> {
        self.send(&items.into_iter().map(Write::from).collect::<Vec<_>>()).await
    }

    /// [`transact_write`](Self::transact_write) for the store's own writes.
    async fn send(&self, items: &[Write]) -> Result<Option<Vec<CancellationReason>>, StoreError> {
        let body = encode::transact_write_body(items, self.counter.measures_capacity())
            .map_err(|e| StoreError::Rejected(format!("the transaction could not be written out: {e}")))?;
        match self.dynamodb.call(TARGET, Bytes::from(body)).await {
            Ok(_) => Ok(None),
            Err(CallFailure::Refused(refusal)) => match refusal.code.as_str() {
                "TransactionCanceledException" => match decode::cancellation_reasons(&refusal.body) {
                    Some(reasons) => Ok(Some(reasons)),
                    None => Err(refused(refusal)),
                },
                "ValidationException" => Err(StoreError::Rejected(refusal.message)),
                _ => Err(refused(refusal)),
            },
            Err(CallFailure::Unavailable(why)) => Err(StoreError::Unavailable(why)),
        }
    }
}

/// How a store sends its transactions when not through the SDK. A trait
/// object, so that only a binary that builds a [`DirectTransactions`] (the
/// webhook function) links its code.
#[async_trait::async_trait]
pub(in crate::adapters::dynamo) trait TransactionWriter:
    std::fmt::Debug + Send + Sync
{
    async fn transact_write(&self, items: &[Write]) -> Result<Option<Vec<CancellationReason>>, StoreError>;
}

#[async_trait::async_trait]
impl TransactionWriter for DirectTransactions {
    async fn transact_write(&self, items: &[Write]) -> Result<Option<Vec<CancellationReason>>, StoreError> {
        self.send(items).await
    }
}

fn refused(refusal: Refusal) -> StoreError {
    StoreError::Unavailable(format!("DynamoDB refused the transaction: {refusal}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::aws_signed::tests::{config, Scripted};

    fn item() -> Write {
        let mut item = crate::adapters::dynamo::write::Attributes::default();
        item.set("pk", aws_sdk_dynamodb::types::AttributeValue::S("A".into()));
        crate::adapters::dynamo::write::PlainWrite::put("t", item).into()
    }

    /// How the store's writes are sent.
    async fn send(writer: &DirectTransactions, item: Write) -> Result<Option<Vec<CancellationReason>>, StoreError> {
        TransactionWriter::transact_write(writer, &[item]).await
    }

    fn writer(connector: &Scripted, counter: &RequestCounter) -> DirectTransactions {
        DirectTransactions::new(&config(), connector.connector(), counter.clone())
    }

    #[tokio::test]
    async fn every_attempt_is_a_counted_round_trip_of_the_same_signed_transaction() {
        let connector = Scripted::default();
        *connector.answers.lock().unwrap() = vec![
            (503, "<html>busy</html>"),
            (400, r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"}"#),
            (200, "{}"),
        ];
        let counter = RequestCounter::default();
        let outcome = send(&writer(&connector, &counter), item()).await;
        assert!(matches!(outcome, Ok(None)), "written at the third attempt: {outcome:?}");
        assert_eq!(counter.get(), 3, "every attempt is a round trip");
        let seen = connector.seen.lock().unwrap();
        for (_, _, headers, body) in seen.iter() {
            assert_eq!(headers["x-amz-target"], TARGET);
            let authorization = headers["authorization"].to_str().unwrap();
            assert!(authorization.contains("/ap-south-1/dynamodb/aws4_request"), "{authorization}");
            let sent: serde_json::Value = serde_json::from_slice(body).unwrap();
            assert_eq!(sent["TransactItems"][0]["Put"]["Item"]["pk"]["S"], "A");
        }
    }

    #[tokio::test]
    async fn a_cancellation_gives_its_reasons_and_a_validation_error_is_rejected_at_once() {
        let connector = Scripted::default();
        *connector.answers.lock().unwrap() = vec![
            (
                400,
                r#"{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","Message":"cancelled",
                   "CancellationReasons":[{"Code":"ConditionalCheckFailed"}]}"#,
            ),
            (
                400,
                r#"{"__type":"com.amazon.coral.validate#ValidationException","message":"Item size has exceeded the maximum allowed size"}"#,
            ),
        ];
        let counter = RequestCounter::default();
        let cancelled = send(&writer(&connector, &counter), item()).await;
        let reasons = cancelled.expect("answered").expect("cancelled");
        assert_eq!(reasons[0].code(), Some("ConditionalCheckFailed"));
        let outcome = send(&writer(&connector, &counter), item()).await;
        assert!(
            matches!(&outcome, Err(StoreError::Rejected(why)) if why == "Item size has exceeded the maximum allowed size"),
            "{outcome:?}"
        );
        assert_eq!(counter.get(), 2, "neither was retried");
    }
}
