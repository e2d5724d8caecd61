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
