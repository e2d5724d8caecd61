//! Telling a write that can never succeed from one worth retrying.

use crate::ports::StoreError;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::{TransactWriteItemsError, TransactWriteItemsOutput};
use aws_sdk_dynamodb::operation::update_item::{UpdateItemError, UpdateItemOutput};
use aws_sdk_dynamodb::types::CancellationReason;

/// `Rejected` for DynamoDB's `ValidationException` (an item over 400 KB, a
/// key over its size limit: the same request fails the same way for ever),
/// `Unavailable` for anything else.
pub(super) fn refused_or_unavailable<E, R>(err: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match err.as_service_error() {
        Some(e) if e.code() == Some("ValidationException") => {
            StoreError::Rejected(e.message().unwrap_or("the request was invalid").to_owned())
        }
        _ => super::unavailable(err),
    }
}

/// Whether a conditional update was made: `false` when its condition
/// failed, an error for anything else.
pub(super) fn applied<R: std::fmt::Debug>(
    result: Result<UpdateItemOutput, SdkError<UpdateItemError, R>>,
) -> Result<bool, StoreError> {
    match result {
        Ok(_) => Ok(true),
        Err(e) if e.as_service_error().is_some_and(UpdateItemError::is_conditional_check_failed_exception) => Ok(false),
        Err(e) => Err(super::unavailable(e)),
    }
}

/// How a transaction ended: `None` when it was written, else DynamoDB's
/// reason for each of its items when it was cancelled; any other failure
/// is the error (see [`refused_or_unavailable`]).
pub(super) fn cancellation<R: std::fmt::Debug>(
    outcome: Result<TransactWriteItemsOutput, SdkError<TransactWriteItemsError, R>>,
) -> Result<Option<Vec<CancellationReason>>, StoreError> {
    match outcome {
        Ok(_) => Ok(None),
        Err(err) => match err.as_service_error() {
            Some(TransactWriteItemsError::TransactionCanceledException(e)) => {
                Ok(Some(e.cancellation_reasons().to_vec()))
            }
            _ => Err(refused_or_unavailable(err)),
        },
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::config::http::HttpResponse;
    use aws_sdk_dynamodb::error::SdkError;
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
    use aws_sdk_dynamodb::types::error::TransactionCanceledException;
    use aws_sdk_dynamodb::types::{AttributeValue, CancellationReason};

    #[test]
    fn a_storage_error_never_carries_the_items_it_returned() {
        // A cancelled transaction hands back the items whose condition failed
        // (a contact, with its phone); the error is logged and must not.
        let reason = CancellationReason::builder()
            .code("ConditionalCheckFailed")
            .item("wa_id", AttributeValue::S("919812345678".into()))
            .build();
        let cancelled = TransactionCanceledException::builder()
            .message("Transaction cancelled")
            .cancellation_reasons(reason)
            .build();
        let body = r#"{"CancellationReasons":[{"Item":{"wa_id":{"S":"919812345678"}}}]}"#;
        let raw = HttpResponse::new(400.try_into().unwrap(), body.into());
        let err = SdkError::service_error(TransactWriteItemsError::TransactionCanceledException(cancelled), raw);
        let text = super::refused_or_unavailable(err).to_string();
        assert!(!text.contains("919812345678"), "{text}");
        assert!(text.contains("Transaction cancelled"), "{text}");
    }
}
