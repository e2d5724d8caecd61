//! One `TransactWriteItems`, sent by the store's direct writer when it has
//! one (the webhook function's hot writes), else by the SDK.

use super::failure::cancellation;
use super::DynamoStore;
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::{CancellationReason, TransactWriteItem};

impl DynamoStore {
    /// `None` when written, DynamoDB's reason for each item when cancelled.
    pub(super) async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
    ) -> Result<Option<Vec<CancellationReason>>, StoreError> {
        match &self.direct {
            Some(writer) => writer.transact_write(&items).await,
            None => cancellation(self.client.transact_write_items().set_transact_items(Some(items)).send().await),
        }
    }
}
