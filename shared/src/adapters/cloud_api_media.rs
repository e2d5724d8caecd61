//! Meta's media endpoints (Cloud API "Media" reference): `GET /<MEDIA_ID>`
//! with the access token answers `{url, mime_type, sha256, file_size, id,
//! messaging_product}`; a GET on `url` with `Authorization: Bearer` gives the
//! bytes for about 5 minutes. An unknown, deleted or expired media id is
//! answered with Graph error code 100 (HTTP 400, or 404); an expired url
//! with 404 (or another 4xx). Locally the simulator plays both.

use super::account_tokens::{token_for_number, AccountTokens};
use super::cloud_api::CloudApiConfig;
use crate::ports::{MediaDescriptor, MediaSource, MediaSourceError};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// How long one download may take (a 100 MB document on a slow link).
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(60);

/// The reqwest implementation of [`MediaSource`].
#[derive(Debug, Clone)]
pub struct CloudApiMedia {
    http: reqwest::Client,
    config: CloudApiConfig,
    accounts: Option<Arc<AccountTokens>>,
}

impl CloudApiMedia {
    /// A client with its connection pool, built once per container.
    pub fn new(config: CloudApiConfig) -> Result<Self, reqwest::Error> {
        let http =
            reqwest::Client::builder().timeout(DOWNLOAD_TIMEOUT).connect_timeout(Duration::from_secs(3)).build()?;
        Ok(CloudApiMedia { http, config, accounts: None })
    }

    /// Media sent to a number of another account is fetched with that
    /// account's own token, when an admin set one.
    pub fn with_account_tokens(mut self, accounts: Arc<AccountTokens>) -> Self {
        self.accounts = Some(accounts);
        self
    }

    async fn token_for(&self, business_number: &str) -> String {
        token_for_number(self.accounts.as_deref(), &self.config.access_token, business_number).await
    }
}

fn unavailable(e: impl std::fmt::Display) -> MediaSourceError {
    MediaSourceError::Unavailable(e.to_string())
}

/// Reads Meta's answer to `GET /<MEDIA_ID>`.
pub fn descriptor_from(status: u16, body: &[u8]) -> Result<MediaDescriptor, MediaSourceError> {
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let code = json["error"]["code"].as_i64();
    if status == 404 || code == Some(100) {
        return Err(MediaSourceError::Gone);
    }
    if !(200..300).contains(&status) {
        return Err(MediaSourceError::Unavailable(format!("media endpoint answered {status} (code {code:?})")));
    }
    let text = |name: &str| json[name].as_str().map(str::to_owned);
    // Meta documents `file_size` as a string; accept a number too.
    let size = json["file_size"].as_u64().or_else(|| json["file_size"].as_str().and_then(|s| s.parse().ok()));
    match (text("url"), text("sha256"), size) {
        (Some(url), Some(sha256), Some(file_size)) => Ok(MediaDescriptor {
            url,
            mime_type: text("mime_type").unwrap_or_else(|| "application/octet-stream".to_owned()),
            sha256,
            file_size,
        }),
        _ => Err(MediaSourceError::Unavailable("media endpoint answered without url, sha256 or size".into())),
    }
}

#[async_trait::async_trait]
impl MediaSource for CloudApiMedia {
    async fn describe(&self, media_id: &str, business_number: &str) -> Result<MediaDescriptor, MediaSourceError> {
        let url = format!("{}/{}/{}", self.config.base_url, self.config.version, media_id);
        let token = self.token_for(business_number).await;
        let response = self.http.get(url).bearer_auth(token).send().await.map_err(unavailable)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(unavailable)?;
        descriptor_from(status, &body)
    }

    async fn download(&self, url: &str, max_bytes: u64, business_number: &str) -> Result<Vec<u8>, MediaSourceError> {
        let token = self.token_for(business_number).await;
        let mut response = self.http.get(url).bearer_auth(token).send().await.map_err(unavailable)?;
        let status = response.status().as_u16();
        if (400..500).contains(&status) && status != 429 {
            return Err(MediaSourceError::UrlExpired);
        }
        if !(200..300).contains(&status) {
            return Err(MediaSourceError::Unavailable(format!("download answered {status}")));
        }
        if response.content_length().is_some_and(|len| len > max_bytes) {
            return Err(MediaSourceError::TooLarge);
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(unavailable)? {
            if (bytes.len() + chunk.len()) as u64 > max_bytes {
                return Err(MediaSourceError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_metas_answer_and_its_errors() {
        let ok = br#"{"messaging_product":"whatsapp","url":"https://lookaside.fbsbx.com/x","mime_type":"image/jpeg","sha256":"ab","file_size":"303833","id":"1"}"#;
        let d = descriptor_from(200, ok).expect("a descriptor");
        assert_eq!((d.file_size, d.mime_type.as_str()), (303_833, "image/jpeg"));
        let gone = br#"{"error":{"message":"Unsupported get request.","type":"GraphMethodException","code":100,"error_subcode":33}}"#;
        assert_eq!(descriptor_from(400, gone), Err(MediaSourceError::Gone));
        assert_eq!(descriptor_from(404, b""), Err(MediaSourceError::Gone));
        assert!(matches!(descriptor_from(500, b"oops"), Err(MediaSourceError::Unavailable(_))));
        assert!(matches!(descriptor_from(200, b"{}"), Err(MediaSourceError::Unavailable(_))));
    }
}
