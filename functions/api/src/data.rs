//! Export jobs, erasure, merging.

use crate::contacts::contact_id;
use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{ContactExportView, ContactView, ErasedView, ExportJobView};
use crate::{ApiError, ApiState};
use axum::extract::{Path, State};
use axum::http::{header, HeaderName, StatusCode};
use axum::Json;
use parley::app::data_ownership::DataError;
use parley::app::exports::{ExportError, ExportView};
use parley::domain::export::{ExportFormat, ExportKind};
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

impl From<DataError> for ApiError {
    fn from(e: DataError) -> Self {
        match e {
            DataError::Forbidden(_) => ApiError::forbidden(&e.to_string()),
            DataError::NotFound => ApiError::not_found("contact"),
            DataError::SameContact => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string()),
            DataError::Store(s) => s.into(),
        }
    }
}

impl From<ExportError> for ApiError {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Forbidden => ApiError::forbidden(&e.to_string()),
            ExportError::NotFound => ApiError::not_found("export"),
            ExportError::Store(s) => s.into(),
            ExportError::Queue(_) | ExportError::File(_) => {
                tracing::error!(error = %e, "export backend failed");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "exports are unavailable; retry later")
            }
        }
    }
}

/// What to export, and as what (`csv` unless said).
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "NewExport")]
pub(crate) struct ExportBody {
    #[schemars(extend("enum" = ["contacts", "conversations", "deals"]))]
    what: String,
    #[schemars(extend("enum" = ["csv", "json", null]))]
    format: Option<String>,
}

pub(crate) async fn start_export(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    ApiJson(body): ApiJson<ExportBody>,
) -> Result<(StatusCode, Json<ExportJobView>), ApiError> {
    let kind = ExportKind::parse(&body.what).ok_or_else(|| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "what is contacts, conversations or deals")
    })?;
    let format = ExportFormat::parse(body.format.as_deref().unwrap_or("csv"))
        .ok_or_else(|| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "format is csv or json"))?;
    let job = state.exports().request(&session, kind, format).await?;
    Ok((StatusCode::ACCEPTED, Json(ExportView { job, download_url: None }.into())))
}

pub(crate) async fn export_status(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<ExportJobView>, ApiError> {
    Ok(Json(state.exports().status(&session, &id).await?.into()))
}

pub(crate) async fn erase(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<ErasedView>, ApiError> {
    let removed = state.data().erase(&session, &contact_id(&id)?).await?;
    Ok(Json(ErasedView::new(id, removed)))
}

pub(crate) async fn export_contact(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<([(HeaderName, String); 1], Json<ContactExportView>), ApiError> {
    let dossier = state.contact_export().export(&session, &contact_id(&id)?).await?;
    let body = ContactExportView::new(dossier, state.clock.now(), state.inbox_settings().sla_minutes);
    // The id is a keyed hash (no personal data), safe in a file name.
    let disposition = format!("attachment; filename=\"contact-{id}.json\"");
    Ok(([(header::CONTENT_DISPOSITION, disposition)], Json(body)))
}

/// The contact merged into this one (and then gone).
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "Merge")]
pub(crate) struct MergeBody {
    from: String,
}

pub(crate) async fn merge(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MergeBody>,
) -> Result<Json<ContactView>, ApiError> {
    let contact = state.data().merge(&session, &contact_id(&id)?, &contact_id(&body.from)?).await?;
    Ok(Json(ContactView::new(contact, state.clock.now(), state.inbox_settings().sla_minutes)))
}
