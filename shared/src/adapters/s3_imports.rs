//! Import files in the media bucket, under `imports/` (the bucket already
//! takes the browser's presigned PUTs, with CORS): the upload link, the
//! uploaded object's size and entity tag, and the whole file for the worker.

use super::s3_media::S3MediaVault;
use crate::ports::{FileError, ImportFile, ImportFiles, MediaUploads};

#[async_trait::async_trait]
impl ImportFiles for S3MediaVault {
    async fn import_upload_link(&self, key: &str, valid_for_seconds: u64) -> Result<String, FileError> {
        self.upload_link(key, "text/csv", valid_for_seconds).await
    }

    async fn import_file(&self, key: &str) -> Result<Option<ImportFile>, FileError> {
        let head = self.bucket().head(key).await?;
        Ok(head.map(|head| ImportFile { size: head.size, tag: head.etag }))
    }

    async fn read_import(&self, key: &str) -> Result<Vec<u8>, FileError> {
        Ok(self.bucket().get(key).await?.to_vec())
    }
}
