//! Customers' media in the private media bucket: written encrypted
//! (SSE-S3), read through short-lived presigned GET links that only the
//! API hands out, deleted by contact prefix on erasure.

use crate::ports::{FileError, LinkDisposition, MediaUploads, MediaVault, UploadedObject};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Delete, ObjectIdentifier, ServerSideEncryption};
use std::time::Duration;

pub(super) fn failed<E: std::error::Error>(e: E) -> FileError {
    FileError(crate::adapters::error_chain::text(&e))
}

/// The media bucket.
#[derive(Debug, Clone)]
pub struct S3MediaVault {
    client: aws_sdk_s3::Client,
    bucket: String,
}

impl S3MediaVault {
    /// The client (the import files share the bucket).
    pub(super) fn client(&self) -> &aws_sdk_s3::Client {
        &self.client
    }

    /// The bucket's name.
    pub(super) fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The bucket `bucket`, with a client built once per container.
    pub fn new(client: aws_sdk_s3::Client, bucket: impl Into<String>) -> Self {
        S3MediaVault { client, bucket: bucket.into() }
    }
}

/// A file name safe inside a quoted `Content-Disposition` value.
fn header_safe(filename: &str) -> String {
    let clean: String = filename.chars().filter(|c| !c.is_control() && *c != '"' && *c != '\\').take(120).collect();
    if clean.trim().is_empty() {
        "file".to_owned()
    } else {
        clean
    }
}

#[async_trait::async_trait]
impl MediaVault for S3MediaVault {
    async fn put(&self, key: &str, bytes: Vec<u8>, mime_type: &str) -> Result<(), FileError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(mime_type)
            .server_side_encryption(ServerSideEncryption::Aes256)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(failed)?;
        Ok(())
    }

    async fn link(
        &self,
        key: &str,
        mime_type: &str,
        filename: &str,
        disposition: LinkDisposition,
        valid_for_seconds: u64,
    ) -> Result<String, FileError> {
        let config = PresigningConfig::expires_in(Duration::from_secs(valid_for_seconds))
            .map_err(|e| FileError(e.to_string()))?;
        let how = match disposition {
            LinkDisposition::Inline => "inline",
            LinkDisposition::Attachment => "attachment",
        };
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_type(mime_type)
            .response_content_disposition(format!("{how}; filename=\"{}\"", header_safe(filename)))
            .presigned(config)
            .await
            .map_err(failed)?;
        Ok(request.uri().to_owned())
    }

    async fn delete_under(&self, prefix: &str) -> Result<usize, FileError> {
        let mut deleted = 0;
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client
                .list_objects_v2()
                .bucket(&self.bucket)
                .prefix(prefix)
                .set_continuation_token(token.take())
                .send()
                .await
                .map_err(failed)?;
            let ids = page
                .contents()
                .iter()
                .filter_map(|o| o.key())
                .map(|k| ObjectIdentifier::builder().key(k).build().map_err(failed))
                .collect::<Result<Vec<_>, _>>()?;
            if !ids.is_empty() {
                let count = ids.len();
                let delete = Delete::builder().set_objects(Some(ids)).quiet(true).build().map_err(failed)?;
                self.client.delete_objects().bucket(&self.bucket).delete(delete).send().await.map_err(failed)?;
                deleted += count;
            }
            match page.next_continuation_token() {
                Some(next) if page.is_truncated() == Some(true) => token = Some(next.to_owned()),
                _ => return Ok(deleted),
            }
        }
    }
}

#[async_trait::async_trait]
impl MediaUploads for S3MediaVault {
    async fn upload_link(&self, key: &str, mime_type: &str, valid_for_seconds: u64) -> Result<String, FileError> {
        let config = PresigningConfig::expires_in(Duration::from_secs(valid_for_seconds))
            .map_err(|e| FileError(e.to_string()))?;
        // The signature covers the type: the browser must send it, so the
        // object is typed as declared. The bucket's default encryption
        // (SSE-S3) encrypts it without a header the browser would have to add.
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(mime_type)
            .presigned(config)
            .await
            .map_err(failed)?;
        Ok(request.uri().to_owned())
    }

    async fn uploaded(&self, key: &str) -> Result<Option<UploadedObject>, FileError> {
        match self.client.head_object().bucket(&self.bucket).key(key).send().await {
            Ok(head) => Ok(Some(UploadedObject {
                size: head.content_length().and_then(|n| u64::try_from(n).ok()).unwrap_or_default(),
                mime_type: head.content_type().unwrap_or_default().to_owned(),
            })),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(None),
            Err(e) => Err(failed(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::header_safe;

    #[test]
    fn a_file_name_cannot_break_out_of_its_header() {
        assert_eq!(header_safe("po \"final\".pdf\r\nX-Evil: 1"), "po final.pdfX-Evil: 1");
        assert_eq!(header_safe("  "), "file");
    }
}
