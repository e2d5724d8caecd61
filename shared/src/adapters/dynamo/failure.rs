//! Telling a write that can never succeed from one worth retrying.

use crate::ports::StoreError;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};

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
