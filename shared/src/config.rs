//! Settings every function reads from its environment at cold start.

/// A setting that is missing or unusable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A required environment variable is not set.
    #[error("environment variable {0} must be set")]
    Missing(&'static str),
    /// An environment variable is set to something unusable.
    #[error("environment variable {0} has an unusable value")]
    Invalid(&'static str),
}

/// A required, non-empty environment variable.
pub fn required(name: &'static str) -> Result<String, ConfigError> {
    std::env::var(name).ok().filter(|v| !v.is_empty()).ok_or(ConfigError::Missing(name))
}

/// An optional environment variable (empty counts as unset).
pub fn optional(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The DynamoDB table (`TABLE_NAME`).
pub fn table_name() -> Result<String, ConfigError> {
    required("TABLE_NAME")
}
