//! The staff API (`/api/*`): an axum Router that lambda_http runs on Lambda
//! and the local runner mounts as it is.

mod contacts;
mod deals;
mod error;
mod inbox;
mod login;
mod outbound;
mod session;
mod tasks;
mod team;
mod views;

use axum::routing::{get, post};
use axum::Router;
use parley::adapters::aws;
use parley::adapters::cloud_api::CloudApi;
use parley::adapters::dynamo::DynamoStore;
use parley::app::auth::BootstrapAdmin;
use parley::app::deals::Deals;
use parley::app::inbox::{Inbox, InboxSettings};
use parley::app::send_message::SendMessage;
use parley::app::tasks::Tasks;
use parley::app::team::Team;
use parley::app::Auth;
use parley::domain::pricing::RateCards;
use parley::ports::{
    Clock, ContactRecordStore, ConversationStore, OutboundQueue, OutboxStore, SystemClock, WhatsAppClient,
};
use std::sync::Arc;

pub use error::ApiError;

/// Sending and its catalog.
pub struct Outbound {
    /// The send use case.
    pub send: SendMessage,
    /// Outbound messages and templates.
    pub outbox: Arc<dyn OutboxStore>,
    /// The sender's queue.
    pub queue: Arc<dyn OutboundQueue>,
    /// The Cloud API, for the template catalog.
    pub whatsapp: Arc<dyn WhatsAppClient>,
}

/// Everything a request handler needs, built once per cold start.
pub struct ApiState {
    /// Visibility, ownership, queues, audit.
    pub inbox: Arc<Inbox>,
    /// The team.
    pub team: Team,
    /// Pipelines and deals.
    pub deals: Deals,
    /// Notes, tags, fields, search.
    pub records: Arc<dyn ContactRecordStore>,
    /// Follow-ups.
    pub tasks: Tasks,
    /// Sending.
    pub outbound: Outbound,
    /// Contacts and timelines.
    pub store: Arc<dyn ConversationStore>,
    /// Sign-in and sessions.
    pub auth: Auth,
    /// The time.
    pub clock: Arc<dyn Clock>,
}

/// Builds the state from the environment: `TABLE_NAME`, `OUTBOUND_QUEUE_URL`,
/// the Cloud API settings, and `PARLEY_ADMIN_EMAIL` / `PARLEY_ADMIN_PASSWORD`
/// for the first administrator. Clients are built once, here.
pub async fn from_env() -> Result<ApiState, Box<dyn std::error::Error + Send + Sync>> {
    let sdk = aws::load_config().await;
    let store = Arc::new(aws::store_from_env(&sdk)?);
    let queue = Arc::new(aws::outbound_queue_from_env(&sdk)?);
    let whatsapp = Arc::new(CloudApi::new(CloudApi::config_from_env()?)?);
    Ok(state(store, queue, whatsapp, Arc::new(SystemClock), bootstrap_admin_from_env(), InboxSettings::from_env()))
}

/// The first administrator from `PARLEY_ADMIN_EMAIL` / `PARLEY_ADMIN_PASSWORD`.
pub fn bootstrap_admin_from_env() -> Option<BootstrapAdmin> {
    Some(BootstrapAdmin {
        email: parley::config::optional("PARLEY_ADMIN_EMAIL")?,
        password: parley::config::optional("PARLEY_ADMIN_PASSWORD")?,
    })
}

/// Wires the state over one store, queue and Cloud API client.
pub fn state(
    store: Arc<DynamoStore>,
    queue: Arc<dyn OutboundQueue>,
    whatsapp: Arc<dyn WhatsAppClient>,
    clock: Arc<dyn Clock>,
    admin: Option<BootstrapAdmin>,
    settings: InboxSettings,
) -> ApiState {
    let send = SendMessage::new(store.clone(), store.clone(), queue.clone(), clock.clone(), RateCards::default());
    let inbox = Arc::new(Inbox::new(store.clone(), store.clone(), store.clone(), clock.clone(), settings));
    ApiState {
        inbox,
        team: Team::new(store.clone(), store.clone(), clock.clone()),
        deals: Deals::new(store.clone(), clock.clone()),
        records: store.clone(),
        tasks: Tasks::new(store.clone(), store.clone(), clock.clone(), settings.utc_offset_minutes),
        outbound: Outbound { send, outbox: store.clone(), queue, whatsapp },
        auth: Auth::new(store.clone(), clock.clone(), admin),
        store,
        clock,
    }
}

/// The API's routes.
pub fn router(state: ApiState) -> Router {
    Router::new()
        .route("/api/login", post(login::login))
        .route("/api/logout", post(login::logout))
        .route("/api/me", get(login::me))
        .route("/api/contacts", get(contacts::list))
        .route("/api/contacts/{id}", get(contacts::one).patch(contacts::patch))
        .route("/api/contacts/{id}/notes", get(contacts::notes).post(contacts::add_note))
        .route("/api/contacts/{id}/messages", get(contacts::messages).post(outbound::send))
        .route("/api/contacts/{id}/opt_out", post(outbound::opt_out))
        .route("/api/messages/{id}/retry", post(outbound::retry))
        .route("/api/templates", get(outbound::templates))
        .route("/api/templates/sync", post(outbound::sync_templates))
        .route("/api/reports/spend", get(outbound::spend))
        .route("/api/contacts/{id}/assign", post(inbox::assign))
        .route("/api/contacts/{id}/close", post(inbox::close))
        .route("/api/contacts/{id}/reopen", post(inbox::reopen))
        .route("/api/conversations", get(inbox::queue))
        .route("/api/audit", get(inbox::audit))
        .route("/api/users", get(team::list).post(team::invite))
        .route("/api/users/{email}", axum::routing::patch(team::update))
        .route("/api/invites/accept", post(team::accept))
        .route("/api/pipelines", get(deals::pipelines))
        .route("/api/pipelines/{id}", axum::routing::put(deals::put_pipeline))
        .route("/api/pipelines/{id}/board", get(deals::board))
        .route("/api/pipelines/{id}/stages/{stage}/deals", get(deals::stage))
        .route("/api/deals", post(deals::create))
        .route("/api/deals/{id}", get(deals::get).patch(deals::update))
        .route("/api/deals/{id}/stage", post(deals::move_stage))
        .route("/api/contacts/{id}/deals", get(deals::for_contact))
        .route("/api/tasks", get(tasks::list).post(tasks::create))
        .route("/api/tasks/{id}/done", post(tasks::done))
        .fallback(error::not_found)
        .with_state(Arc::new(state))
}
