//! Consent: a contact's opt-in as staff record it, and the business's
//! consent settings (strict mode, keywords per language).

use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{ConsentSettingsView, ConsentView};
use crate::visible_contact::VisibleContact;
use crate::{ApiError, ApiState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use parley::app::consent::ConsentError;
use parley::domain::consent::ConsentMethod;
use parley::domain::consent_policy::ConsentPolicy;
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

/// An opt-in the customer gave staff.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "ConsentInput")]
pub(crate) struct ConsentBody {
    /// How it was given: `form`, `import` or `staff` (keywords and first
    /// messages are recorded by Parley itself).
    method: ConsentMethod,
    /// `marketing`, `utility` or both.
    categories: Vec<String>,
}

impl From<ConsentError> for ApiError {
    fn from(e: ConsentError) -> Self {
        match e {
            ConsentError::Forbidden => {
                ApiError::forbidden("only managers and administrators change the consent settings")
            }
            ConsentError::Invalid(why) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", why),
            ConsentError::NotFound => ApiError::not_found("contact"),
            ConsentError::Store(s) => s.into(),
        }
    }
}

pub(crate) async fn record(
    State(state): State<Arc<ApiState>>,
    VisibleContact { session, contact }: VisibleContact,
    ApiJson(body): ApiJson<ConsentBody>,
) -> Result<Json<ConsentView>, ApiError> {
    state.consents().record(&session, &contact.id, body.method, &body.categories).await?;
    let stored = state.inbox().visible_contact(&session, &contact.id).await?;
    let consent = stored.consent.as_ref().ok_or_else(|| ApiError::not_found("contact"))?;
    Ok(Json(ConsentView::new(consent)))
}

pub(crate) async fn settings(
    State(state): State<Arc<ApiState>>,
    Staff(_session): Staff,
) -> Result<Json<ConsentSettingsView>, ApiError> {
    let (policy, configured) = state.consents().policy().await?;
    Ok(Json(ConsentSettingsView::new(policy, configured)))
}

pub(crate) async fn save_settings(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    ApiJson(policy): ApiJson<ConsentPolicy>,
) -> Result<Json<ConsentSettingsView>, ApiError> {
    state.consents().save_policy(&session, &policy).await?;
    tracing::info!(strict = policy.strict, languages = policy.languages.len(), "consent settings saved");
    Ok(Json(ConsentSettingsView::new(policy, true)))
}
