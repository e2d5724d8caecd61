//! Customers' media in the private media bucket: written encrypted
//! (SSE-S3), read through short-lived presigned GET links that only the
//! API hands out, deleted by contact prefix on erasure.

use super::s3_bucket::{S3Bucket, S3Request};
use crate::ports::{FileError, LinkDisposition, MediaUploads, MediaVault, UploadedObject};
use bytes::Bytes;

/// The media bucket.
#[derive(Debug, Clone)]
pub struct S3MediaVault {
    bucket: S3Bucket,
}

impl S3MediaVault {
    /// The bucket (the import files share it).
    pub(super) fn bucket(&self) -> &S3Bucket {
        &self.bucket
    }

    /// The vault in `bucket`.
    pub fn new(bucket: S3Bucket) -> Self {
        S3MediaVault { bucket }
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
        let headers = [("content-type", mime_type), ("x-amz-server-side-encryption", "AES256")];
        self.bucket.put(key, Bytes::from(bytes), &headers).await
    }

    async fn link(
        &self,
        key: &str,
        mime_type: &str,
        filename: &str,
        disposition: LinkDisposition,
        valid_for_seconds: u64,
    ) -> Result<String, FileError> {
        let how = match disposition {
            LinkDisposition::Inline => "inline",
            LinkDisposition::Attachment => "attachment",
        };
        let disposition = format!("{how}; filename=\"{}\"", header_safe(filename));
        let query = [("response-content-type", mime_type), ("response-content-disposition", disposition.as_str())];
        self.bucket.link(S3Request::new("GetObject", "GET", key).query(&query), valid_for_seconds).await
    }

    async fn delete_under(&self, prefix: &str) -> Result<usize, FileError> {
        self.bucket.delete_under(prefix).await
    }
}

#[async_trait::async_trait]
impl MediaUploads for S3MediaVault {
    async fn upload_link(&self, key: &str, mime_type: &str, valid_for_seconds: u64) -> Result<String, FileError> {
        // The signature covers the type: the browser must send it, so the
        // object is typed as declared. The bucket's default encryption
        // (SSE-S3) encrypts it without a header the browser would have to add.
        let headers = [("content-type", mime_type)];
        self.bucket.link(S3Request::new("PutObject", "PUT", key).headers(&headers), valid_for_seconds).await
    }

    async fn uploaded(&self, key: &str) -> Result<Option<UploadedObject>, FileError> {
        let head = self.bucket.head(key).await?;
        Ok(head.map(|head| UploadedObject { size: head.size, mime_type: head.content_type }))
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
