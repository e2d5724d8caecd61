//! One `TransactWriteItems`, sent by the store's direct writer when it has
//! one (the webhook function's hot writes), else by the SDK.

use super::failure::cancellation;
use super::write::Write;
use super::DynamoStore;
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::CancellationReason;

impl DynamoStore {
    /// `None` when written, DynamoDB's reason for each item when cancelled.
    pub(super) async fn transact(&self, items: Vec<Write>) -> Result<Option<Vec<CancellationReason>>, StoreError> {
        match &self.direct {
            Some(writer) => writer.transact_write(&items).await,
            None => {
                let items = items.into_iter().map(Write::into_sdk).collect::<Result<Vec<_>, _>>()?;
                cancellation(self.client.transact_write_items().set_transact_items(Some(items)).send().await)
            }
        }
    }
}
