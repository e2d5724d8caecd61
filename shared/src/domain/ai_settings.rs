//! How the business uses an AI provider: off until an admin turns it on,
//! and then which provider, model, prices and business facts.

use serde::{Deserialize, Serialize};

/// The HTTP contract an AI provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AiProvider {
    /// Any endpoint answering OpenAI's `POST {base}/chat/completions`.
    #[default]
    OpenAi,
    /// Amazon Bedrock's Converse API (`POST {endpoint}/model/{id}/converse`).
    Bedrock,
}

/// The longest business facts text kept (it goes into every draft prompt).
pub const MAX_BUSINESS_FACTS: usize = 4000;

/// The admin's AI assist settings. The provider key is not here: it lives
/// in the stack's secrets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AiSettings {
    /// Conversations go to the provider only while this is on.
    pub enabled: bool,
    /// Which contract the endpoint speaks.
    pub provider: AiProvider,
    /// The base URL (`https://api.openai.com/v1`, or Bedrock's runtime
    /// endpoint `https://bedrock-runtime.<region>.amazonaws.com`).
    pub endpoint: String,
    /// The model (`gpt-4o-mini`, `anthropic.claude-3-haiku-20240307-v1:0`).
    pub model: String,
    /// Price of 1,000 input tokens, in the business's currency.
    pub input_price_per_1k: f64,
    /// Price of 1,000 output tokens, in the business's currency.
    pub output_price_per_1k: f64,
    /// What drafts may rely on: products, prices, hours, policies.
    pub business_facts: String,
}

/// Why settings cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AiSettingsError {
    /// The endpoint is not an http(s) URL.
    #[error("the endpoint must be an http:// or https:// URL")]
    BadEndpoint,
    /// No model named while turned on.
    #[error("name the model to use")]
    NoModel,
    /// A negative or non-number price.
    #[error("prices must be zero or more")]
    BadPrice,
    /// Business facts longer than [`MAX_BUSINESS_FACTS`].
    #[error("business facts are limited to {MAX_BUSINESS_FACTS} characters")]
    FactsTooLong,
    /// A key with spaces or line breaks, or absurdly long.
    #[error("the API key must be one word of at most 1000 characters")]
    BadKey,
}

/// A provider key as typed, trimmed, or why it cannot be one.
pub fn checked_key(key: &str) -> Result<&str, AiSettingsError> {
    let key = key.trim();
    if key.is_empty() || key.len() > 1000 || key.chars().any(char::is_whitespace) {
        return Err(AiSettingsError::BadKey);
    }
    Ok(key)
}

impl AiSettings {
    /// The settings trimmed, or why they cannot be used. Turned off, an
    /// incomplete provider is kept as typed so the admin can finish later.
    pub fn validated(mut self) -> Result<Self, AiSettingsError> {
        self.endpoint = self.endpoint.trim().trim_end_matches('/').to_owned();
        self.model = self.model.trim().to_owned();
        self.business_facts = self.business_facts.trim().to_owned();
        let price_ok = |p: f64| p.is_finite() && p >= 0.0;
        if !price_ok(self.input_price_per_1k) || !price_ok(self.output_price_per_1k) {
            return Err(AiSettingsError::BadPrice);
        }
        if self.business_facts.chars().count() > MAX_BUSINESS_FACTS {
            return Err(AiSettingsError::FactsTooLong);
        }
        let is_url = self.endpoint.starts_with("https://") || self.endpoint.starts_with("http://");
        if (self.enabled || !self.endpoint.is_empty()) && !is_url {
            return Err(AiSettingsError::BadEndpoint);
        }
        if self.enabled && self.model.is_empty() {
            return Err(AiSettingsError::NoModel);
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on() -> AiSettings {
        AiSettings {
            enabled: true,
            endpoint: " https://api.example.com/v1/ ".into(),
            model: "m".into(),
            ..AiSettings::default()
        }
    }

    #[test]
    fn off_by_default() {
        assert!(!AiSettings::default().enabled);
        assert_eq!(AiSettings::default().validated(), Ok(AiSettings::default()));
    }

    #[test]
    fn turned_on_it_needs_a_url_and_a_model() {
        assert_eq!(on().validated().map(|s| s.endpoint), Ok("https://api.example.com/v1".to_owned()));
        assert_eq!(AiSettings { endpoint: "ftp://x".into(), ..on() }.validated(), Err(AiSettingsError::BadEndpoint));
        assert_eq!(AiSettings { model: " ".into(), ..on() }.validated(), Err(AiSettingsError::NoModel));
        assert_eq!(AiSettings { input_price_per_1k: -1.0, ..on() }.validated(), Err(AiSettingsError::BadPrice));
        assert_eq!(AiSettings { output_price_per_1k: f64::NAN, ..on() }.validated(), Err(AiSettingsError::BadPrice));
        let long = "x".repeat(MAX_BUSINESS_FACTS + 1);
        assert_eq!(AiSettings { business_facts: long, ..on() }.validated(), Err(AiSettingsError::FactsTooLong));
    }
}
