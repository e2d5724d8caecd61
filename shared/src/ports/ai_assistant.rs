//! The AI provider: one prompt in, one answer and its token counts out.

use crate::domain::ai_prompt::AiPrompt;
use crate::domain::ai_settings::AiSettings;
use crate::domain::ai_usage::AiUsage;
use async_trait::async_trait;

/// What a provider answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AiCompletion {
    /// The model's text.
    pub text: String,
    /// The tokens the provider counted.
    pub usage: AiUsage,
}

/// Why a provider gave no answer. Never carries the key or the prompt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AiProviderError {
    /// No answer within the time allowed.
    #[error("the AI provider did not answer in time")]
    Timeout,
    /// The endpoint could not be reached.
    #[error("the AI provider could not be reached")]
    Unreachable,
    /// The provider refused the key (401/403).
    #[error("the AI provider refused the key (HTTP {0})")]
    Unauthorized(u16),
    /// Any other error status (throttled, overloaded, bad model...).
    #[error("the AI provider answered HTTP {status}: {reason}")]
    Failed {
        /// The HTTP status.
        status: u16,
        /// The provider's own message, cut short.
        reason: String,
    },
    /// A success status whose body is not the documented shape.
    #[error("the AI provider's answer was not in the expected shape")]
    Malformed,
}

impl AiProviderError {
    /// What to log: the kind and status, never the provider's own words,
    /// which may quote the conversation.
    pub fn log_label(&self) -> String {
        match self {
            AiProviderError::Timeout => "timeout".to_owned(),
            AiProviderError::Unreachable => "unreachable".to_owned(),
            AiProviderError::Unauthorized(status) => format!("unauthorized {status}"),
            AiProviderError::Failed { status, .. } => format!("failed {status}"),
            AiProviderError::Malformed => "malformed".to_owned(),
        }
    }
}

/// Calls the provider the settings name.
#[async_trait]
pub trait AiAssistant: Send + Sync {
    /// One completion of `prompt` with the settings' model, authorised by
    /// `key`. One attempt, bounded in time: a failure is for staff to see,
    /// not to retry behind their back.
    async fn complete(
        &self,
        settings: &AiSettings,
        key: &str,
        prompt: &AiPrompt,
    ) -> Result<AiCompletion, AiProviderError>;
}
