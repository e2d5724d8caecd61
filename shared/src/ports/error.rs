//! How a store fails.

/// A storage failure. Handlers turn `Unavailable` into a 5xx so that callers
/// (Meta, SQS, the UI) retry.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store could not be reached or refused the request.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// An item in the store does not have the shape Parley wrote.
    #[error("corrupt item: {0}")]
    Corrupt(String),
    /// A pagination cursor that Parley did not issue.
    #[error("invalid cursor")]
    BadCursor,
}
