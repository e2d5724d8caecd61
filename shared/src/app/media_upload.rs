//! `POST /api/contacts/{id}/uploads`: where the browser puts a file staff
//! attach, before it is sent. The type and claimed size are checked
//! against Meta's limits here, so a file WhatsApp would refuse is never
//! uploaded; the send checks the real object again.

use crate::domain::outbound_media::{check_file, check_labels, upload_key, MediaKind, MediaRefusal};
use crate::domain::ContactId;
use crate::ports::{FileError, MediaUploads};
use rand::RngCore;
use std::sync::Arc;

/// How long the browser has to start the PUT.
pub const UPLOAD_LINK_SECONDS: u64 = 900;

/// Where and how to upload one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedUpload {
    /// The object key to send with the message.
    pub key: String,
    /// The presigned PUT.
    pub url: String,
    /// The `Content-Type` the PUT must carry (the signature covers it).
    pub mime_type: String,
    /// What it will be sent as.
    pub kind: MediaKind,
    /// Seconds the link works.
    pub expires_in: u64,
}

/// Why no upload link was given.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// A file Meta would refuse.
    #[error(transparent)]
    Refused(#[from] MediaRefusal),
    /// The link could not be signed.
    #[error("the upload link could not be made: {0}")]
    Bucket(#[from] FileError),
}

/// The upload use case.
pub struct MediaUpload {
    uploads: Arc<dyn MediaUploads>,
}

impl MediaUpload {
    /// Wires the use case.
    pub fn new(uploads: Arc<dyn MediaUploads>) -> Self {
        MediaUpload { uploads }
    }

    /// Checks the file and signs a PUT for a new key under `contact`'s
    /// prefix (no round trip: the link is signed locally).
    pub async fn prepare(
        &self,
        contact: &ContactId,
        mime_type: &str,
        size: u64,
        filename: Option<&str>,
    ) -> Result<PreparedUpload, UploadError> {
        let kind = check_file(mime_type, size)?;
        check_labels(kind, None, filename)?;
        let mut nonce = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let key = upload_key(contact, &hex::encode(nonce));
        let mime_type = mime_type.trim().to_ascii_lowercase();
        let url = self.uploads.upload_link(&key, &mime_type, UPLOAD_LINK_SECONDS).await?;
        Ok(PreparedUpload { key, url, mime_type, kind, expires_in: UPLOAD_LINK_SECONDS })
    }
}
