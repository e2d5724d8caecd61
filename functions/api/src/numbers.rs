//! Settings → Numbers: every staff member reads the list (the inbox names
//! numbers with it); administrators add, change and remove.

use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{NumberListView, NumberView};
use crate::{ApiError, ApiState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use parley::app::number_settings::NumberSettingsError;
use parley::domain::number_profile::NumberProfileEdit;
use parley::domain::Millis;
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

impl From<NumberSettingsError> for ApiError {
    fn from(e: NumberSettingsError) -> Self {
        let message = e.to_string();
        match e {
            NumberSettingsError::Store(store) => store.into(),
            NumberSettingsError::Forbidden => ApiError::forbidden(&message),
            NumberSettingsError::NotFound => ApiError::not_found("number"),
            NumberSettingsError::Invalid(_) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message),
            NumberSettingsError::UnknownOwner => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unknown_owner", message)
            }
            NumberSettingsError::Conflict => ApiError::new(StatusCode::CONFLICT, "conflict", message),
        }
    }
}

/// `?updated_at=`: the `updated_at` of the profile being removed.
#[derive(Deserialize, JsonSchema)]
pub(crate) struct RemoveQuery {
    updated_at: i64,
}

pub(crate) async fn list(
    State(state): State<Arc<ApiState>>,
    Staff(_session): Staff,
) -> Result<Json<NumberListView>, ApiError> {
    Ok(Json(NumberListView::new(state.number_settings.numbers().await?)))
}

pub(crate) async fn save(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(edit): ApiJson<NumberProfileEdit>,
) -> Result<Json<NumberView>, ApiError> {
    Ok(Json(state.number_settings.save(&session, &id, &edit).await?.into()))
}

pub(crate) async fn remove(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    Query(query): Query<RemoveQuery>,
) -> Result<StatusCode, ApiError> {
    state.number_settings.remove(&session, &id, Millis(query.updated_at)).await?;
    Ok(StatusCode::NO_CONTENT)
}
