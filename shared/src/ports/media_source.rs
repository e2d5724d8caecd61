//! Where customers' media is fetched from: Meta's Cloud API (or the simulator).

use async_trait::async_trait;

/// What Meta's `GET /<MEDIA_ID>` answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaDescriptor {
    /// The download url: works for about 5 minutes, with the access token.
    pub url: String,
    /// The file's MIME type.
    pub mime_type: String,
    /// The file's SHA-256 (hex from this endpoint).
    pub sha256: String,
    /// Bytes.
    pub file_size: u64,
}

/// How fetching media fails.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MediaSourceError {
    /// Meta no longer has the media id: no retry can help.
    #[error("the media is gone at Meta")]
    Gone,
    /// The download url expired: a fresh one is needed.
    #[error("the media url expired")]
    UrlExpired,
    /// More bytes came than the limit allows.
    #[error("the media is larger than allowed")]
    TooLarge,
    /// Meta could not be reached or failed; a later attempt may work.
    #[error("media source unavailable: {0}")]
    Unavailable(String),
}

/// Meta's media endpoints.
#[async_trait]
pub trait MediaSource: Send + Sync {
    /// Asks for a media id's details and a fresh download url. The media
    /// was sent to `business_number`: only its account's token reaches it.
    async fn describe(&self, media_id: &str, business_number: &str) -> Result<MediaDescriptor, MediaSourceError>;
    /// Downloads `url` (with `business_number`'s account's token), refusing
    /// more than `max_bytes`.
    async fn download(&self, url: &str, max_bytes: u64, business_number: &str) -> Result<Vec<u8>, MediaSourceError>;
}
