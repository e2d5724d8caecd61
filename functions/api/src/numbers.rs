//! Settings → Numbers: every staff member reads the list (the inbox names
//! numbers with it); administrators add, change and remove.

use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{AccountListView, NumberListView, NumberView};
use crate::{ApiError, ApiState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use parley::app::account_settings::AccountSettingsError;
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

impl From<AccountSettingsError> for ApiError {
    fn from(e: AccountSettingsError) -> Self {
        let message = e.to_string();
        match e {
            AccountSettingsError::Store(store) => store.into(),
            AccountSettingsError::Forbidden => ApiError::forbidden(&message),
            AccountSettingsError::NotFound => ApiError::not_found("account"),
            AccountSettingsError::DeploymentOwn => ApiError::new(StatusCode::CONFLICT, "deployment_account", message),
            AccountSettingsError::BadToken => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message),
            AccountSettingsError::Unavailable(cause) => {
                tracing::error!(error = %cause, "account token store failed");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "token_store_unavailable",
                    "the access tokens could not be read or saved; retry later",
                )
            }
        }
    }
}

/// An account's own access token.
#[derive(Deserialize, JsonSchema)]
pub(crate) struct AccountTokenBody {
    /// The system-user token Meta issued for the account (never shown again).
    token: String,
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
    Ok(Json(NumberListView::new(state.number_settings().numbers().await?)))
}

pub(crate) async fn save(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(edit): ApiJson<NumberProfileEdit>,
) -> Result<Json<NumberView>, ApiError> {
    Ok(Json(state.number_settings().save(&session, &id, &edit).await?.into()))
}

pub(crate) async fn remove(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    Query(query): Query<RemoveQuery>,
) -> Result<StatusCode, ApiError> {
    state.number_settings().remove(&session, &id, Millis(query.updated_at)).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn accounts(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
) -> Result<Json<AccountListView>, ApiError> {
    Ok(Json(AccountListView::new(state.account_settings().accounts(&session).await?)))
}

pub(crate) async fn set_account_token(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(waba_id): Path<String>,
    ApiJson(body): ApiJson<AccountTokenBody>,
) -> Result<StatusCode, ApiError> {
    state.account_settings().set_token(&session, &waba_id, Some(&body.token)).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn remove_account_token(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(waba_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.account_settings().set_token(&session, &waba_id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}
