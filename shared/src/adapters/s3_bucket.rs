//! One S3 bucket, spoken to over S3's REST API without the SDK's client.
//!
//! Why: the S3 SDK was about 330 KB of each gzipped API function (measured
//! by replacing the S3 adapters with in-memory ones), for a handful of
//! calls whose requests are a method, a key and a header or two. What it
//! keeps of the SDK is in [`aws_signed`](super::aws_signed): the signer
//! (with S3's settings: the path encoded once and not normalised, the
//! payload's hash in `x-amz-content-sha256`), the connector, standard
//! retries and the `AWS_ENDPOINT_URL_S3` override.

use super::aws_signed::{
    percent_encoded, Answer, AnswerHeaders, CallFailure, Outgoing, Refusal, ServiceSigning, SignedRequests, Signer,
};
use super::s3_xml;
use crate::ports::FileError;
use aws_sigv4::http_request::{PayloadChecksumKind, PercentEncodingMode, SigningSettings, UriPathNormalizationMode};
use aws_smithy_runtime_api::client::http::SharedHttpConnector;
use aws_types::SdkConfig;
use base64::Engine;
use bytes::Bytes;
use sha2::Digest;
use std::fmt::Write;
use std::time::{Duration, SystemTime};

/// DeleteObjects takes at most this many keys.
const DELETE_BATCH: usize = 1000;

/// An object's metadata (`HeadObject`).
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectHead {
    /// Its size in bytes.
    pub size: u64,
    /// Its `Content-Type`.
    pub content_type: String,
    /// Its entity tag, without quotes.
    pub etag: String,
}

/// One call on one key of the bucket (the bucket itself when the key is
/// empty): what is signed and sent, or signed into a link.
#[derive(Debug, Clone)]
pub struct S3Request<'a> {
    /// The call's name (`GetObject`): in errors, and in a link's `x-id`.
    pub operation: &'a str,
    /// `GET`, `PUT`…
    pub method: &'a str,
    /// The object's key, not yet encoded.
    pub key: &'a str,
    /// Query parameters, not yet encoded.
    pub query: &'a [(&'a str, &'a str)],
    /// Headers to send and sign.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body (none for a link).
    pub body: Bytes,
}

impl<'a> S3Request<'a> {
    /// `operation` as `method` on `key`, with no query, headers or body.
    pub fn new(operation: &'a str, method: &'a str, key: &'a str) -> Self {
        S3Request { operation, method, key, query: &[], headers: &[], body: Bytes::new() }
    }

    /// With `query`.
    pub fn query(self, query: &'a [(&'a str, &'a str)]) -> Self {
        S3Request { query, ..self }
    }

    /// With `headers`.
    pub fn headers(self, headers: &'a [(&'a str, &'a str)]) -> Self {
        S3Request { headers, ..self }
    }

    /// With `body`.
    pub fn body(self, body: Bytes) -> Self {
        S3Request { body, ..self }
    }
}

/// A bucket and the signed requests to it.
#[derive(Debug, Clone)]
pub struct S3Bucket {
    requests: SignedRequests,
    endpoint: Option<String>,
    name: String,
    path_style: bool,
}

impl S3Bucket {
    /// The bucket `name` with `config`'s region, credentials, retries and
    /// S3 endpoint, sending through `connector`; its URLs put the bucket
    /// in the path when `path_style` (an emulator serves no per-bucket
    /// host names), else in the host name. Nothing is sent yet.
    pub fn new(config: &SdkConfig, connector: SharedHttpConnector, name: impl Into<String>, path_style: bool) -> Self {
        let signing = ServiceSigning { name: "s3", signer: Signer::Sdk(s3_settings), refusal: xml_refusal };
        S3Bucket {
            requests: SignedRequests::new(signing, config, connector),
            endpoint: super::aws_signed::endpoint("S3", "s3", config),
            name: name.into(),
            path_style,
        }
    }

    /// A link that lets its bearer make `request` (its query and headers
    /// included, which the bearer must send as given; its body is not
    /// signed) for `valid_for_seconds`. The link names the call as the
    /// SDK's links do (`x-id=GetObject`).
    pub async fn link(&self, request: S3Request<'_>, valid_for_seconds: u64) -> Result<String, FileError> {
        self.link_at(request, valid_for_seconds, SystemTime::now()).await
    }

    async fn link_at(
        &self,
        request: S3Request<'_>,
        valid_for_seconds: u64,
        now: SystemTime,
    ) -> Result<String, FileError> {
        let mut query = request.query.to_vec();
        query.push(("x-id", request.operation));
        let url = self.url(request.key, &query)?;
        self.requests
            .presign(request.method, &url, request.headers, Duration::from_secs(valid_for_seconds), now)
            .await
            .map_err(|why| FileError(format!("S3 link: {why}")))
    }

    /// Writes `body` as `key` (`PutObject`), with `headers` (its type,
    /// its encryption).
    pub async fn put(&self, key: &str, body: Bytes, headers: &[(&str, &str)]) -> Result<(), FileError> {
        self.call(S3Request::new("PutObject", "PUT", key).headers(headers).body(body)).await.map(drop)
    }

    /// The object's metadata (`HeadObject`); `None` when there is none.
    pub async fn head(&self, key: &str) -> Result<Option<ObjectHead>, FileError> {
        let answer = match self.send(&S3Request::new("HeadObject", "HEAD", key)).await {
            Ok(answer) => answer,
            Err(CallFailure::Refused(refusal)) if refusal.status == 404 => return Ok(None),
            Err(failure) => return Err(failed("HeadObject", failure)),
        };
        let header = |name: &str| answer.headers.get(name).unwrap_or_default();
        Ok(Some(ObjectHead {
            size: header("content-length").parse().unwrap_or_default(),
            content_type: header("content-type").to_owned(),
            etag: header("etag").trim_matches('"').to_owned(),
        }))
    }

    /// The object's bytes (`GetObject`).
    pub async fn get(&self, key: &str) -> Result<Bytes, FileError> {
        Ok(self.call(S3Request::new("GetObject", "GET", key)).await?.body)
    }

    /// Deletes every object whose key starts with `prefix`: a page of keys
    /// (`ListObjectsV2`), then one `DeleteObjects` for them, until none is
    /// left. How many were deleted.
    pub async fn delete_under(&self, prefix: &str) -> Result<usize, FileError> {
        let mut deleted = 0;
        let mut token: Option<String> = None;
        loop {
            let mut query = vec![("list-type", "2"), ("prefix", prefix)];
            if let Some(token) = &token {
                query.push(("continuation-token", token));
            }
            let page = self.call(S3Request::new("ListObjectsV2", "GET", "").query(&query)).await?;
            let page = String::from_utf8_lossy(&page.body);
            let keys = s3_xml::texts(&page, "Key");
            for batch in keys.chunks(DELETE_BATCH) {
                self.delete_objects(batch).await?;
                deleted += batch.len();
            }
            match s3_xml::text(&page, "NextContinuationToken") {
                Some(next) if s3_xml::text(&page, "IsTruncated").as_deref() == Some("true") => token = Some(next),
                _ => return Ok(deleted),
            }
        }
    }

    /// `DeleteObjects` in quiet mode: S3 answers only the keys it could not
    /// delete, which fail the call (an erasure must not pass half done).
    async fn delete_objects(&self, keys: &[String]) -> Result<(), FileError> {
        let mut body = String::from(r#"<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>"#);
        for key in keys {
            let _ = write!(body, "<Object><Key>{}</Key></Object>", s3_xml::escape(key));
        }
        body.push_str("</Delete>");
        // S3 requires an integrity checksum on this call.
        let checksum = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(body.as_bytes()));
        let headers = [
            ("content-type", "application/xml"),
            ("x-amz-sdk-checksum-algorithm", "SHA256"),
            ("x-amz-checksum-sha256", checksum.as_str()),
        ];
        let request = S3Request::new("DeleteObjects", "POST", "").query(&[("delete", "")]).headers(&headers);
        let answer = self.call(request.body(Bytes::from(body))).await?;
        let answer = String::from_utf8_lossy(&answer.body);
        let errors = s3_xml::texts(&answer, "Code");
        match errors.first() {
            None => Ok(()),
            Some(code) => {
                Err(FileError(format!("S3 DeleteObjects: {} of {} not deleted ({code})", errors.len(), keys.len())))
            }
        }
    }

    /// Starts a multipart upload of `key` typed `content_type`
    /// (`CreateMultipartUpload`): its upload id.
    pub async fn start_upload(&self, key: &str, content_type: &str) -> Result<String, FileError> {
        let headers = [("content-type", content_type)];
        let answer = self
            .call(S3Request::new("CreateMultipartUpload", "POST", key).query(&[("uploads", "")]).headers(&headers))
            .await?;
        s3_xml::text(&String::from_utf8_lossy(&answer.body), "UploadId")
            .ok_or_else(|| FileError("S3 CreateMultipartUpload: no upload id".into()))
    }

    /// Sends part `number` of the upload (`UploadPart`): its entity tag.
    pub async fn upload_part(&self, key: &str, upload: &str, number: u32, body: Bytes) -> Result<String, FileError> {
        let number = number.to_string();
        let query = [("partNumber", number.as_str()), ("uploadId", upload)];
        let answer = self.call(S3Request::new("UploadPart", "PUT", key).query(&query).body(body)).await?;
        let tag = answer.headers.get("etag");
        tag.map(str::to_owned).ok_or_else(|| FileError("S3 UploadPart: no entity tag".into()))
    }

    /// Joins the upload's parts, given as (number, entity tag), into the
    /// object (`CompleteMultipartUpload`).
    pub async fn complete_upload(&self, key: &str, upload: &str, parts: &[(u32, String)]) -> Result<(), FileError> {
        let mut body = String::from(r#"<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#);
        for (number, tag) in parts {
            let _ = write!(body, "<Part><PartNumber>{number}</PartNumber><ETag>{}</ETag></Part>", s3_xml::escape(tag));
        }
        body.push_str("</CompleteMultipartUpload>");
        let headers = [("content-type", "application/xml")];
        let query = [("uploadId", upload)];
        let request = S3Request::new("CompleteMultipartUpload", "POST", key).query(&query).headers(&headers);
        let answer = self.call(request.body(Bytes::from(body))).await?;
        // S3 may fail a completion it has begun answering with 200.
        let answer = String::from_utf8_lossy(&answer.body);
        match s3_xml::text(&answer, "Code") {
            Some(code) if answer.contains("<Error>") => Err(FileError(format!("S3 CompleteMultipartUpload: {code}"))),
            _ => Ok(()),
        }
    }

    /// Abandons the upload and its parts (`AbortMultipartUpload`).
    pub async fn abort_upload(&self, key: &str, upload: &str) -> Result<(), FileError> {
        self.call(S3Request::new("AbortMultipartUpload", "DELETE", key).query(&[("uploadId", upload)])).await.map(drop)
    }

    async fn call(&self, request: S3Request<'_>) -> Result<Answer, FileError> {
        self.send(&request).await.map_err(|failure| failed(request.operation, failure))
    }

    /// The call, its failure not yet named (a HEAD's 404 is an answer).
    async fn send(&self, request: &S3Request<'_>) -> Result<Answer, CallFailure> {
        let url = self.url(request.key, request.query).map_err(|e| CallFailure::Unavailable(e.0))?;
        let outgoing = Outgoing { method: request.method, url: &url, headers: request.headers, body: &request.body };
        self.requests.call(&outgoing).await
    }

    /// The URL of `key` (the bucket's, when empty) with `query`, each part
    /// percent-encoded once.
    fn url(&self, key: &str, query: &[(&str, &str)]) -> Result<String, FileError> {
        let endpoint = self
            .endpoint
            .as_deref()
            .ok_or_else(|| FileError("S3: no region or endpoint".into()))?
            .trim_end_matches('/');
        let mut url = if self.path_style {
            format!("{endpoint}/{}", self.name)
        } else {
            let (scheme, host) = endpoint.split_once("://").unwrap_or(("https", endpoint));
            format!("{scheme}://{}.{host}", self.name)
        };
        if !key.is_empty() || !self.path_style {
            url.push('/');
            url.push_str(&percent_encoded(key, true));
        }
        for (at, (name, value)) in query.iter().enumerate() {
            url.push(if at == 0 { '?' } else { '&' });
            url.push_str(&percent_encoded(name, false));
            if !value.is_empty() {
                url.push('=');
                url.push_str(&percent_encoded(value, false));
            }
        }
        Ok(url)
    }
}

/// S3's signing: the path as sent (encoded once, never normalised), the
/// payload's hash in a header.
fn s3_settings() -> SigningSettings {
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    settings
}

/// Reads S3's `<Error><Code>…</Code><Message>…</Message></Error>`.
fn xml_refusal(status: u16, _: &AnswerHeaders, body: Bytes) -> Refusal {
    let text = String::from_utf8_lossy(&body);
    let code = s3_xml::text(&text, "Code").unwrap_or_default();
    let message = s3_xml::text(&text, "Message").unwrap_or_default();
    Refusal::new(status, &code, &message, body)
}

/// The failure as the port's error, naming the call; S3's messages name no
/// key or value.
fn failed(operation: &str, failure: CallFailure) -> FileError {
    FileError(format!("S3 {operation}: {failure}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::aws_signed::tests::{config, Scripted};
    use std::collections::BTreeMap;

    fn bucket(connector: &Scripted, path_style: bool) -> S3Bucket {
        S3Bucket::new(&config(), connector.connector(), "parley-media", path_style)
    }

    /// A URL's address and its query as a map (the order of a query's
    /// parameters means nothing to S3).
    fn parts(url: &str) -> (String, BTreeMap<String, String>) {
        let (address, query) = url.split_once('?').unwrap_or((url, ""));
        let query = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())).unwrap_or((p.to_owned(), String::new()))
            })
            .collect();
        (address.to_owned(), query)
    }

    fn sdk_client(config: &SdkConfig, path_style: bool) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::config::Builder::from(config)
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .force_path_style(path_style)
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    fn presigning(at: SystemTime) -> aws_sdk_s3::presigning::PresigningConfig {
        let builder = aws_sdk_s3::presigning::PresigningConfig::builder().start_time(at);
        builder.expires_in(Duration::from_secs(300)).build().unwrap()
    }

    #[tokio::test]
    async fn links_are_signed_exactly_as_the_sdk_signs_them() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_000_000);
        let key = "contacts/c 1/media/wamid.ABC=+&é.jpg";
        let disposition = "inline; filename=\"photo 1.jpg\"";
        // us-east-1 too: its bucket host names are regional, as the SDK makes
        // them and the UI's content security policy allows them.
        let regions = [config(), config().to_builder().region(aws_types::region::Region::new("us-east-1")).build()];
        for (config, path_style) in regions.iter().flat_map(|c| [(c, false), (c, true)]) {
            let ours = S3Bucket::new(config, Scripted::default().connector(), "parley-media", path_style);
            let sdk = sdk_client(config, path_style);
            let query = [("response-content-type", "image/jpeg"), ("response-content-disposition", disposition)];
            let get = ours.link_at(S3Request::new("GetObject", "GET", key).query(&query), 300, at).await.unwrap();
            let expected = sdk
                .get_object()
                .bucket("parley-media")
                .key(key)
                .response_content_type("image/jpeg")
                .response_content_disposition(disposition)
                .presigned(presigning(at))
                .await
                .unwrap();
            assert_eq!(parts(&get), parts(expected.uri()), "GET, path style {path_style}");

            let headers = [("content-type", "text/csv")];
            let put = ours.link_at(S3Request::new("PutObject", "PUT", key).headers(&headers), 300, at).await.unwrap();
            let expected = sdk
                .put_object()
                .bucket("parley-media")
                .key(key)
                .content_type("text/csv")
                .presigned(presigning(at))
                .await
                .unwrap();
            assert_eq!(parts(&put), parts(expected.uri()), "PUT, path style {path_style}");
            assert!(parts(&put).1["X-Amz-SignedHeaders"].contains("content-type"), "the type is signed");
        }
    }

    #[tokio::test]
    async fn a_put_is_signed_with_its_payloads_hash_and_a_head_reads_the_metadata_or_none() {
        let connector = Scripted::default();
        *connector.answers.lock().unwrap() = vec![(200, ""), (200, ""), (404, "")];
        *connector.headers.lock().unwrap() =
            vec![("content-length", "5"), ("content-type", "image/png"), ("etag", "\"abc123\"")];
        let bucket = bucket(&connector, false);
        let headers = [("content-type", "image/png"), ("x-amz-server-side-encryption", "AES256")];
        bucket.put("contacts/c1/a b.png", Bytes::from_static(b"hello"), &headers).await.unwrap();
        let head = bucket.head("contacts/c1/a b.png").await.unwrap();
        let expected = ObjectHead { size: 5, content_type: "image/png".into(), etag: "abc123".into() };
        assert_eq!(head, Some(expected));
        assert_eq!(bucket.head("contacts/c1/none.png").await.unwrap(), None, "404 is no object");

        let seen = connector.seen.lock().unwrap();
        let (method, url, headers, body) = &seen[0];
        assert_eq!(
            (method.as_str(), url.as_str()),
            ("PUT", "https://parley-media.s3.ap-south-1.amazonaws.com/contacts/c1/a%20b.png")
        );
        assert_eq!(body, b"hello");
        assert_eq!(headers["x-amz-content-sha256"], hex::encode(sha2::Sha256::digest(b"hello")));
        assert_eq!(headers["x-amz-server-side-encryption"], "AES256");
        let authorization = headers["authorization"].to_str().unwrap();
        assert!(authorization.contains("/ap-south-1/s3/aws4_request"), "{authorization}");
        assert!(authorization.contains("x-amz-server-side-encryption"), "{authorization}");
        assert_eq!(seen[1].0, "HEAD");
    }

    #[tokio::test]
    async fn erasure_lists_and_deletes_page_by_page_and_fails_on_a_key_left_behind() {
        let connector = Scripted::default();
        *connector.answers.lock().unwrap() = vec![
            (200, "<ListBucketResult><Contents><Key>contacts/c1/a</Key></Contents><Contents><Key>contacts/c1/b&amp;c</Key></Contents><IsTruncated>true</IsTruncated><NextContinuationToken>t+1=</NextContinuationToken></ListBucketResult>"),
            (200, "<DeleteResult></DeleteResult>"),
            (200, "<ListBucketResult><Contents><Key>contacts/c1/d</Key></Contents><IsTruncated>false</IsTruncated></ListBucketResult>"),
            (200, "<DeleteResult><Error><Key>contacts/c1/d</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>"),
        ];
        let bucket = bucket(&connector, true);
        let failed = bucket.delete_under("contacts/c1/").await.unwrap_err();
        assert_eq!(failed.0, "S3 DeleteObjects: 1 of 1 not deleted (AccessDenied)");
        let seen = connector.seen.lock().unwrap();
        let urls: Vec<&str> = seen.iter().map(|(_, url, _, _)| url.as_str()).collect();
        let endpoint = "https://s3.ap-south-1.amazonaws.com/parley-media";
        assert_eq!(
            urls,
            [
                format!("{endpoint}?list-type=2&prefix=contacts%2Fc1%2F"),
                format!("{endpoint}?delete"),
                format!("{endpoint}?list-type=2&prefix=contacts%2Fc1%2F&continuation-token=t%2B1%3D"),
                format!("{endpoint}?delete"),
            ]
        );
        let (_, _, headers, body) = &seen[1];
        let body = std::str::from_utf8(body).unwrap();
        assert!(body.contains("<Quiet>true</Quiet><Object><Key>contacts/c1/a</Key></Object><Object><Key>contacts/c1/b&amp;c</Key></Object></Delete>"), "{body}");
        let checksum = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(body.as_bytes()));
        assert_eq!(headers["x-amz-checksum-sha256"], checksum.as_str());
    }

    #[tokio::test]
    async fn a_multipart_upload_is_started_sent_and_joined_and_an_error_in_a_200_fails_it() {
        let connector = Scripted::default();
        *connector.answers.lock().unwrap() = vec![
            (200, "<InitiateMultipartUploadResult><UploadId>up/1</UploadId></InitiateMultipartUploadResult>"),
            (200, ""),
            (200, "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>"),
            (403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"),
        ];
        *connector.headers.lock().unwrap() = vec![("etag", "\"e1\"")];
        let bucket = bucket(&connector, true);
        let upload = bucket.start_upload("exports/x.csv", "text/csv").await.unwrap();
        assert_eq!(upload, "up/1");
        let tag = bucket.upload_part("exports/x.csv", &upload, 1, Bytes::from_static(b"rows")).await.unwrap();
        assert_eq!(tag, "\"e1\"");
        let joined = bucket.complete_upload("exports/x.csv", &upload, &[(1, tag)]).await.unwrap_err();
        assert_eq!(joined.0, "S3 CompleteMultipartUpload: InternalError");
        let denied = bucket.abort_upload("exports/x.csv", &upload).await.unwrap_err();
        assert_eq!(denied.0, "S3 AbortMultipartUpload: AccessDenied: Access Denied");

        let seen = connector.seen.lock().unwrap();
        let object = "https://s3.ap-south-1.amazonaws.com/parley-media/exports/x.csv";
        let calls: Vec<(&str, &str)> = seen.iter().map(|(m, u, _, _)| (m.as_str(), u.as_str())).collect();
        assert_eq!(
            calls,
            [
                ("POST", format!("{object}?uploads").as_str()),
                ("PUT", format!("{object}?partNumber=1&uploadId=up%2F1").as_str()),
                ("POST", format!("{object}?uploadId=up%2F1").as_str()),
                ("DELETE", format!("{object}?uploadId=up%2F1").as_str()),
            ]
        );
        let completion = std::str::from_utf8(&seen[2].3).unwrap();
        assert!(
            completion.contains("<Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag></Part>"),
            "{completion}"
        );
    }
}
