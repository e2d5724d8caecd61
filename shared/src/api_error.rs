//! The one error shape every HTTP endpoint answers with:
//! `{"error":{"code","message"}}`.

use serde::Serialize;

/// The body of an error response.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// A machine-readable code and a sentence for people.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ErrorDetail {
    /// Stable, snake_case, for programs (`window_closed`, `unauthorized`…).
    pub code: String,
    /// For people; never contains secrets or message bodies.
    pub message: String,
    /// Details particular to the error (e.g. `window_closed_at`).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl ErrorBody {
    /// Builds an error body.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorBody { error: ErrorDetail { code: code.into(), message: message.into(), extra: serde_json::Map::new() } }
    }
}
