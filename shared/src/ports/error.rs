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
    /// The store refused this item for good (too large, a key too long):
    /// retrying the same write cannot help.
    #[error("refused by storage: {0}")]
    Rejected(String),
}

impl StoreError {
    /// Whether the same request could succeed later (an outage, a conflict),
    /// as opposed to an item that will never be storable as it is.
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
    }
}
