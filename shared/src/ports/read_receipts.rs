//! Read receipts and the typing indicator: what the customer's phone is
//! told when staff open their conversation or type an answer.

use super::StoreError;
use crate::domain::ContactId;
use async_trait::async_trait;

/// Why Meta did not take a read mark.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    /// Meta refused it (an old or unknown message, a revoked token).
    #[error("Meta refused the read mark (code {code})")]
    Refused {
        /// Meta's error code.
        code: i64,
    },
    /// Meta could not be reached.
    #[error("the Cloud API could not be reached")]
    Unreachable,
}

/// Meta's "mark as read" call.
#[async_trait]
pub trait ReadReceipts: Send + Sync {
    /// Marks the customer's message `wamid` (and every earlier one) read on
    /// their phone, showing "typing…" too when `typing` (Meta shows it for
    /// up to 25 seconds, or until the reply arrives).
    async fn mark_read(&self, phone_number_id: &str, wamid: &str, typing: bool) -> Result<(), ReceiptError>;
}

/// Where the last receipt sent is kept.
#[async_trait]
pub trait ReceiptLog: Send + Sync {
    /// Notes that the customer's phone was told `wamid` was read.
    async fn note_read_receipt(&self, contact: &ContactId, wamid: &str) -> Result<(), StoreError>;
}
