//! API errors, all answered as `{"error":{"code","message"}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use parley::api_error::ErrorBody;
use parley::app::AuthError;
use parley::ports::StoreError;

/// An error a handler answers with.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

impl ApiError {
    /// An error with a status, a stable code and a sentence.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError { status, body: ErrorBody::new(code, message) }
    }

    /// Adds a field beside `code` and `message`.
    pub fn with_detail(mut self, name: &str, value: serde_json::Value) -> Self {
        self.body.error.extra.insert(name.to_owned(), value);
        self
    }

    /// 404 for something that is not there.
    pub fn not_found(what: &str) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::BadCursor => {
                ApiError::new(StatusCode::BAD_REQUEST, "bad_cursor", "the cursor is not one this API issued")
            }
            other => {
                tracing::error!(error = %other, "storage failed");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_unavailable",
                    "storage is unavailable; retry later",
                )
            }
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::BadCredentials => ApiError::new(StatusCode::UNAUTHORIZED, "bad_credentials", e.to_string()),
            AuthError::NoSession => ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "sign in first"),
            AuthError::Store(s) => s.into(),
        }
    }
}

pub(crate) async fn not_found() -> ApiError {
    ApiError::not_found("route")
}
