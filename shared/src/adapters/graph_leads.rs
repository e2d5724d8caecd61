//! Facebook Lead Ads' lead read (Marketing API, "Retrieving leads"):
//! `GET /<LEADGEN_ID>?fields=…` with a token that has `leads_retrieval`
//! answers the lead with its `field_data`. A Graph error answers 4xx with
//! `{"error": {"message", "code"}}`. Locally the simulator plays it.

use super::cloud_api::CloudApiConfig;
use crate::ports::{FeedError, LeadAdsApi};
use serde_json::Value;
use std::time::Duration;

/// The fields read: the answers, and which ad and form brought the lead.
const LEAD_FIELDS: &str = "id,created_time,field_data,ad_id,form_id,campaign_id";

/// The reqwest implementation of [`LeadAdsApi`].
#[derive(Debug, Clone)]
pub struct GraphLeads {
    http: reqwest::Client,
    config: CloudApiConfig,
}

impl GraphLeads {
    /// A client with its connection pool, built once per container.
    pub fn new(config: CloudApiConfig) -> Result<Self, reqwest::Error> {
        let http =
            reqwest::Client::builder().timeout(config.timeout).connect_timeout(Duration::from_secs(3)).build()?;
        Ok(GraphLeads { http, config })
    }
}

#[async_trait::async_trait]
impl LeadAdsApi for GraphLeads {
    async fn lead(&self, leadgen_id: &str) -> Result<Value, FeedError> {
        if leadgen_id.is_empty() || !leadgen_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(FeedError::Refused("the lead id is not a Graph id".into()));
        }
        let url = format!("{}/{}/{leadgen_id}", self.config.base_url, self.config.version);
        let response = self
            .http
            .get(url)
            .query(&[("fields", LEAD_FIELDS)])
            .bearer_auth(&self.config.access_token)
            .send()
            .await
            .map_err(|e| FeedError::Unavailable(e.without_url().to_string()))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| FeedError::Unavailable(e.without_url().to_string()))?;
        let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        if status.is_success() && json.get("id").is_some() {
            return Ok(json);
        }
        let message = json["error"]["message"].as_str().unwrap_or("an answer that is not a lead");
        let why = format!("HTTP {}: {}", status.as_u16(), message.chars().take(200).collect::<String>());
        if status.is_client_error() {
            Err(FeedError::Refused(why))
        } else {
            Err(FeedError::Unavailable(why))
        }
    }
}
