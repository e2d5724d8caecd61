//! The WhatsApp Cloud API over HTTPS (reqwest), or the simulator locally.

use super::account_tokens::AccountTokens;
use crate::domain::template::Template;
use crate::domain::DeliveryError;
use crate::ports::{AccessTokenCheck, CatalogError, ReadReceipts, ReceiptError, TokenState, WhatsAppClient};
use crate::whatsapp::send::{parse_response, ErrorClass, SendFailure, SendOutcome, SendRequest};
pub use crate::whatsapp::template_catalog::template_from;
use serde_json::Value;
use std::sync::Arc;
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

mod calls;

/// The reqwest implementation of [`WhatsAppClient`].
#[derive(Debug, Clone)]
pub struct CloudApi {
    http: reqwest::Client,
    config: CloudApiConfig,
    accounts: Option<Arc<AccountTokens>>,
}

impl CloudApi {
    /// The deployment's own WhatsApp Business Account.
    pub fn waba_id(&self) -> &str {
        &self.config.waba_id
    }

    /// A client with its connection pool, built once per cold start.
    pub fn new(config: CloudApiConfig) -> Result<Self, reqwest::Error> {
        let http =
            reqwest::Client::builder().timeout(config.timeout).connect_timeout(Duration::from_secs(3)).build()?;
        Ok(CloudApi { http, config, accounts: None })
    }

    /// Calls for a number of another account carry that account's own
    /// token, when an admin set one (the system-user token otherwise).
    pub fn with_account_tokens(mut self, accounts: Arc<AccountTokens>) -> Self {
        self.accounts = Some(accounts);
        self
    }

    async fn token_for_number(&self, phone_number_id: &str) -> String {
        super::account_tokens::token_for_number(self.accounts.as_deref(), &self.config.access_token, phone_number_id)
            .await
    }

    async fn token_for_account(&self, waba_id: Option<&str>) -> String {
        match &self.accounts {
            Some(accounts) => accounts.for_account(waba_id).await,
            None => self.config.access_token.clone(),
        }
    }
}

#[async_trait::async_trait]
impl WhatsAppClient for CloudApi {
    async fn send(&self, request: &SendRequest) -> SendOutcome {
        let url = format!("{}/{}/{}/messages", self.config.base_url, self.config.version, request.phone_number_id);
        let token = self.token_for_number(&request.phone_number_id).await;
        let response = self.http.post(url).bearer_auth(token).json(&request.body()).send().await;
        match response {
            Ok(response) => {
                let status = response.status().as_u16();
                match response.bytes().await {
                    Ok(body) => parse_response(status, &body),
                    // The request was answered but the body was cut off.
                    Err(_) if (200..300).contains(&status) => SendOutcome::Unknown,
                    Err(e) => network_failure(e),
                }
            }
            // A timeout once the request may have left: never resend blindly.
            Err(e) if e.is_timeout() && !e.is_connect() => SendOutcome::Unknown,
            Err(e) => network_failure(e),
        }
    }

    async fn templates(&self, waba_id: Option<&str>) -> Result<Vec<Template>, CatalogError> {
        let account = waba_id.unwrap_or(&self.config.waba_id);
        let mut url =
            format!("{}/{}/{}/message_templates?limit=100", self.config.base_url, self.config.version, account);
        let token = self.token_for_account(waba_id).await;
        let mut all = Vec::new();
        for _page in 0..MAX_TEMPLATE_PAGES {
            let body = self.template_page(&url, &token).await?;
            let page = body["data"].as_array().into_iter().flatten().filter_map(template_from);
            all.extend(page.map(|t| t.in_account(waba_id)));
            let Some(next) = body["paging"]["next"].as_str() else { return Ok(all) };
            // The bearer token goes with every request: only ever to Meta.
            if !same_origin(&self.config.base_url, next) {
                tracing::error!(templates_so_far = all.len(), "template sync stopped: next page on another host");
                return Err(CatalogError::ForeignPage);
            }
            url = next.to_owned();
        }
        tracing::warn!(pages = MAX_TEMPLATE_PAGES, "template sync stopped at the page limit");
        Ok(all)
    }
}

#[async_trait::async_trait]
impl AccessTokenCheck for CloudApi {
    /// `GET /me`: the cheapest call that needs a valid token, and reads
    /// nothing of the business's.
    async fn check_access_token(&self) -> TokenState {
        let url = format!("{}/{}/me?fields=id", self.config.base_url, self.config.version);
        let response = match self.http.get(url).bearer_auth(&self.config.access_token).send().await {
            Ok(response) => response,
            Err(e) => {
                tracing::warn!(error = %e.without_url(), "token check: Cloud API unreachable");
                return TokenState::Unknown;
            }
        };
        let status = response.status();
        if status.is_success() {
            return TokenState::Valid;
        }
        let code = response.json::<Value>().await.ok().and_then(|body| body["error"]["code"].as_i64());
        token_refusal(status.as_u16(), code)
    }
}

#[async_trait::async_trait]
impl ReadReceipts for CloudApi {
    /// `POST /{phone_number_id}/messages` with `status: read`, and
    /// `typing_indicator` when asked; Meta answers `{"success": true}`.
    async fn mark_read(&self, phone_number_id: &str, wamid: &str, typing: bool) -> Result<(), ReceiptError> {
        let url = format!("{}/{}/{}/messages", self.config.base_url, self.config.version, phone_number_id);
        let mut body = serde_json::json!({"messaging_product": "whatsapp", "status": "read", "message_id": wamid});
        if typing {
            body["typing_indicator"] = serde_json::json!({"type": "text"});
        }
        let token = self.token_for_number(phone_number_id).await;
        let response = self.http.post(url).bearer_auth(token).json(&body).send().await;
        let response = response.map_err(|e| {
            tracing::warn!(error = %e.without_url(), "read receipt: Cloud API unreachable");
            ReceiptError::Unreachable
        })?;
        if response.status().is_success() {
            return Ok(());
        }
        let code = response.json::<Value>().await.ok().and_then(|body| body["error"]["code"].as_i64()).unwrap_or(0);
        Err(ReceiptError::Refused { code })
    }
}

/// Meta's OAuth refusals: 190 (expired, revoked, wrong), 102 (session) and
/// the permission errors 10 and 200, which a renewed token with the right
/// scopes cures. Anything else (a 5xx, throttling) says nothing of the token.
fn token_refusal(status: u16, code: Option<i64>) -> TokenState {
    match code {
        Some(code @ (190 | 102 | 10 | 200)) if (400..500).contains(&status) => TokenState::Rejected { code },
        _ => TokenState::Unknown,
    }
}

/// Pages of 100 templates read at most (Meta allows far fewer templates).
const MAX_TEMPLATE_PAGES: usize = 50;

impl CloudApi {
    /// One page of the catalog. Errors are logged without their URL, which
    /// for Meta's paging links carries the access token.
    /// One page of the catalog. A read changes nothing at Meta, so one that
    /// timed out or could not connect is tried again (3 tries in all, 0.2 s
    /// and 0.4 s apart) before the sync says Meta could not be reached.
    async fn template_page(&self, url: &str, token: &str) -> Result<Value, CatalogError> {
        let mut attempt = 1;
        let response = loop {
            match self.http.get(url).bearer_auth(token).send().await {
                Ok(response) => break response,
                Err(e) if attempt < TEMPLATE_PAGE_TRIES => {
                    tracing::warn!(error = %e.without_url(), attempt, "template sync: Cloud API unreachable; trying again");
                    tokio::time::sleep(std::time::Duration::from_millis(200 * u64::from(attempt))).await;
                    attempt += 1;
                }
                Err(e) => {
                    let e = e.without_url();
                    tracing::error!(error = %e, timeout = e.is_timeout(), "template sync: Cloud API unreachable");
                    return Err(CatalogError::Unreachable);
                }
            }
        };
        let status = response.status();
        if !status.is_success() {
            tracing::error!(status = status.as_u16(), "template sync: Cloud API refused");
            return Err(CatalogError::Refused(status.as_u16()));
        }
        response.json().await.map_err(|e| {
            tracing::error!(error = %e.without_url(), "template sync: unreadable answer");
            CatalogError::Unreadable
        })
    }
}

/// Tries of one catalog page that Meta did not answer.
const TEMPLATE_PAGE_TRIES: u32 = 3;

/// Whether `link` is on the scheme, host and port of `base`.
fn same_origin(base: &str, link: &str) -> bool {
    match (reqwest::Url::parse(base), reqwest::Url::parse(link)) {
        (Ok(base), Ok(link)) => {
            base.scheme() == link.scheme()
                && base.host_str() == link.host_str()
                && base.port_or_known_default() == link.port_or_known_default()
        }
        _ => false,
    }
}

fn network_failure(e: reqwest::Error) -> SendOutcome {
    SendOutcome::Failed(SendFailure {
        class: ErrorClass::Retryable,
        error: DeliveryError { code: 0, title: "network error".to_owned(), details: Some(e.without_url().to_string()) },
    })
}

#[cfg(test)]
mod tests {
    use super::{same_origin, token_refusal};
    use crate::ports::TokenState;

    #[test]
    fn next_pages_are_followed_only_on_the_configured_origin() {
        let base = "https://graph.facebook.com";
        assert!(same_origin(base, "https://graph.facebook.com/v23.0/1/message_templates?after=A"));
        assert!(same_origin(base, "https://graph.facebook.com:443/v23.0/1/message_templates"));
        assert!(!same_origin(base, "https://graph.facebook.com.evil.test/v23.0/1/message_templates"));
        assert!(!same_origin(base, "http://graph.facebook.com/v23.0/1/message_templates"));
        assert!(!same_origin(base, "https://graph.facebook.com:8443/v23.0"));
        assert!(!same_origin(base, "not a url"));
        assert!(same_origin("http://127.0.0.1:8090", "http://127.0.0.1:8090/v23.0/1/message_templates"));
    }

    #[test]
    fn only_oauth_refusals_condemn_the_token() {
        assert_eq!(token_refusal(401, Some(190)), TokenState::Rejected { code: 190 });
        assert_eq!(token_refusal(403, Some(200)), TokenState::Rejected { code: 200 });
        assert_eq!(token_refusal(500, Some(190)), TokenState::Unknown);
        assert_eq!(token_refusal(429, Some(4)), TokenState::Unknown);
        assert_eq!(token_refusal(400, None), TokenState::Unknown);
    }
}
