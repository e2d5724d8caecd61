//! Where the Cloud API is, from the environment; its token is a secret.

use super::{ConfigError, Environment};
use crate::adapters::cloud_api::CloudApiConfig;
use std::time::Duration;

/// The Cloud API's address and limits, without the access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudApiSettings {
    /// `WHATSAPP_API_BASE`: Meta's Graph API, or the simulator locally.
    pub base_url: String,
    /// `WHATSAPP_API_VERSION`.
    pub version: String,
    /// `WHATSAPP_WABA_ID`, for the template catalog.
    pub waba_id: String,
    /// `WHATSAPP_TIMEOUT_MS`: after this the outcome of a send is unknown.
    pub timeout: Duration,
}

/// `WHATSAPP_WABA_ID`: the deployment's own WhatsApp Business Account, whose
/// template catalog every number without another account uses.
pub fn own_waba_id(env: &Environment) -> String {
    env.optional("WHATSAPP_WABA_ID").unwrap_or_default()
}

impl CloudApiSettings {
    /// Reads `WHATSAPP_API_BASE`, `WHATSAPP_API_VERSION`, `WHATSAPP_WABA_ID`
    /// and `WHATSAPP_TIMEOUT_MS`, with Meta's defaults.
    pub fn from_environment(env: &Environment) -> Result<Self, ConfigError> {
        let timeout_ms: u64 = env.parsed("WHATSAPP_TIMEOUT_MS", "a whole number of milliseconds")?.unwrap_or(10_000);
        Ok(CloudApiSettings {
            base_url: env.optional("WHATSAPP_API_BASE").unwrap_or_else(|| "https://graph.facebook.com".to_owned()),
            version: env.optional("WHATSAPP_API_VERSION").unwrap_or_else(|| "v23.0".to_owned()),
            waba_id: own_waba_id(env),
            timeout: Duration::from_millis(timeout_ms),
        })
    }

    /// The client's configuration, once the token has been read.
    pub fn with_token(&self, access_token: &str) -> CloudApiConfig {
        CloudApiConfig {
            base_url: self.base_url.clone(),
            version: self.version.clone(),
            access_token: access_token.to_owned(),
            waba_id: self.waba_id.clone(),
            timeout: self.timeout,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_meta_and_refuses_a_timeout_with_a_unit() {
        let settings = CloudApiSettings::from_environment(&Environment::from_pairs([])).unwrap();
        assert_eq!(settings.base_url, "https://graph.facebook.com");
        assert_eq!(settings.version, "v23.0");
        assert_eq!(settings.timeout, Duration::from_secs(10));
        let error =
            CloudApiSettings::from_environment(&Environment::from_pairs([("WHATSAPP_TIMEOUT_MS", "10s")])).unwrap_err();
        assert!(matches!(error, ConfigError::Invalid { name: "WHATSAPP_TIMEOUT_MS", .. }), "{error}");
    }
}
