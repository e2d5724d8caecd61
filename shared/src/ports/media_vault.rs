//! The business's own private bucket where customers' media is kept.

use super::FileError;
use async_trait::async_trait;

/// How a link should make the browser treat the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkDisposition {
    /// Shown or played in the page.
    Inline,
    /// Downloaded under its name.
    Attachment,
}

/// The media bucket.
#[async_trait]
pub trait MediaVault: Send + Sync {
    /// Writes `bytes` under `key` (encrypted at rest); writing the same key
    /// again replaces it with the same bytes, so a repeated copy is harmless.
    async fn put(&self, key: &str, bytes: Vec<u8>, mime_type: &str) -> Result<(), FileError>;
    /// A short-lived GET link to `key`, answered with `mime_type` and, for an
    /// attachment, saved as `filename`. Signed locally: no round trip.
    async fn link(
        &self,
        key: &str,
        mime_type: &str,
        filename: &str,
        disposition: LinkDisposition,
        valid_for_seconds: u64,
    ) -> Result<String, FileError>;
    /// Deletes every object under `prefix`; how many went.
    async fn delete_under(&self, prefix: &str) -> Result<usize, FileError>;
}
