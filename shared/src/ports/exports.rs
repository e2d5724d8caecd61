//! Export jobs: the request, its queue, and the private files they write.

use super::{QueueError, StoreError};
use crate::domain::export::ExportJob;
use crate::domain::{AuditEntry, Millis};
use async_trait::async_trait;

/// Export jobs: the request, its progress, its outcome.
#[async_trait]
pub trait ExportStore: Send + Sync {
    /// Stores a new (queued) job with its audit line, in one write.
    async fn create_export(&self, job: &ExportJob, audit: &AuditEntry) -> Result<(), StoreError>;
    /// One job.
    async fn export(&self, id: &str) -> Result<Option<ExportJob>, StoreError>;
    /// Marks a job running; `false` when it is already done or failed (a
    /// redelivered request), so the worker leaves it.
    async fn start_export(&self, id: &str, at: Millis) -> Result<bool, StoreError>;
    /// Marks a job done with its row count, or failed (`rows` is `None`).
    async fn finish_export(&self, id: &str, rows: Option<u64>, at: Millis) -> Result<(), StoreError>;
}

/// The export worker's queue.
#[async_trait]
pub trait ExportQueue: Send + Sync {
    /// Asks the worker to write export `id`.
    async fn enqueue_export(&self, id: &str) -> Result<(), QueueError>;
}

/// A file store failure.
#[derive(Debug, thiserror::Error)]
#[error("file store unavailable: {0}")]
pub struct FileError(pub String);

/// The private bucket exports are written to.
#[async_trait]
pub trait ExportFiles: Send + Sync {
    /// Starts writing a private file; bytes go up in parts as they come.
    async fn create(&self, key: &str, content_type: &str) -> Result<Box<dyn FileUpload>, FileError>;
    /// A link that downloads the file, saved as `file_name`, for `valid_for_seconds`.
    async fn download_link(&self, key: &str, file_name: &str, valid_for_seconds: u64) -> Result<String, FileError>;
}

/// A file being written.
#[async_trait]
pub trait FileUpload: Send {
    /// Appends bytes.
    async fn write(&mut self, bytes: &[u8]) -> Result<(), FileError>;
    /// Completes the file.
    async fn finish(self: Box<Self>) -> Result<(), FileError>;
    /// Throws away what was written.
    async fn abort(self: Box<Self>);
}
