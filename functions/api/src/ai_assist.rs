//! AI assist: the admin's settings, and one task over a conversation for
//! anyone who can see it. A provider failure answers this route alone.

use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{AiSettingsView, AssistView};
use crate::visible_contact::VisibleContact;
use crate::{ApiError, ApiState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use parley::app::ai_assist::{AssistError, KeyChange, SaveSettingsError};
use parley::domain::ai_settings::{AiProvider, AiSettings};
use parley::domain::ai_task::AiTask;
use parley::domain::Role;
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

fn admins_only(role: Role) -> Result<(), ApiError> {
    if role == Role::Admin {
        Ok(())
    } else {
        Err(ApiError::forbidden("only administrators see and change the AI assist settings"))
    }
}

pub(crate) async fn get_settings(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
) -> Result<Json<AiSettingsView>, ApiError> {
    admins_only(session.role)?;
    let current = state.ai_assist().settings().await.map_err(assist_error)?;
    Ok(Json(AiSettingsView::new(current, state.ai_stand_in.clone())))
}

/// The AI assist settings to save.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "AiSettingsInput")]
pub(crate) struct SettingsBody {
    /// Turning it on sends conversations to the provider when staff ask.
    enabled: bool,
    provider: AiProvider,
    #[serde(default)]
    endpoint: String,
    #[serde(default)]
    model: String,
    #[serde(default)]
    input_price_per_1k: f64,
    #[serde(default)]
    output_price_per_1k: f64,
    #[serde(default)]
    business_facts: String,
    /// A new key to store (absent or null: keep the stored one).
    #[serde(default)]
    api_key: Option<String>,
    /// Remove the stored key.
    #[serde(default)]
    clear_key: bool,
}

pub(crate) async fn put_settings(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    ApiJson(body): ApiJson<SettingsBody>,
) -> Result<Json<AiSettingsView>, ApiError> {
    admins_only(session.role)?;
    let key = match (body.clear_key, body.api_key) {
        (true, _) => KeyChange::Clear,
        (false, Some(key)) if !key.trim().is_empty() => KeyChange::Set(key),
        (false, _) => KeyChange::Keep,
    };
    let settings = AiSettings {
        enabled: body.enabled,
        provider: body.provider,
        endpoint: body.endpoint,
        model: body.model,
        input_price_per_1k: body.input_price_per_1k,
        output_price_per_1k: body.output_price_per_1k,
        business_facts: body.business_facts,
    };
    let saved = state.ai_assist().save_settings(&session.email, settings, key).await.map_err(|e| match e {
        SaveSettingsError::Invalid(e) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string()),
        SaveSettingsError::Keys(e) => key_store_error(&e),
        SaveSettingsError::Store(e) => e.into(),
    })?;
    Ok(Json(AiSettingsView::new(saved, state.ai_stand_in.clone())))
}

/// What to ask of the conversation.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "AiAssistInput")]
pub(crate) struct AssistBody {
    task: AiTask,
}

pub(crate) async fn assist(
    State(state): State<Arc<ApiState>>,
    VisibleContact { contact, .. }: VisibleContact,
    ApiJson(body): ApiJson<AssistBody>,
) -> Result<Json<AssistView>, ApiError> {
    let outcome = state.ai_assist().assist(&contact.id, body.task).await.map_err(assist_error)?;
    Ok(Json(AssistView::new(body.task, outcome)))
}

fn key_store_error(e: &parley::ports::KeyStoreError) -> ApiError {
    tracing::error!(error = %e, "ai key store failed");
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "ai_key_unavailable",
        "the AI provider key could not be read; retry later",
    )
}

fn assist_error(e: AssistError) -> ApiError {
    let message = e.to_string();
    match e {
        AssistError::Off => ApiError::new(StatusCode::CONFLICT, "ai_off", message),
        AssistError::NoKey => ApiError::new(StatusCode::CONFLICT, "ai_key_missing", message),
        AssistError::NothingToRead(_) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "nothing_to_read", message),
        AssistError::Provider(_) => ApiError::new(StatusCode::BAD_GATEWAY, "ai_unavailable", message),
        AssistError::Answer(_) => ApiError::new(StatusCode::BAD_GATEWAY, "ai_unreadable", message),
        AssistError::Keys(e) => key_store_error(&e),
        AssistError::Store(e) => e.into(),
    }
}
