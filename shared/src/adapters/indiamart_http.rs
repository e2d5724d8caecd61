//! IndiaMART's CRM lead API over HTTPS (see [`crate::domain::indiamart`]).
//! The key travels in the query string, as IndiaMART requires; no error
//! raised here carries the URL.

use crate::domain::indiamart::{format_time, read_answer, IndiaMartAnswer};
use crate::domain::Millis;
use crate::ports::{FeedError, IndiaMartApi};
use std::time::Duration;

/// IndiaMART's address for the v2 API.
pub const INDIAMART_BASE: &str = "https://mapi.indiamart.com";

/// The reqwest implementation of [`IndiaMartApi`].
#[derive(Clone)]
pub struct IndiaMartHttp {
    http: reqwest::Client,
    base_url: String,
    key: String,
}

impl std::fmt::Debug for IndiaMartHttp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndiaMartHttp").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

impl IndiaMartHttp {
    /// A client for `base_url` (IndiaMART's, or the simulator's) with the CRM key.
    pub fn new(base_url: &str, key: &str) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(3))
            .build()?;
        Ok(IndiaMartHttp { http, base_url: base_url.trim_end_matches('/').to_owned(), key: key.to_owned() })
    }
}

#[async_trait::async_trait]
impl IndiaMartApi for IndiaMartHttp {
    async fn enquiries(&self, start: Millis, end: Millis) -> Result<IndiaMartAnswer, FeedError> {
        let url = format!("{}/wservce/crm/crmListing/v2/", self.base_url);
        let response = self
            .http
            .get(url)
            .query(&[
                ("glusr_crm_key", self.key.as_str()),
                ("start_time", &format_time(start)),
                ("end_time", &format_time(end)),
            ])
            .send()
            .await
            .map_err(|e| FeedError::Unavailable(e.without_url().to_string()))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| FeedError::Unavailable(e.without_url().to_string()))?;
        if status.is_server_error() {
            return Err(FeedError::Unavailable(format!("HTTP {}", status.as_u16())));
        }
        Ok(read_answer(&body))
    }
}
