//! `POST /webhook`: every message and status Meta delivers, stored durably
//! before the 200.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use parley::api_error::ErrorBody;
use parley::app::inbox::{Inbox, InboxSettings};
use parley::app::{IngestError, IngestWebhook};
use parley::ports::SystemClock;
use std::sync::Arc;

/// Builds the use case over DynamoDB from the environment (`TABLE_NAME`,
/// `WHATSAPP_APP_SECRET`, `PARLEY_CONTACT_ID_KEY`), with a client made once
/// per cold start.
pub async fn from_env() -> Result<IngestWebhook, parley::config::ConfigError> {
    let secret = parley::config::required("WHATSAPP_APP_SECRET")?;
    let sdk = parley::adapters::aws::load_config().await;
    let store = Arc::new(parley::adapters::aws::store_from_env(&sdk, parley::config::contact_id_key()?)?);
    let clock = Arc::new(SystemClock);
    let inbox = Inbox::new(
        store.clone(),
        store.clone(),
        store.clone(),
        store.clone(),
        clock.clone(),
        InboxSettings::from_env(),
    );
    Ok(IngestWebhook::new(store.clone(), store, clock, secret).with_routing(Arc::new(inbox)))
}

/// The function's routes.
pub fn router(ingest: Arc<IngestWebhook>) -> Router {
    Router::new().route("/webhook", post(receive)).with_state(ingest)
}

async fn receive(State(ingest): State<Arc<IngestWebhook>>, headers: HeaderMap, body: Bytes) -> Response {
    let signature = headers.get("x-hub-signature-256").and_then(|v| v.to_str().ok());
    match ingest.handle(&body, signature).await {
        Ok(report) => {
            tracing::info!(
                stored = report.stored,
                duplicates = report.duplicates,
                statuses = report.statuses_applied
                    + report.statuses_stale
                    + report.statuses_pending
                    + report.statuses_discarded,
                parked = report.parked,
                "webhook accepted"
            );
            (StatusCode::OK, "EVENT_RECEIVED").into_response()
        }
        Err(IngestError::Signature(e)) => {
            tracing::warn!(error = %e, "webhook signature refused");
            error(StatusCode::UNAUTHORIZED, "bad_signature", &e.to_string())
        }
        Err(IngestError::Malformed(e)) => {
            tracing::warn!(error = %e, "webhook body refused");
            error(StatusCode::BAD_REQUEST, "malformed_webhook", &e.to_string())
        }
        Err(IngestError::Store(e)) => {
            tracing::error!(error = %e, "webhook not stored; Meta will retry");
            error(StatusCode::SERVICE_UNAVAILABLE, "storage_unavailable", "storage is unavailable; retry later")
        }
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(ErrorBody::new(code, message))).into_response()
}
