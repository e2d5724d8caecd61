//! Imports in memory: the jobs (with the same conditional step write as
//! DynamoDB, and a switch that fails it once, as a crash between a step's
//! rows and its record would), the uploaded files, and the queue.

use super::exports::MemoryFiles;
use super::MemoryStore;
use crate::domain::contact_import::ContactImport;
use crate::domain::AuditEntry;
use crate::ports::{FileError, ImportFile, ImportFiles, ImportQueue, ImportStore, QueueError, StoreError};
use sha2::{Digest, Sha256};
use std::sync::{Mutex, PoisonError};

impl MemoryStore {
    /// The next `n` records of a step's rows fail as storage outages.
    pub fn fail_import_steps(&self, n: u32) {
        self.state().failing_import_steps = n;
    }
}

#[async_trait::async_trait]
impl ImportStore for MemoryStore {
    async fn create_import(&self, job: &ContactImport, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut state = self.state();
        state.imports.insert(job.id.clone(), job.clone());
        state.audit.push(audit.clone());
        Ok(())
    }

    async fn import(&self, id: &str) -> Result<Option<ContactImport>, StoreError> {
        Ok(self.state().imports.get(id).cloned())
    }

    async fn recent_imports(&self, limit: i32) -> Result<Vec<ContactImport>, StoreError> {
        let limit = usize::try_from(limit).unwrap_or(0);
        Ok(self.state().imports.values().rev().take(limit).cloned().collect())
    }

    async fn advance_import(&self, from: &ContactImport, job: &ContactImport) -> Result<bool, StoreError> {
        let mut state = self.state();
        // Only records of rows taken: picking the import up is not a step.
        if state.failing_import_steps > 0 && job.next_row > from.next_row {
            state.failing_import_steps -= 1;
            return Err(StoreError::Unavailable("the step's record was lost".into()));
        }
        match state.imports.get(&job.id) {
            Some(stored) if stored.status == from.status && stored.next_row == from.next_row => {
                state.imports.insert(job.id.clone(), job.clone());
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

#[async_trait::async_trait]
impl ImportFiles for MemoryFiles {
    async fn import_upload_link(&self, key: &str, valid_for_seconds: u64) -> Result<String, FileError> {
        Ok(format!("memory://{key}?put&seconds={valid_for_seconds}"))
    }

    async fn import_file(&self, key: &str) -> Result<Option<ImportFile>, FileError> {
        Ok(self
            .file(key)
            .map(|bytes| ImportFile { size: bytes.len() as u64, tag: hex::encode(&Sha256::digest(&bytes)[..16]) }))
    }

    async fn read_import(&self, key: &str) -> Result<Vec<u8>, FileError> {
        self.file(key).ok_or_else(|| FileError(format!("no file {key}")))
    }
}

/// Records the import steps it was asked for.
#[derive(Debug, Default)]
pub struct MemoryImportQueue {
    asked: Mutex<Vec<String>>,
}

impl MemoryImportQueue {
    /// Takes the steps asked for so far, in order.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.asked.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

#[async_trait::async_trait]
impl ImportQueue for MemoryImportQueue {
    async fn enqueue_import(&self, id: &str) -> Result<(), QueueError> {
        self.asked.lock().unwrap_or_else(PoisonError::into_inner).push(id.to_owned());
        Ok(())
    }
}
