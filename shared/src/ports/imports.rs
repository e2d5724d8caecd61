//! Contact imports: the jobs, the uploaded files, and the worker's queue.

use super::{FileError, QueueError, StoreError};
use crate::domain::contact_import::ContactImport;
use crate::domain::AuditEntry;
use async_trait::async_trait;

/// Import jobs.
#[async_trait]
pub trait ImportStore: Send + Sync {
    /// Stores a new job with its audit line, in one write.
    async fn create_import(&self, job: &ContactImport, audit: &AuditEntry) -> Result<(), StoreError>;
    /// One job.
    async fn import(&self, id: &str) -> Result<Option<ContactImport>, StoreError>;
    /// The latest jobs, newest first.
    async fn recent_imports(&self, limit: i32) -> Result<Vec<ContactImport>, StoreError>;
    /// Replaces `from` with `job`, only if the stored job still has `from`'s
    /// status and next row: `false` when another step (or a start) got
    /// there first, so a redelivered step counts nothing twice.
    async fn advance_import(&self, from: &ContactImport, job: &ContactImport) -> Result<bool, StoreError>;
}

/// An uploaded file as the bucket holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportFile {
    /// Bytes.
    pub size: u64,
    /// The bucket's entity tag: the same bytes uploaded again have the same one.
    pub tag: String,
}

/// Where import files are uploaded (the browser puts them with a presigned link).
#[async_trait]
pub trait ImportFiles: Send + Sync {
    /// A short-lived presigned PUT of a `text/csv` file to `key`.
    async fn import_upload_link(&self, key: &str, valid_for_seconds: u64) -> Result<String, FileError>;
    /// The file at `key`; `None` when nothing is there yet.
    async fn import_file(&self, key: &str) -> Result<Option<ImportFile>, FileError>;
    /// The whole file (imports are capped in size).
    async fn read_import(&self, key: &str) -> Result<Vec<u8>, FileError>;
}

/// The import worker's queue.
#[async_trait]
pub trait ImportQueue: Send + Sync {
    /// Asks the worker to take the import's next rows.
    async fn enqueue_import(&self, id: &str) -> Result<(), QueueError>;
}
