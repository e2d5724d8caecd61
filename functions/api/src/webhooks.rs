//! Outbound webhooks (administrators): subscriptions, the delivery log,
//! redelivery and test events.

use crate::contacts::PageQuery;
use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{PageView, WebhookDeliveryView, WebhookSecretView, WebhookView};
use crate::{ApiError, ApiState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use parley::app::webhooks::{NewWebhook, WebhookError, WebhookPatch};
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

impl From<WebhookError> for ApiError {
    fn from(e: WebhookError) -> Self {
        match e {
            WebhookError::Forbidden => ApiError::forbidden("only administrators manage webhooks"),
            WebhookError::Invalid(_) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string()),
            WebhookError::NotFound => ApiError::not_found("webhook or delivery"),
            WebhookError::NotRedeliverable => ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string()),
            WebhookError::Queue => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", e.to_string()),
            WebhookError::Store(s) => s.into(),
        }
    }
}

pub(crate) async fn list(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
) -> Result<Json<PageView<WebhookView>>, ApiError> {
    let all = state.webhooks().list(&session).await?;
    Ok(Json(PageView::whole(all.into_iter().map(WebhookView::from).collect())))
}

/// A receiver to register.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "NewWebhook")]
pub(crate) struct CreateBody {
    name: String,
    /// https, or http://127.0.0.1 / localhost for development.
    url: String,
    /// Public event type names (at least one).
    kinds: Vec<String>,
    /// Default true.
    #[serde(default)]
    active: Option<bool>,
}

pub(crate) async fn create(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    ApiJson(body): ApiJson<CreateBody>,
) -> Result<(StatusCode, Json<WebhookSecretView>), ApiError> {
    let new = NewWebhook { name: body.name, url: body.url, kinds: body.kinds, active: body.active.unwrap_or(true) };
    let created = state.webhooks().create(&session, new).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// What changes; an absent key stays as it is.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "WebhookPatch")]
pub(crate) struct PatchBody {
    name: Option<String>,
    url: Option<String>,
    kinds: Option<Vec<String>>,
    active: Option<bool>,
}

pub(crate) async fn update(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PatchBody>,
) -> Result<Json<WebhookView>, ApiError> {
    let patch = WebhookPatch { name: body.name, url: body.url, kinds: body.kinds, active: body.active };
    Ok(Json(state.webhooks().update(&session, &id, patch).await?.into()))
}

pub(crate) async fn delete(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.webhooks().delete(&session, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn rotate_secret(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<WebhookSecretView>, ApiError> {
    Ok(Json(state.webhooks().rotate_secret(&session, &id).await?.into()))
}

pub(crate) async fn deliveries(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    Query(page): Query<PageQuery>,
) -> Result<Json<PageView<WebhookDeliveryView>>, ApiError> {
    let page = state.webhooks().deliveries(&session, &id, &page.into()).await?;
    Ok(Json(PageView::from_page(page, WebhookDeliveryView::from)))
}

pub(crate) async fn redeliver(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path((id, delivery)): Path<(String, String)>,
) -> Result<(StatusCode, Json<WebhookDeliveryView>), ApiError> {
    let delivery = state.webhooks().redeliver(&session, &id, &delivery).await?;
    Ok((StatusCode::ACCEPTED, Json(delivery.into())))
}

pub(crate) async fn send_test(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<WebhookDeliveryView>), ApiError> {
    let delivery = state.webhooks().send_test(&session, &id).await?;
    Ok((StatusCode::ACCEPTED, Json(delivery.into())))
}
