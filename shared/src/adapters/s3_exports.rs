//! Export files in a private S3 bucket: written in multipart parts as the
//! rows come (never the whole file in memory), downloaded through a
//! short-lived presigned link.

use super::s3_media::failed;
use crate::ports::{ExportFiles, FileError, FileUpload};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use std::time::Duration;

/// S3's smallest part but the last.
const PART_BYTES: usize = 5 * 1024 * 1024;

/// The export bucket.
#[derive(Debug, Clone)]
pub struct S3ExportFiles {
    client: aws_sdk_s3::Client,
    bucket: String,
}

impl S3ExportFiles {
    /// The bucket `bucket`, with a client built once at cold start.
    pub fn new(client: aws_sdk_s3::Client, bucket: impl Into<String>) -> Self {
        S3ExportFiles { client, bucket: bucket.into() }
    }
}

#[async_trait::async_trait]
impl ExportFiles for S3ExportFiles {
    async fn create(&self, key: &str, content_type: &str) -> Result<Box<dyn FileUpload>, FileError> {
        Ok(Box::new(S3Upload {
            client: self.client.clone(),
            bucket: self.bucket.clone(),
            key: key.to_owned(),
            content_type: content_type.to_owned(),
            buffer: Vec::new(),
            upload_id: None,
            parts: Vec::new(),
        }))
    }

    async fn download_link(&self, key: &str, file_name: &str, valid_for_seconds: u64) -> Result<String, FileError> {
        let config = PresigningConfig::expires_in(Duration::from_secs(valid_for_seconds)).map_err(failed)?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_disposition(format!("attachment; filename=\"{file_name}\""))
            .presigned(config)
            .await
            .map_err(failed)?;
        Ok(request.uri().to_owned())
    }
}

/// One file on its way up: small files are one PutObject, large ones a
/// multipart upload started when the first full part is ready.
struct S3Upload {
    client: aws_sdk_s3::Client,
    bucket: String,
    key: String,
    content_type: String,
    buffer: Vec<u8>,
    upload_id: Option<String>,
    parts: Vec<CompletedPart>,
}

impl S3Upload {
    async fn send_part(&mut self) -> Result<(), FileError> {
        let upload_id = match &self.upload_id {
            Some(id) => id.clone(),
            None => {
                let created = self
                    .client
                    .create_multipart_upload()
                    .bucket(&self.bucket)
                    .key(&self.key)
                    .content_type(&self.content_type)
                    .send()
                    .await
                    .map_err(failed)?;
                let id = created.upload_id().ok_or_else(|| FileError("no upload id".into()))?.to_owned();
                self.upload_id = Some(id.clone());
                id
            }
        };
        let number = i32::try_from(self.parts.len() + 1).map_err(failed)?;
        let body = std::mem::take(&mut self.buffer);
        let part = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(upload_id)
            .part_number(number)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(failed)?;
        self.parts.push(CompletedPart::builder().part_number(number).set_e_tag(part.e_tag).build());
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
            let body = std::mem::take(&mut self.buffer);
            self.client
                .put_object()
                .bucket(&self.bucket)
                .key(&self.key)
                .content_type(&self.content_type)
                .body(ByteStream::from(body))
                .send()
                .await
                .map_err(failed)?;
            return Ok(());
        };
        if !self.buffer.is_empty() {
            self.send_part().await?;
        }
        let parts = CompletedMultipartUpload::builder().set_parts(Some(std::mem::take(&mut self.parts))).build();
        self.client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(upload_id)
            .multipart_upload(parts)
            .send()
            .await
            .map_err(failed)?;
        Ok(())
    }

    async fn abort(self: Box<Self>) {
        if let Some(upload_id) = &self.upload_id {
            let aborted = self
                .client
                .abort_multipart_upload()
                .bucket(&self.bucket)
                .key(&self.key)
                .upload_id(upload_id)
                .send()
                .await;
            if let Err(e) = aborted {
                tracing::warn!(error = %failed(e).0, "could not abort an export upload; the bucket's lifecycle removes it");
            }
        }
    }
}
