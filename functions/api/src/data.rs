//! Export, erase, merge.

use crate::contacts::contact_id;
use crate::session::Staff;
use crate::views::ContactView;
use crate::{ApiError, ApiState};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use parley::app::data_ownership::{DataError, Format};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

impl From<DataError> for ApiError {
    fn from(e: DataError) -> Self {
        match e {
            DataError::Forbidden(_) => ApiError::forbidden(&e.to_string()),
            DataError::NotFound => ApiError::not_found("contact"),
            DataError::SameContact => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string()),
            DataError::Deals(d) => d.into(),
            DataError::Store(s) => s.into(),
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct ExportQuery {
    format: Option<String>,
}

pub(crate) async fn export(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(what): Path<String>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let format = match q.format.as_deref().unwrap_or("json") {
        "csv" => Format::Csv,
        "json" => Format::Json,
        _ => return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "format must be csv or json")),
    };
    let body = match what.as_str() {
        "contacts" => state.data.export_contacts(&session, format).await?,
        "conversations" => state.data.export_conversations(&session, format).await?,
        "deals" => state.data.export_deals(&session, &state.deals, format).await?,
        _ => return Err(ApiError::not_found("export")),
    };
    let (content_type, extension) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::Json => ("application/json", "json"),
    };
    let disposition = format!("attachment; filename=\"parley-{what}.{extension}\"");
    Ok(([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response())
}

pub(crate) async fn erase(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let removed = state.data.erase(&session, &contact_id(&id)?).await?;
    Ok(Json(json!({"id": id, "erased": true, "removed_items": removed})))
}

#[derive(Deserialize)]
pub(crate) struct MergeBody {
    from: String,
}

pub(crate) async fn merge(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    body: Result<Json<MergeBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<ContactView>, ApiError> {
    let Json(body) = body?;
    let contact = state.data.merge(&session, &contact_id(&id)?, &contact_id(&body.from)?).await?;
    Ok(Json(ContactView::new(contact, state.clock.now(), state.inbox.settings().sla_minutes)))
}
