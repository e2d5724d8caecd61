//! The DynamoDB stream batch as Lambda hands it over (and as the local
//! runner rebuilds it), and the partial-failure answer Lambda expects.

use serde::{Deserialize, Serialize};

/// A batch of stream records (`DynamodbEvent`); only what the events
/// function reads is decoded.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct StreamBatch {
    /// The records, in stream order.
    #[serde(rename = "Records", default)]
    pub records: Vec<StreamRecord>,
}

/// One change of the table.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct StreamRecord {
    /// `INSERT`, `MODIFY` or `REMOVE` (the template's filter lets only
    /// inserts of event items through).
    #[serde(rename = "eventName", default)]
    pub event_name: String,
    /// The change itself.
    #[serde(default)]
    pub dynamodb: StreamChange,
}

/// The item's image and its stream position.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct StreamChange {
    /// The item as written, in DynamoDB's attribute-value JSON.
    #[serde(rename = "NewImage", default)]
    pub new_image: serde_json::Value,
    /// Its position in the shard: what a partial failure names.
    #[serde(rename = "SequenceNumber", default)]
    pub sequence_number: String,
}

/// The answer to a stream batch: Lambda retries from the first record
/// named (`ReportBatchItemFailures`), so naming the first failure is enough
/// and nothing after it is lost.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResponse {
    /// The records to deliver again.
    #[serde(rename = "batchItemFailures")]
    pub batch_item_failures: Vec<ItemFailure>,
}

/// One record to deliver again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFailure {
    /// The record's sequence number.
    #[serde(rename = "itemIdentifier")]
    pub item_identifier: String,
}
