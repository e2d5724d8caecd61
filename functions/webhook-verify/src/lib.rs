//! `GET /webhook`: Meta's subscription handshake.

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use parley::config::secrets::{AppSecrets, SecretName, SecretSource, SecretsError};
use parley::config::{ConfigError, Environment};
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
    /// The verify token from the loaded secrets.
    pub fn from_secrets(secrets: &AppSecrets) -> Result<Self, SecretsError> {
        Ok(VerifyConfig { verify_token: secrets.get(SecretName::WhatsAppVerifyToken)?.to_owned() })
    }
}

/// What the verify function runs with: only where its token comes from.
#[derive(Debug, Clone)]
pub struct VerifySettings {
    /// The verify token.
    pub secrets: SecretSource,
}

impl VerifySettings {
    /// Reads the settings; a missing token (locally) is an error naming it.
    pub fn from_environment(env: &Environment) -> Result<Self, ConfigError> {
        Ok(VerifySettings { secrets: SecretSource::from_environment(env, &[SecretName::WhatsAppVerifyToken])? })
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
