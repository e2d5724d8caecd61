//! A customer's media kept in the business's own bucket: Meta hosts a file
//! for days and hands out a download url for 5 minutes, so each inbound
//! image, audio, video, document and sticker is copied once, checked
//! against the size and SHA-256 Meta reports, and its state is kept on the
//! message: pending → stored, or failed with a reason.

use super::{ContactId, MessageContent};
use sha2::{Digest, Sha256};

/// Meta's message types that carry a file.
pub const MEDIA_TYPES: [&str; 5] = ["image", "audio", "video", "document", "sticker"];

/// Meta's largest inbound file (documents: 100 MB); anything bigger is
/// refused before a byte is fetched.
pub const MAX_MEDIA_BYTES: u64 = 100 * 1024 * 1024;

/// Where a copy stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaStatus {
    /// Not copied yet (queued, or being retried).
    Pending,
    /// In the bucket, verified.
    Stored,
    /// Given up, with a [`MediaFailure`].
    Failed,
}

impl MediaStatus {
    /// The API's and the table's name.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaStatus::Pending => "pending",
            MediaStatus::Stored => "stored",
            MediaStatus::Failed => "failed",
        }
    }

    /// The status called `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [MediaStatus::Pending, MediaStatus::Stored, MediaStatus::Failed].into_iter().find(|s| s.as_str() == name)
    }
}

/// Why a copy was given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaFailure {
    /// Meta no longer has the media (its id lasts 7 days, or it was deleted).
    ExpiredAtMeta,
    /// Bigger than [`MAX_MEDIA_BYTES`].
    TooLarge,
    /// The bytes do not hash to Meta's SHA-256.
    ChecksumMismatch,
    /// Fewer or more bytes came than Meta said.
    SizeMismatch,
    /// Meta or the bucket kept failing until the attempts ran out.
    Unavailable,
}

impl MediaFailure {
    /// Every reason.
    pub const ALL: [MediaFailure; 5] = [
        MediaFailure::ExpiredAtMeta,
        MediaFailure::TooLarge,
        MediaFailure::ChecksumMismatch,
        MediaFailure::SizeMismatch,
        MediaFailure::Unavailable,
    ];

    /// The reason as staff read it (and as the table keeps it).
    pub fn reason(self) -> &'static str {
        match self {
            MediaFailure::ExpiredAtMeta => "expired at Meta",
            MediaFailure::TooLarge => "too large",
            MediaFailure::ChecksumMismatch => "checksum mismatch",
            MediaFailure::SizeMismatch => "size mismatch",
            MediaFailure::Unavailable => "could not be fetched",
        }
    }

    /// The failure whose reason is `text`.
    pub fn parse(text: &str) -> Option<Self> {
        MediaFailure::ALL.into_iter().find(|f| f.reason() == text)
    }
}

/// A verified copy in the bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMedia {
    /// The object key (see [`media_key`]).
    pub key: String,
    /// Bytes.
    pub size: u64,
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
    /// The MIME type Meta reported.
    pub mime_type: String,
}

/// A message's copy: its status, the copy once stored, the reason once failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaCopy {
    /// Where it stands.
    pub status: MediaStatus,
    /// The copy, when stored.
    pub stored: Option<StoredMedia>,
    /// Why, when failed.
    pub failure: Option<MediaFailure>,
}

impl MediaCopy {
    /// Not copied yet.
    pub fn pending() -> Self {
        MediaCopy { status: MediaStatus::Pending, stored: None, failure: None }
    }

    /// Copied and verified.
    pub fn stored(stored: StoredMedia) -> Self {
        MediaCopy { status: MediaStatus::Stored, stored: Some(stored), failure: None }
    }

    /// Given up.
    pub fn failed(failure: MediaFailure) -> Self {
        MediaCopy { status: MediaStatus::Failed, stored: None, failure: Some(failure) }
    }

    /// Stored or failed: nothing more will happen to it.
    pub fn is_settled(&self) -> bool {
        self.status != MediaStatus::Pending
    }
}

/// The file a message carries, as the webhook described it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFile {
    /// Meta's media id.
    pub media_id: String,
    /// The MIME type from the webhook.
    pub mime_type: Option<String>,
    /// A document's file name.
    pub filename: Option<String>,
}

impl MediaFile {
    /// The file in `content`, when it carries one with a media id.
    pub fn of(content: &MessageContent) -> Option<Self> {
        Self::described(content).filter(|file| !file.media_id.is_empty())
    }

    /// The file in `content`, with or without a media id (staff's own
    /// files are sent by link and have none: `media_id` is empty then).
    pub fn described(content: &MessageContent) -> Option<Self> {
        let (media, filename) = match content {
            MessageContent::Image { media }
            | MessageContent::Audio { media, .. }
            | MessageContent::Video { media }
            | MessageContent::Sticker { media, .. } => (media, None),
            MessageContent::Document { media, filename } => (media, filename.clone()),
            _ => return None,
        };
        let media_id = media.id.clone().unwrap_or_default();
        Some(MediaFile { media_id, mime_type: media.mime_type.clone(), filename })
    }
}

/// The object key of a message's file: by contact (so erasure deletes one
/// prefix), then a digest of the message id (a wamid embeds the sender's
/// number, which must not be in a key).
pub fn media_key(contact: &ContactId, message_id: &str) -> String {
    format!("{}{}", contact_media_prefix(contact), hex::encode(&Sha256::digest(message_id.as_bytes())[..16]))
}

/// The prefix of every object of `contact`.
pub fn contact_media_prefix(contact: &ContactId) -> String {
    format!("media/{contact}/")
}

/// Whether `bytes` are the file Meta described: its size, and its SHA-256
/// (Meta's media endpoint gives hex; its webhooks give base64; either is
/// accepted). Returns the hex digest.
pub fn verify(bytes: &[u8], expected_size: u64, expected_sha256: &str) -> Result<String, MediaFailure> {
    if bytes.len() as u64 != expected_size {
        return Err(MediaFailure::SizeMismatch);
    }
    let digest = Sha256::digest(bytes);
    let hex = hex::encode(digest);
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
    let expected = expected_sha256.trim();
    if expected.eq_ignore_ascii_case(&hex) || expected == b64 {
        Ok(hex)
    } else {
        Err(MediaFailure::ChecksumMismatch)
    }
}

/// How copies are retried: a bounded number of attempts, the wait doubling
/// from `base_seconds` up to `max_seconds` (a fresh url is asked for on
/// every attempt, so a wait past the url's 5 minutes costs nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaRetry {
    /// Attempts before the copy fails as [`MediaFailure::Unavailable`].
    pub max_attempts: u32,
    /// The first wait.
    pub base_seconds: u32,
    /// The longest wait.
    pub max_seconds: u32,
}

impl Default for MediaRetry {
    fn default() -> Self {
        MediaRetry { max_attempts: 5, base_seconds: 10, max_seconds: 300 }
    }
}

impl MediaRetry {
    /// The wait after failed attempt `attempt` (1-based), or `None` when
    /// that was the last one.
    pub fn wait_after(&self, attempt: u32) -> Option<u32> {
        if attempt >= self.max_attempts {
            return None;
        }
        let doubled = self.base_seconds.saturating_mul(1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX));
        Some(doubled.min(self.max_seconds).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::message_content::Media;

    fn contact() -> ContactId {
        ContactId::parse("0123456789abcdef01234567").expect("a valid id")
    }

    #[test]
    fn keys_group_by_contact_and_hide_the_wamid() {
        let key = media_key(&contact(), "wamid.HBgM919876543210");
        assert!(key.starts_with(&contact_media_prefix(&contact())));
        assert!(!key.contains("919876543210"));
        assert_eq!(key, media_key(&contact(), "wamid.HBgM919876543210"));
        assert_ne!(key, media_key(&contact(), "wamid.other"));
    }

    #[test]
    fn verifies_size_and_either_form_of_the_digest() {
        let bytes = b"a voice note";
        let hex = hex::encode(Sha256::digest(bytes));
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes));
        assert_eq!(verify(bytes, 12, &hex), Ok(hex.clone()));
        assert_eq!(verify(bytes, 12, &b64), Ok(hex.clone()));
        assert_eq!(verify(bytes, 11, &hex), Err(MediaFailure::SizeMismatch));
        assert_eq!(verify(b"a voice nots", 12, &hex), Err(MediaFailure::ChecksumMismatch));
    }

    #[test]
    fn retries_back_off_and_stop() {
        let retry = MediaRetry { max_attempts: 4, base_seconds: 10, max_seconds: 30 };
        assert_eq!(retry.wait_after(1), Some(10));
        assert_eq!(retry.wait_after(2), Some(20));
        assert_eq!(retry.wait_after(3), Some(30));
        assert_eq!(retry.wait_after(4), None);
    }

    #[test]
    fn finds_the_file_in_each_media_kind_only() {
        let media = Media { id: Some("77".into()), mime_type: Some("application/pdf".into()), ..Media::default() };
        let document = MessageContent::Document { media: media.clone(), filename: Some("po.pdf".into()) };
        let file = MediaFile::of(&document).expect("a document carries a file");
        assert_eq!((file.media_id.as_str(), file.filename.as_deref()), ("77", Some("po.pdf")));
        assert!(MediaFile::of(&MessageContent::Sticker { media, animated: false }).is_some());
        assert!(MediaFile::of(&MessageContent::Text { body: "hi".into() }).is_none());
        assert!(MediaFile::of(&MessageContent::Image { media: Media::default() }).is_none());
        for failure in MediaFailure::ALL {
            assert_eq!(MediaFailure::parse(failure.reason()), Some(failure));
        }
    }
}
