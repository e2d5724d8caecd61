//! `POST /webhook`: every message and status Meta delivers, stored durably
//! before the 200.

pub mod lambda_event;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use parley::adapters::aws::SdkConfig;
use parley::adapters::dynamo::DynamoStore;
use parley::adapters::graph_leads::GraphLeads;
use parley::api_error::ErrorBody;
use parley::app::facebook_leads::FacebookLeads;
use parley::app::inbox::{Inbox, InboxSettings};
use parley::app::lead_intake::{LeadIntake, LeadIntakePorts};
use parley::app::{IngestError, IngestStores, IngestWebhook};
use parley::config::secrets::{AppSecrets, SecretName, SecretSource};
use parley::config::{CloudApiSettings, ConfigError, Environment};
use parley::domain::routing::RoutingRule;
use parley::ports::{Clock, LeadAdsApi, SystemClock};
use std::sync::Arc;

/// What the inbound webhook function runs with.
#[derive(Debug, Clone)]
pub struct InboundSettings {
    /// `TABLE_NAME`.
    pub table: String,
    /// Routing of new conversations.
    pub inbox: InboxSettings,
    /// The app secret (and the access token Facebook leads are read with).
    pub secrets: SecretSource,
    /// Where the Graph API is, for Facebook leads.
    pub cloud_api: CloudApiSettings,
}

impl InboundSettings {
    /// Reads the settings; a missing or unusable one is an error naming it.
    pub fn from_environment(env: &Environment) -> Result<Self, ConfigError> {
        Ok(InboundSettings {
            table: env.required("TABLE_NAME")?,
            inbox: InboxSettings::from_environment(env)?,
            secrets: SecretSource::from_environment(env, &[SecretName::WhatsAppAppSecret, SecretName::ContactIdKey])?,
            cloud_api: CloudApiSettings::from_environment(env)?,
        })
    }
}

/// The use case over one store: what both Lambda and the local runner use.
/// With `lead_ads`, Facebook lead forms are read and taken as leads;
/// `own_waba_id` is the deployment's own WhatsApp Business Account.
pub fn ingest(
    store: Arc<DynamoStore>,
    clock: Arc<dyn Clock>,
    inbox: InboxSettings,
    app_secret: &str,
    own_waba_id: &str,
    lead_ads: Option<Arc<dyn LeadAdsApi>>,
) -> IngestWebhook {
    let mut routing = Inbox::new(store.clone(), store.clone(), store.clone(), store.clone(), clock.clone(), inbox);
    // Round robin reads the team on every message anyway, so a number's
    // default owner is honoured here, before it (one Query more); otherwise
    // the events function assigns them and storing stays one round trip.
    if inbox.routing == RoutingRule::RoundRobin {
        routing = routing.with_number_owners(store.clone());
    }
    let ingest = IngestWebhook::new(IngestStores::over(store.clone()), clock.clone(), app_secret);
    let ingest = ingest.with_routing(Arc::new(routing)).with_own_account(own_waba_id);
    match lead_ads {
        Some(api) => {
            let intake = LeadIntake::new(LeadIntakePorts::over_store(store.clone(), clock.clone()));
            ingest.with_lead_ads(Arc::new(FacebookLeads::new(api, Arc::new(intake), store, clock)))
        }
        None => ingest,
    }
}

/// Builds the use case from settings and the loaded secrets, with a client
/// made here, once per container (on Lambda: at the first request).
pub fn build(
    settings: &InboundSettings,
    sdk: &SdkConfig,
    secrets: &AppSecrets,
) -> Result<IngestWebhook, Box<dyn std::error::Error + Send + Sync>> {
    let store = Arc::new(parley::adapters::aws::webhook_store(sdk, &settings.table, secrets.contact_id_key()?));
    let lead_ads: Option<Arc<dyn LeadAdsApi>> = match secrets.optional(SecretName::WhatsAppAccessToken) {
        Some(token) => Some(Arc::new(GraphLeads::new(settings.cloud_api.with_token(token))?)),
        None => None,
    };
    let app_secret = secrets.get(SecretName::WhatsAppAppSecret)?;
    Ok(ingest(store, Arc::new(SystemClock), settings.inbox, app_secret, &settings.cloud_api.waba_id, lead_ads))
}

/// The function's routes (the local runner's; Lambda takes its events
/// through [`lambda_event`]).
pub fn router(ingest: Arc<IngestWebhook>) -> Router {
    Router::new().route("/webhook", post(receive)).with_state(ingest)
}

async fn receive(State(ingest): State<Arc<IngestWebhook>>, headers: HeaderMap, body: Bytes) -> Response {
    let signature = headers.get("x-hub-signature-256").and_then(|v| v.to_str().ok());
    let reply = reply(&ingest, &body, signature).await;
    (reply.status, [(CONTENT_TYPE, reply.content_type)], reply.body).into_response()
}

/// How a delivery is answered, whichever way it came in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// 200 once stored; 401, 400 or 503 (Meta retries the last).
    pub status: StatusCode,
    /// Text for the 200, JSON for an error.
    pub content_type: &'static str,
    /// `EVENT_RECEIVED`, or the error's JSON.
    pub body: String,
}

/// Verifies and stores one delivery of `body`, signed `signature`.
pub async fn reply(ingest: &IngestWebhook, body: &[u8], signature: Option<&str>) -> Reply {
    match ingest.handle(body, signature).await {
        Ok(report) => {
            // Every message, status and change already has its own info
            // line, and the 5xx alarm counts invocations, not this line:
            // the request's summary is for debugging (a line costs about
            // 8% of a message's CPU).
            tracing::debug!(
                stored = report.stored,
                duplicates = report.duplicates,
                statuses = report.statuses_applied
                    + report.statuses_stale
                    + report.statuses_pending
                    + report.statuses_discarded,
                parked = report.parked,
                "webhook accepted"
            );
            Reply { status: StatusCode::OK, content_type: "text/plain; charset=utf-8", body: "EVENT_RECEIVED".into() }
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

/// An error reply in the API's JSON shape.
pub(crate) fn error(status: StatusCode, code: &str, message: &str) -> Reply {
    let body = serde_json::to_string(&ErrorBody::new(code, message)).unwrap_or_default();
    Reply { status, content_type: "application/json", body }
}
