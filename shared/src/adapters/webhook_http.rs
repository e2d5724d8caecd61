//! Posting webhook deliveries over HTTPS with reqwest.

use crate::domain::AttemptError;
use crate::ports::WebhookPoster;
use std::time::Duration;

/// A reqwest client that follows no redirects (a redirect is not a
/// delivery: the receiver must answer at the registered URL).
#[derive(Debug, Clone)]
pub struct HttpWebhookPoster {
    client: reqwest::Client,
}

impl HttpWebhookPoster {
    /// Builds the client once per container.
    pub fn new() -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Parley-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(HttpWebhookPoster { client })
    }
}

#[async_trait::async_trait]
impl WebhookPoster for HttpWebhookPoster {
    async fn post(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
        body: &str,
        timeout: Duration,
    ) -> Result<u16, AttemptError> {
        let mut request =
            self.client.post(url).timeout(timeout).header("content-type", "application/json").body(body.to_owned());
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        match request.send().await {
            Ok(response) => Ok(response.status().as_u16()),
            Err(e) if e.is_timeout() => Err(AttemptError::Timeout),
            Err(e) if e.is_connect() => Err(AttemptError::Connect),
            Err(_) => Err(AttemptError::Transport),
        }
    }
}
