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

    /// 403 for a role that may not do this.
    pub fn forbidden(message: &str) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
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

impl From<axum::extract::rejection::JsonRejection> for ApiError {
    fn from(e: axum::extract::rejection::JsonRejection) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", e.body_text())
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

impl From<parley::app::inbox::InboxError> for ApiError {
    fn from(e: parley::app::inbox::InboxError) -> Self {
        use parley::app::inbox::InboxError as E;
        match e {
            E::NotFound => ApiError::not_found("conversation"),
            E::Forbidden(_) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", e.to_string()),
            E::UnknownOwner(_) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unknown_owner", e.to_string()),
            E::Conflict => ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string()),
            E::UnknownQueue(_) => ApiError::new(StatusCode::BAD_REQUEST, "unknown_queue", e.to_string()),
            E::Store(s) => s.into(),
        }
    }
}

impl From<parley::app::team::TeamError> for ApiError {
    fn from(e: parley::app::team::TeamError) -> Self {
        use parley::app::team::TeamError as E;
        let (status, code) = match &e {
            E::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            E::BadEmail(_) => (StatusCode::UNPROCESSABLE_ENTITY, "bad_email"),
            E::Exists(_) => (StatusCode::CONFLICT, "exists"),
            E::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            E::Deactivated(_) => (StatusCode::CONFLICT, "deactivated"),
            E::BadInvite => (StatusCode::GONE, "bad_invite"),
            E::WeakPassword => (StatusCode::UNPROCESSABLE_ENTITY, "weak_password"),
            E::LongName => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            E::SelfLockout => (StatusCode::CONFLICT, "self_lockout"),
            E::Store(_) => (StatusCode::SERVICE_UNAVAILABLE, "storage_unavailable"),
        };
        if let E::Store(s) = e {
            return s.into();
        }
        ApiError::new(status, code, e.to_string())
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::BadCredentials => ApiError::new(StatusCode::UNAUTHORIZED, "bad_credentials", e.to_string()),
            AuthError::NoSession => ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "sign in first"),
            AuthError::Throttled { .. } => ApiError::new(StatusCode::TOO_MANY_REQUESTS, "throttled", e.to_string()),
            AuthError::WrongPassword => ApiError::new(StatusCode::FORBIDDEN, "wrong_password", e.to_string()),
            AuthError::WeakPassword => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "weak_password", e.to_string()),
            AuthError::Store(s) => s.into(),
        }
    }
}

impl From<parley::app::opt_out::OptOutError> for ApiError {
    fn from(e: parley::app::opt_out::OptOutError) -> Self {
        use parley::app::opt_out::OptOutError as E;
        match e {
            E::Forbidden => ApiError::forbidden("only managers and administrators clear an opt-out"),
            E::NotFound => ApiError::not_found("contact"),
            E::Store(s) => s.into(),
        }
    }
}

pub(crate) async fn not_found() -> ApiError {
    ApiError::not_found("route")
}
