//! Export jobs, the export queue and the export bucket.

use super::MemoryStore;
use crate::domain::export::{ExportJob, ExportStatus};
use crate::domain::{AuditEntry, Millis};
use crate::ports::{ExportFiles, ExportQueue, ExportStore, FileError, FileUpload, QueueError, StoreError};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

#[async_trait::async_trait]
impl ExportStore for MemoryStore {
    async fn create_export(&self, job: &ExportJob, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.exports.contains_key(&job.id) {
            return Err(StoreError::Corrupt(format!("export {} exists", job.id)));
        }
        state.exports.insert(job.id.clone(), job.clone());
        state.audit.push(audit.clone());
        Ok(())
    }

    async fn export(&self, id: &str) -> Result<Option<ExportJob>, StoreError> {
        Ok(self.state().exports.get(id).cloned())
    }

    async fn start_export(&self, id: &str, _at: Millis) -> Result<bool, StoreError> {
        let mut state = self.state();
        let Some(job) = state.exports.get_mut(id).filter(|j| !j.status.is_final()) else { return Ok(false) };
        job.status = ExportStatus::Running;
        Ok(true)
    }

    async fn finish_export(&self, id: &str, rows: Option<u64>, at: Millis) -> Result<(), StoreError> {
        let mut state = self.state();
        if let Some(job) = state.exports.get_mut(id).filter(|j| !j.status.is_final()) {
            job.status = if rows.is_some() { ExportStatus::Done } else { ExportStatus::Failed };
            job.rows = rows;
            job.finished_at = Some(at);
        }
        Ok(())
    }
}

/// Records the export jobs it was asked to run.
#[derive(Debug, Default)]
pub struct MemoryExportQueue {
    asked: Mutex<Vec<String>>,
}

impl MemoryExportQueue {
    /// Every job id enqueued so far, in order.
    pub fn enqueued(&self) -> Vec<String> {
        self.asked.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

#[async_trait::async_trait]
impl ExportQueue for MemoryExportQueue {
    async fn enqueue_export(&self, id: &str) -> Result<(), QueueError> {
        self.asked.lock().unwrap_or_else(PoisonError::into_inner).push(id.to_owned());
        Ok(())
    }
}

/// A bucket in memory: completed files by key; a link names the key.
#[derive(Debug, Default, Clone)]
pub struct MemoryFiles {
    files: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
}

impl MemoryFiles {
    /// Puts a file at `key`, as a browser's upload would.
    pub fn put(&self, key: &str, bytes: &[u8]) {
        self.files.lock().unwrap_or_else(PoisonError::into_inner).insert(key.to_owned(), bytes.to_vec());
    }

    /// The completed file at `key`.
    pub fn file(&self, key: &str) -> Option<Vec<u8>> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner).get(key).cloned()
    }
}

#[async_trait::async_trait]
impl ExportFiles for MemoryFiles {
    async fn create(&self, key: &str, _content_type: &str) -> Result<Box<dyn FileUpload>, FileError> {
        Ok(Box::new(MemoryUpload { key: key.to_owned(), bytes: Vec::new(), files: self.files.clone() }))
    }

    async fn download_link(&self, key: &str, file_name: &str, valid_for_seconds: u64) -> Result<String, FileError> {
        Ok(format!("memory://{key}?name={file_name}&seconds={valid_for_seconds}"))
    }
}

/// A file being written: visible only once finished, as a multipart upload.
struct MemoryUpload {
    key: String,
    bytes: Vec<u8>,
    files: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
}

#[async_trait::async_trait]
impl FileUpload for MemoryUpload {
    async fn write(&mut self, bytes: &[u8]) -> Result<(), FileError> {
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }

    async fn finish(self: Box<Self>) -> Result<(), FileError> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner).insert(self.key, self.bytes);
        Ok(())
    }

    async fn abort(self: Box<Self>) {}
}
