//! `GET /webhook`: Meta's subscription handshake.

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use parley::whatsapp::subscription::verify_subscription;
use serde::Deserialize;
use std::sync::Arc;

/// What the handshake needs: the verify token configured in Meta's app dashboard.
#[derive(Clone)]
pub struct VerifyConfig {
    /// The shared verify token (never logged).
    pub verify_token: String,
}

impl VerifyConfig {
    /// Reads `WHATSAPP_VERIFY_TOKEN`.
    pub fn from_env() -> Result<Self, parley::config::ConfigError> {
        Ok(VerifyConfig { verify_token: parley::config::required("WHATSAPP_VERIFY_TOKEN")? })
    }
}

#[derive(Deserialize)]
struct Handshake {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

/// The function's routes.
pub fn router(config: VerifyConfig) -> Router {
    Router::new().route("/webhook", get(verify)).with_state(Arc::new(config))
}

async fn verify(State(config): State<Arc<VerifyConfig>>, Query(q): Query<Handshake>) -> Response {
    match verify_subscription(q.mode.as_deref(), q.token.as_deref(), q.challenge.as_deref(), &config.verify_token) {
        Some(challenge) => {
            tracing::info!("webhook subscription verified");
            ([(header::CONTENT_TYPE, "text/plain")], challenge.to_owned()).into_response()
        }
        None => {
            tracing::warn!(mode = ?q.mode, "webhook verification refused");
            (StatusCode::FORBIDDEN, "verification failed").into_response()
        }
    }
}
