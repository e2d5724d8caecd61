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
use std::collections::BTreeSet;
use std::sync::Arc;

/// Only administrators change hours, and only of a number in Meta's form.
fn admin_and_number(session: &parley::domain::Session, number: &str) -> Result<(), ApiError> {
    if session.role != Role::Admin {
        return Err(ApiError::forbidden("only administrators change business hours"));
    }
    if number.is_empty() || number.len() > 32 || !number.bytes().all(|b| b.is_ascii_digit()) {
        let message = "the number is Meta's numeric phone_number_id";
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message.to_owned()));
    }
    Ok(())
}

pub(crate) async fn list(
    State(state): State<Arc<ApiState>>,
    Staff(_session): Staff,
) -> Result<Json<BusinessHoursListView>, ApiError> {
    let saved = state.hours().all_hours().await?;
    // Numbers without hours are listed too, so the settings screen has
    // something to fill in: every number known.
    let known = state.number_settings().numbers().await?;
    let mut without: BTreeSet<String> = known.into_iter().map(|n| n.phone_number_id).collect();
    for (number, _) in &saved {
        without.remove(number);
    }
    let mut items: Vec<NumberHoursView> =
        without.into_iter().map(|number| NumberHoursView::new(number, None)).collect();
    items.extend(saved.into_iter().map(|(number, hours)| NumberHoursView::new(number, Some(hours))));
    Ok(Json(BusinessHoursListView::new(items)))
}

pub(crate) async fn put(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(number): Path<String>,
    ApiJson(hours): ApiJson<BusinessHours>,
) -> Result<Json<NumberHoursView>, ApiError> {
    admin_and_number(&session, &number)?;
    let invalid = |message: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message);
    hours.validate().map_err(|e| invalid(e.to_string()))?;
    let audit = AuditEntry {
        at: state.clock.now(),
        actor: session.email.clone(),
        action: "business_hours".to_owned(),
        contact: None,
        detail: serde_json::json!({"number": number, "time_zone": hours.time_zone}).to_string(),
    };
    state.hours().save_hours(&number, &hours, &audit).await?;
    tracing::info!(time_zone = %hours.time_zone, "business hours saved");
    Ok(Json(NumberHoursView::new(number, Some(hours))))
}

pub(crate) async fn clear(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(number): Path<String>,
) -> Result<Json<NumberHoursView>, ApiError> {
    admin_and_number(&session, &number)?;
    let audit = AuditEntry {
        at: state.clock.now(),
        actor: session.email.clone(),
        action: "business_hours_cleared".to_owned(),
        contact: None,
        detail: serde_json::json!({"number": number}).to_string(),
    };
    state.hours().clear_hours(&number, &audit).await?;
    tracing::info!("business hours cleared");
    Ok(Json(NumberHoursView::new(number, None)))
}
