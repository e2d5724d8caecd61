//! Copying a customer's file from Meta into the business's bucket: ask Meta
//! for a fresh url, fetch the bytes, check them, write them, mark the
//! message. Run by the media function for each queued copy; safe to run
//! again for the same message at any point.

use crate::domain::media_copy::{self, MediaFailure, MediaRetry, StoredMedia, MAX_MEDIA_BYTES};
use crate::domain::MessageRef;
use crate::ports::{MediaMessage, MediaRecords, MediaSource, MediaSourceError, MediaVault, StoreError};
use std::sync::Arc;

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyOutcome {
    /// The file is in the bucket and the message says so.
    Stored,
    /// Given up, with the reason now on the message.
    Failed(MediaFailure),
    /// Settled before (a redelivered job): nothing was done.
    AlreadySettled,
    /// No such message, or no file on it (erased since): nothing to do.
    NothingToCopy,
    /// Try again after this many seconds (a fresh url is asked for then).
    RetryIn(u32),
}

/// The copy use case.
pub struct CopyMedia {
    records: Arc<dyn MediaRecords>,
    source: Arc<dyn MediaSource>,
    vault: Arc<dyn MediaVault>,
    retry: MediaRetry,
}

impl CopyMedia {
    /// Over the messages, Meta and the bucket.
    pub fn new(
        records: Arc<dyn MediaRecords>,
        source: Arc<dyn MediaSource>,
        vault: Arc<dyn MediaVault>,
        retry: MediaRetry,
    ) -> Self {
        CopyMedia { records, source, vault, retry }
    }

    /// Attempt number `attempt` (1-based) at copying the file of `message`.
    /// Costs one read of the message, two calls to Meta, one write to the
    /// bucket and one conditional write of the message when all goes well.
    pub async fn run(&self, message: &MessageRef, attempt: u32) -> Result<CopyOutcome, StoreError> {
        let Some(found) = self.records.media_message(message).await? else {
            return Ok(CopyOutcome::NothingToCopy);
        };
        if found.copy.is_settled() {
            return Ok(CopyOutcome::AlreadySettled);
        }
        let stored = match self.fetch_and_store(message, &found).await {
            Ok(stored) => stored,
            Err(Attempt::Final(failure)) => return self.fail(message, failure).await,
            Err(Attempt::Again(why)) => {
                return match self.retry.wait_after(attempt) {
                    Some(wait) => {
                        tracing::warn!(attempt, wait, why, "media copy failed; retrying with a fresh url");
                        Ok(CopyOutcome::RetryIn(wait))
                    }
                    None => {
                        tracing::error!(attempt, why, "media copy failed on its last attempt");
                        self.fail(message, MediaFailure::Unavailable).await
                    }
                };
            }
        };
        if self.records.media_stored(message, &stored).await? {
            tracing::info!(size = stored.size, "media stored");
            return Ok(CopyOutcome::Stored);
        }
        // Erased while the bytes were on their way: take them away again.
        if self.records.media_message(message).await?.is_none() {
            if let Err(e) = self.vault.delete_under(&stored.key).await {
                tracing::warn!(error = %e, "could not delete the file of an erased message");
            }
            return Ok(CopyOutcome::NothingToCopy);
        }
        Ok(CopyOutcome::AlreadySettled)
    }

    async fn fail(&self, message: &MessageRef, failure: MediaFailure) -> Result<CopyOutcome, StoreError> {
        tracing::warn!(reason = failure.reason(), "media copy failed for good");
        match self.records.media_failed(message, failure).await? {
            true => Ok(CopyOutcome::Failed(failure)),
            false => Ok(CopyOutcome::AlreadySettled),
        }
    }

    async fn fetch_and_store(&self, message: &MessageRef, found: &MediaMessage) -> Result<StoredMedia, Attempt> {
        let number = &found.business_number;
        let described = self.source.describe(&found.file.media_id, number).await.map_err(Attempt::from)?;
        if described.file_size > MAX_MEDIA_BYTES {
            return Err(Attempt::Final(MediaFailure::TooLarge));
        }
        let bytes = self.source.download(&described.url, MAX_MEDIA_BYTES, number).await.map_err(Attempt::from)?;
        let sha256 = media_copy::verify(&bytes, described.file_size, &described.sha256).map_err(Attempt::Final)?;
        let key = media_copy::media_key(&message.contact, &found.message_id);
        let size = bytes.len() as u64;
        self.vault.put(&key, bytes, &described.mime_type).await.map_err(|_| Attempt::Again("bucket unavailable"))?;
        Ok(StoredMedia { key, size, sha256, mime_type: described.mime_type })
    }
}

/// How an attempt went wrong.
enum Attempt {
    /// No retry can help.
    Final(MediaFailure),
    /// A later attempt may work (a static reason, for the log).
    Again(&'static str),
}

impl From<MediaSourceError> for Attempt {
    fn from(error: MediaSourceError) -> Self {
        match error {
            MediaSourceError::Gone => Attempt::Final(MediaFailure::ExpiredAtMeta),
            MediaSourceError::TooLarge => Attempt::Final(MediaFailure::TooLarge),
            MediaSourceError::UrlExpired => Attempt::Again("the url expired"),
            MediaSourceError::Unavailable(_) => Attempt::Again("Meta unavailable"),
        }
    }
}
