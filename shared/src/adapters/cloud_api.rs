//! The WhatsApp Cloud API over HTTPS (reqwest), or the simulator locally.

use crate::domain::template::{Category, Template};
use crate::domain::DeliveryError;
use crate::ports::WhatsAppClient;
use crate::whatsapp::send::{parse_response, ErrorClass, SendFailure, SendOutcome, SendRequest};
use serde_json::Value;
use std::time::Duration;

/// Where and how to reach the Cloud API.
#[derive(Clone)]
pub struct CloudApiConfig {
    /// `https://graph.facebook.com` (or the simulator's address).
    pub base_url: String,
    /// `v23.0`…
    pub version: String,
    /// The system-user token (never logged).
    pub access_token: String,
    /// The WhatsApp Business Account, for the template catalog.
    pub waba_id: String,
    /// How long to wait for an answer before the outcome counts as unknown.
    pub timeout: Duration,
}

impl std::fmt::Debug for CloudApiConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudApiConfig")
            .field("base_url", &self.base_url)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// The reqwest implementation of [`WhatsAppClient`].
#[derive(Debug, Clone)]
pub struct CloudApi {
    http: reqwest::Client,
    config: CloudApiConfig,
}

impl CloudApi {
    /// A client with its connection pool, built once per cold start.
    pub fn new(config: CloudApiConfig) -> Result<Self, reqwest::Error> {
        let http =
            reqwest::Client::builder().timeout(config.timeout).connect_timeout(Duration::from_secs(3)).build()?;
        Ok(CloudApi { http, config })
    }
}

#[async_trait::async_trait]
impl WhatsAppClient for CloudApi {
    async fn send(&self, request: &SendRequest) -> SendOutcome {
        let url = format!("{}/{}/{}/messages", self.config.base_url, self.config.version, request.phone_number_id);
        let response = self.http.post(url).bearer_auth(&self.config.access_token).json(&request.body()).send().await;
        match response {
            Ok(response) => {
                let status = response.status().as_u16();
                match response.bytes().await {
                    Ok(body) => parse_response(status, &body),
                    // The request was answered but the body was cut off.
                    Err(_) if (200..300).contains(&status) => SendOutcome::Unknown,
                    Err(e) => network_failure(&e),
                }
            }
            // A timeout once the request may have left: never resend blindly.
            Err(e) if e.is_timeout() && !e.is_connect() => SendOutcome::Unknown,
            Err(e) => network_failure(&e),
        }
    }

    async fn templates(&self) -> Result<Vec<Template>, String> {
        let mut url = format!(
            "{}/{}/{}/message_templates?limit=100",
            self.config.base_url, self.config.version, self.config.waba_id
        );
        let mut all = Vec::new();
        for _page in 0..50 {
            let body: Value = self
                .http
                .get(&url)
                .bearer_auth(&self.config.access_token)
                .send()
                .await
                .and_then(reqwest::Response::error_for_status)
                .map_err(|e| format!("template sync: {e}"))?
                .json()
                .await
                .map_err(|e| format!("template sync: {e}"))?;
            all.extend(body["data"].as_array().into_iter().flatten().filter_map(template_from));
            match body["paging"]["next"].as_str() {
                Some(next) => url = next.to_owned(),
                None => return Ok(all),
            }
        }
        Ok(all)
    }
}

fn network_failure(e: &reqwest::Error) -> SendOutcome {
    SendOutcome::Failed(SendFailure {
        class: ErrorClass::Retryable,
        error: DeliveryError { code: 0, title: "network error".to_owned(), details: Some(e.to_string()) },
    })
}

/// Reads one entry of `GET /{waba-id}/message_templates`.
pub fn template_from(value: &Value) -> Option<Template> {
    let body = value["components"]
        .as_array()?
        .iter()
        .find(|c| c["type"].as_str().is_some_and(|t| t.eq_ignore_ascii_case("BODY")))
        .and_then(|c| c["text"].as_str())
        .unwrap_or_default()
        .to_owned();
    Some(Template {
        name: value["name"].as_str()?.to_owned(),
        language: value["language"].as_str()?.to_owned(),
        category: Category::parse(value["category"].as_str()?)?,
        status: value["status"].as_str().unwrap_or("PENDING").to_owned(),
        body_params: Template::count_params(&body),
        body,
    })
}
