//! Import files in the media bucket, under `imports/` (the bucket already
//! takes the browser's presigned PUTs, with CORS): the upload link, the
//! uploaded object's size and entity tag, and the whole file for the worker.

use super::s3_media::{failed, S3MediaVault};
use crate::ports::{FileError, ImportFile, ImportFiles, MediaUploads};

#[async_trait::async_trait]
impl ImportFiles for S3MediaVault {
    async fn import_upload_link(&self, key: &str, valid_for_seconds: u64) -> Result<String, FileError> {
        self.upload_link(key, "text/csv", valid_for_seconds).await
    }

    async fn import_file(&self, key: &str) -> Result<Option<ImportFile>, FileError> {
        match self.client().head_object().bucket(self.bucket()).key(key).send().await {
            Ok(head) => Ok(Some(ImportFile {
                size: head.content_length().and_then(|n| u64::try_from(n).ok()).unwrap_or_default(),
                tag: head.e_tag().unwrap_or_default().trim_matches('"').to_owned(),
            })),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(None),
            Err(e) => Err(failed(e)),
        }
    }

    async fn read_import(&self, key: &str) -> Result<Vec<u8>, FileError> {
        let object = self.client().get_object().bucket(self.bucket()).key(key).send().await.map_err(failed)?;
        let bytes = object.body.collect().await.map_err(|e| FileError(e.to_string()))?;
        Ok(bytes.into_bytes().to_vec())
    }
}
