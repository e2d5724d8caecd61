//! The staff API (`/api/*`): an axum Router that lambda_http runs on Lambda
//! and the local runner mounts as it is.

mod contacts;
mod error;
mod login;
mod session;
mod views;

use axum::routing::{get, post};
use axum::Router;
use parley::adapters::dynamo::DynamoStore;
use parley::adapters::request_counter::RequestCounter;
use parley::app::auth::BootstrapAdmin;
use parley::app::Auth;
use parley::ports::{Clock, ConversationStore, SystemClock};
use std::sync::Arc;

pub use error::ApiError;

/// Everything a request handler needs, built once per cold start.
pub struct ApiState {
    /// Contacts and timelines.
    pub store: Arc<dyn ConversationStore>,
    /// Sign-in and sessions.
    pub auth: Auth,
    /// The time.
    pub clock: Arc<dyn Clock>,
}

/// Builds the state over DynamoDB from the environment: `TABLE_NAME`, and
/// `PARLEY_ADMIN_EMAIL` / `PARLEY_ADMIN_PASSWORD` for the first administrator.
pub async fn from_env() -> Result<ApiState, parley::config::ConfigError> {
    let table = parley::config::table_name()?;
    let sdk = parley::adapters::aws::load_config().await;
    let client = parley::adapters::aws::dynamo_client(&sdk, &RequestCounter::default());
    let store = Arc::new(DynamoStore::new(client, table));
    Ok(state(store, Arc::new(SystemClock), bootstrap_admin_from_env()))
}

/// The first administrator from `PARLEY_ADMIN_EMAIL` / `PARLEY_ADMIN_PASSWORD`.
pub fn bootstrap_admin_from_env() -> Option<BootstrapAdmin> {
    Some(BootstrapAdmin {
        email: parley::config::optional("PARLEY_ADMIN_EMAIL")?,
        password: parley::config::optional("PARLEY_ADMIN_PASSWORD")?,
    })
}

/// Wires the state over one store.
pub fn state(store: Arc<DynamoStore>, clock: Arc<dyn Clock>, admin: Option<BootstrapAdmin>) -> ApiState {
    ApiState { auth: Auth::new(store.clone(), clock.clone(), admin), store, clock }
}

/// The API's routes.
pub fn router(state: ApiState) -> Router {
    Router::new()
        .route("/api/login", post(login::login))
        .route("/api/logout", post(login::logout))
        .route("/api/me", get(login::me))
        .route("/api/contacts", get(contacts::list))
        .route("/api/contacts/{id}", get(contacts::one))
        .route("/api/contacts/{id}/messages", get(contacts::messages))
        .fallback(error::not_found)
        .with_state(Arc::new(state))
}
