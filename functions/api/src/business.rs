//! The business profile and the rate card estimates are priced with.

use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{BusinessProfileView, RateCardView};
use crate::{ApiError, ApiState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use parley::domain::rate_catalog::RateCatalog;
use parley::domain::rate_overrides::RateOverrides;
use parley::domain::{AuditEntry, BusinessProfile, Role, Session};
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

/// The saved profile, or the defaults (an Indian shop) before one is saved.
pub(crate) async fn current_profile(state: &ApiState) -> Result<BusinessProfile, ApiError> {
    Ok(state.business().business_profile().await?.unwrap_or_default())
}

pub(crate) async fn get(
    State(state): State<Arc<ApiState>>,
    Staff(_session): Staff,
) -> Result<Json<BusinessProfileView>, ApiError> {
    let saved = state.business().business_profile().await?;
    let configured = saved.is_some();
    Ok(Json(BusinessProfileView::new(saved.unwrap_or_default(), configured)))
}

/// The business profile to save.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "BusinessProfileInput")]
pub(crate) struct ProfileBody {
    #[serde(default)]
    name: String,
    country: String,
    currency: String,
    time_zone: String,
    #[serde(default)]
    phone_number_id: Option<String>,
    /// The Indian state the business is registered in (`MH`), for GST.
    #[serde(default)]
    state: Option<String>,
    /// GSTIN or VAT number, printed on quotes and invoices.
    #[serde(default)]
    tax_id: Option<String>,
    /// Postal address, one line per line, printed on quotes and invoices.
    #[serde(default)]
    address: String,
    /// Tell the customer's phone their message was read when staff open
    /// the conversation (default on).
    #[serde(default = "switched_on")]
    read_receipts: bool,
    /// Show "typing…" to the customer while staff write (default on;
    /// needs read receipts, since Meta's indicator marks the message read).
    #[serde(default = "switched_on")]
    typing_indicator: bool,
}

fn switched_on() -> bool {
    true
}

pub(crate) async fn put(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    ApiJson(body): ApiJson<ProfileBody>,
) -> Result<Json<BusinessProfileView>, ApiError> {
    if session.role != Role::Admin {
        return Err(ApiError::forbidden("only administrators change the business profile"));
    }
    let profile = BusinessProfile {
        name: body.name,
        country: body.country,
        currency: body.currency,
        time_zone: body.time_zone,
        phone_number_id: body.phone_number_id,
        state: body.state,
        tax_id: body.tax_id,
        address: body.address,
        read_receipts: body.read_receipts,
        typing_indicator: body.typing_indicator,
    }
    .validated()
    .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string()))?;
    let audit = AuditEntry {
        at: state.clock.now(),
        actor: session.email.clone(),
        action: "business_profile".to_owned(),
        contact: None,
        detail: serde_json::json!({
            "country": profile.country, "currency": profile.currency, "time_zone": profile.time_zone,
        })
        .to_string(),
    };
    state.business().save_business_profile(&profile, &audit).await?;
    tracing::info!(country = %profile.country, currency = %profile.currency, "business profile saved");
    Ok(Json(BusinessProfileView::new(profile, true)))
}

pub(crate) async fn rate_card(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
) -> Result<Json<RateCardView>, ApiError> {
    let overrides = state.rate_overrides().rate_overrides().await?.unwrap_or_default();
    rate_card_view(&state, &session, overrides).await
}

/// The card with the tiers Meta reported, which only admins price (one
/// more query, theirs alone); unreadable tiers leave the card readable.
async fn rate_card_view(
    state: &ApiState,
    session: &Session,
    overrides: RateOverrides,
) -> Result<Json<RateCardView>, ApiError> {
    let tiers = match session.role {
        Role::Admin => state.health().volume_tiers().await.unwrap_or_else(|error| {
            tracing::error!(error = %error, "volume tiers unreadable; the rate card shows none");
            Vec::new()
        }),
        _ => Vec::new(),
    };
    Ok(Json(RateCardView::new(&state.send().rate_cards().await?, overrides, tiers)))
}

pub(crate) async fn save_rate_card(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    ApiJson(overrides): ApiJson<RateOverrides>,
) -> Result<Json<RateCardView>, ApiError> {
    if session.role != Role::Admin {
        return Err(ApiError::forbidden("only administrators set the business's prices"));
    }
    let currency = current_profile(&state).await?.currency;
    overrides
        .check(&RateCatalog::published().for_currency(&currency), &currency)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string()))?;
    let audit = AuditEntry {
        at: state.clock.now(),
        actor: session.email.clone(),
        action: "rate_card".to_owned(),
        contact: None,
        detail: serde_json::json!({"lines": overrides.lines.len(), "currency": currency}).to_string(),
    };
    state.rate_overrides().save_rate_overrides(&overrides, &audit).await?;
    tracing::info!(lines = overrides.lines.len(), "rate card prices saved");
    rate_card_view(&state, &session, overrides).await
}
