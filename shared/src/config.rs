//! Settings every function reads from its environment at cold start.

/// A setting that is missing or unusable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A required environment variable is not set.
    #[error("environment variable {0} must be set")]
    Missing(&'static str),
    /// A variable is set to something unusable.
    #[error("environment variable {0} is unusable")]
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

/// The key contact ids are derived with (`PARLEY_CONTACT_ID_KEY`, at least
/// 16 bytes): a secret of the deployment, the same for every function.
pub fn contact_id_key() -> Result<crate::domain::ContactIdKey, ConfigError> {
    crate::domain::ContactIdKey::new(required("PARLEY_CONTACT_ID_KEY")?)
        .map_err(|_| ConfigError::Invalid("PARLEY_CONTACT_ID_KEY"))
}
