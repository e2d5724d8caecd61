//! Opening hours per business number: read by all staff, set by admins.

use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{BusinessHoursListView, NumberHoursView};
use crate::{ApiError, ApiState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use parley::domain::business_hours::BusinessHours;
use parley::domain::{AuditEntry, Role};
use std::sync::Arc;

pub(crate) async fn list(
    State(state): State<Arc<ApiState>>,
    Staff(_session): Staff,
) -> Result<Json<BusinessHoursListView>, ApiError> {
    let mut items: Vec<NumberHoursView> = Vec::new();
    let saved = state.hours.all_hours().await?;
    // The profile's number is listed even before it has hours, so the
    // settings screen has something to fill in.
    if let Some(number) = state.business.business_profile().await?.and_then(|p| p.phone_number_id) {
        if !saved.iter().any(|(n, _)| *n == number) {
            items.push(NumberHoursView::new(number, None));
        }
    }
    items.extend(saved.into_iter().map(|(number, hours)| NumberHoursView::new(number, Some(hours))));
    Ok(Json(BusinessHoursListView::new(items)))
}

pub(crate) async fn put(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(number): Path<String>,
    ApiJson(hours): ApiJson<BusinessHours>,
) -> Result<Json<NumberHoursView>, ApiError> {
    if session.role != Role::Admin {
        return Err(ApiError::forbidden("only administrators change business hours"));
    }
    let invalid = |message: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message);
    if number.is_empty() || number.len() > 32 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("the number is Meta's numeric phone_number_id".into()));
    }
    hours.validate().map_err(|e| invalid(e.to_string()))?;
    let audit = AuditEntry {
        at: state.clock.now(),
        actor: session.email.clone(),
        action: "business_hours".to_owned(),
        contact: None,
        detail: serde_json::json!({"number": number, "time_zone": hours.time_zone}).to_string(),
    };
    state.hours.save_hours(&number, &hours, &audit).await?;
    tracing::info!(time_zone = %hours.time_zone, "business hours saved");
    Ok(Json(NumberHoursView::new(number, Some(hours))))
}
