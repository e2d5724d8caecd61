//! The media state kept on each message.

use super::StoreError;
use crate::domain::media_copy::{MediaCopy, MediaFailure, MediaFile, StoredMedia};
use crate::domain::MessageRef;
use async_trait::async_trait;

/// A message that carries a file, and where its copy stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaMessage {
    /// The message's id (its wamid).
    pub message_id: String,
    /// The business number it was sent to (`phone_number_id`), whose
    /// account's token fetches the file.
    pub business_number: String,
    /// The file, as the webhook described it.
    pub file: MediaFile,
    /// Its copy.
    pub copy: MediaCopy,
}

/// Reading and settling messages' media copies.
#[async_trait]
pub trait MediaRecords: Send + Sync {
    /// The message's file and copy; `None` when there is no such message
    /// (erased) or it carries no file.
    async fn media_message(&self, message: &MessageRef) -> Result<Option<MediaMessage>, StoreError>;
    /// Marks the copy stored, unless it is settled already; `false` then.
    async fn media_stored(&self, message: &MessageRef, stored: &StoredMedia) -> Result<bool, StoreError>;
    /// Marks the copy failed, unless it is settled already; `false` then.
    async fn media_failed(&self, message: &MessageRef, failure: MediaFailure) -> Result<bool, StoreError>;
}
