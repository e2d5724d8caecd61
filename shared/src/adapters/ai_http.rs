//! The AI providers over HTTP: one client, short timeouts, one attempt,
//! the contract chosen by the settings.

use super::{ai_bedrock, ai_openai};
use crate::domain::ai_prompt::AiPrompt;
use crate::domain::ai_settings::{AiProvider, AiSettings};
use crate::ports::{AiAssistant, AiCompletion, AiProviderError};
use async_trait::async_trait;
use std::time::Duration;

/// How long one call may take: staff wait for it in the panel, and a
/// provider outage must not hold the API's connections.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(8);
/// The longest answer asked for.
pub(crate) const MAX_OUTPUT_TOKENS: u32 = 500;

/// An [`AiAssistant`] speaking OpenAI's or Bedrock's contract.
#[derive(Debug, Clone)]
pub struct HttpAiAssistant {
    client: reqwest::Client,
    timeout: Duration,
}

impl Default for HttpAiAssistant {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpAiAssistant {
    /// A client; no request is made. Each call carries [`CALL_TIMEOUT`].
    pub fn new() -> Self {
        Self::with_timeout(CALL_TIMEOUT)
    }

    /// The same with another bound on each call.
    pub fn with_timeout(timeout: Duration) -> Self {
        HttpAiAssistant { client: reqwest::Client::new(), timeout }
    }
}

#[async_trait]
impl AiAssistant for HttpAiAssistant {
    async fn complete(
        &self,
        settings: &AiSettings,
        key: &str,
        prompt: &AiPrompt,
    ) -> Result<AiCompletion, AiProviderError> {
        let request = match settings.provider {
            AiProvider::OpenAi => ai_openai::request(&self.client, settings, prompt)?,
            AiProvider::Bedrock => ai_bedrock::request(&self.client, settings, prompt)?,
        };
        let response = request.bearer_auth(key).timeout(self.timeout).send().await.map_err(sent_error)?;
        let status = response.status();
        let body: serde_json::Value = match response.json().await {
            Ok(body) => body,
            Err(e) if e.is_timeout() => return Err(AiProviderError::Timeout),
            Err(_) if status.is_success() => return Err(AiProviderError::Malformed),
            Err(_) => serde_json::Value::Null,
        };
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            return Err(AiProviderError::Unauthorized(status.as_u16()));
        }
        if !status.is_success() {
            return Err(AiProviderError::Failed { status: status.as_u16(), reason: reason(&body) });
        }
        match settings.provider {
            AiProvider::OpenAi => ai_openai::completion(&body),
            AiProvider::Bedrock => ai_bedrock::completion(&body),
        }
        .ok_or(AiProviderError::Malformed)
    }
}

fn sent_error(e: reqwest::Error) -> AiProviderError {
    if e.is_timeout() {
        AiProviderError::Timeout
    } else {
        AiProviderError::Unreachable
    }
}

/// The provider's error message (OpenAI: `error.message`; Bedrock:
/// `message`), cut short: it is shown to staff.
fn reason(body: &serde_json::Value) -> String {
    let message = body["error"]["message"].as_str().or_else(|| body["message"].as_str()).unwrap_or("no details");
    message.chars().take(200).collect()
}

/// `base` with `segments` appended, each percent-encoded (a Bedrock model
/// id holds `:`).
pub(crate) fn url_under(base: &str, segments: &[&str]) -> Result<reqwest::Url, AiProviderError> {
    let mut url = reqwest::Url::parse(base).map_err(|_| AiProviderError::Unreachable)?;
    url.path_segments_mut().map_err(|()| AiProviderError::Unreachable)?.pop_if_empty().extend(segments);
    Ok(url)
}
