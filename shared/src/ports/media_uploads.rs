//! Files staff upload from the browser straight into the media bucket.

use super::FileError;
use async_trait::async_trait;

/// What the bucket says of an uploaded object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedObject {
    /// Its real size in bytes (whatever the browser claimed).
    pub size: u64,
    /// The `Content-Type` it was stored with.
    pub mime_type: String,
}

/// Uploads into the media bucket.
#[async_trait]
pub trait MediaUploads: Send + Sync {
    /// A short-lived presigned PUT for `key`, bound to `mime_type` (the
    /// browser must send that `Content-Type`). Signed locally: no round trip.
    async fn upload_link(&self, key: &str, mime_type: &str, valid_for_seconds: u64) -> Result<String, FileError>;
    /// The object at `key` (one HEAD); `None` when nothing is there.
    async fn uploaded(&self, key: &str) -> Result<Option<UploadedObject>, FileError>;
}
