//! Export files in a private S3 bucket: written in multipart parts as the
//! rows come (never the whole file in memory), downloaded through a
//! short-lived presigned link.

use super::s3_bucket::{S3Bucket, S3Request};
use crate::ports::{ExportFiles, FileError, FileUpload};
use bytes::Bytes;

/// S3's smallest part but the last.
const PART_BYTES: usize = 5 * 1024 * 1024;

/// The export bucket.
#[derive(Debug, Clone)]
pub struct S3ExportFiles {
    bucket: S3Bucket,
}

impl S3ExportFiles {
    /// The files in `bucket`.
    pub fn new(bucket: S3Bucket) -> Self {
        S3ExportFiles { bucket }
    }
}

#[async_trait::async_trait]
impl ExportFiles for S3ExportFiles {
    async fn create(&self, key: &str, content_type: &str) -> Result<Box<dyn FileUpload>, FileError> {
        Ok(Box::new(S3Upload {
            bucket: self.bucket.clone(),
            key: key.to_owned(),
            content_type: content_type.to_owned(),
            buffer: Vec::new(),
            upload_id: None,
            parts: Vec::new(),
        }))
    }

    async fn download_link(&self, key: &str, file_name: &str, valid_for_seconds: u64) -> Result<String, FileError> {
        let disposition = format!("attachment; filename=\"{file_name}\"");
        let query = [("response-content-disposition", disposition.as_str())];
        self.bucket.link(S3Request::new("GetObject", "GET", key).query(&query), valid_for_seconds).await
    }
}

/// One file on its way up: small files are one PutObject, large ones a
/// multipart upload started when the first full part is ready.
struct S3Upload {
    bucket: S3Bucket,
    key: String,
    content_type: String,
    buffer: Vec<u8>,
    upload_id: Option<String>,
    /// The parts sent: number and entity tag.
    parts: Vec<(u32, String)>,
}

impl S3Upload {
    async fn send_part(&mut self) -> Result<(), FileError> {
        let upload_id = match &self.upload_id {
            Some(id) => id.clone(),
            None => {
                let id = self.bucket.start_upload(&self.key, &self.content_type).await?;
                self.upload_id = Some(id.clone());
                id
            }
        };
        let number = u32::try_from(self.parts.len() + 1).map_err(|e| FileError(e.to_string()))?;
        let body = Bytes::from(std::mem::take(&mut self.buffer));
        let tag = self.bucket.upload_part(&self.key, &upload_id, number, body).await?;
        self.parts.push((number, tag));
        Ok(())
    }
}

#[async_trait::async_trait]
impl FileUpload for S3Upload {
    async fn write(&mut self, bytes: &[u8]) -> Result<(), FileError> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= PART_BYTES {
            self.send_part().await?;
        }
        Ok(())
    }

    async fn finish(mut self: Box<Self>) -> Result<(), FileError> {
        let Some(upload_id) = self.upload_id.clone() else {
            let body = Bytes::from(std::mem::take(&mut self.buffer));
            return self.bucket.put(&self.key, body, &[("content-type", &self.content_type)]).await;
        };
        if !self.buffer.is_empty() {
            self.send_part().await?;
        }
        self.bucket.complete_upload(&self.key, &upload_id, &self.parts).await
    }

    async fn abort(self: Box<Self>) {
        if let Some(upload_id) = &self.upload_id {
            if let Err(e) = self.bucket.abort_upload(&self.key, upload_id).await {
                tracing::warn!(error = %e.0, "could not abort an export upload; the bucket's lifecycle removes it");
            }
        }
    }
}
