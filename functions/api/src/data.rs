//! Export jobs, erasure, merging.

use crate::contacts::contact_id;
use crate::inbox::AuditView;
use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{ContactView, MessageView, TaskView};
use crate::{ApiError, ApiState};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use parley::app::data_ownership::DataError;
use parley::app::exports::{ExportError, ExportView, LINK_SECONDS};
use parley::domain::export::{ExportFormat, ExportKind};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
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

#[derive(Deserialize)]
pub(crate) struct ExportBody {
    what: String,
    format: Option<String>,
}

/// An export job as the API shows it.
#[derive(Serialize)]
pub(crate) struct ExportJobView {
    id: String,
    what: &'static str,
    format: &'static str,
    status: &'static str,
    rows: Option<u64>,
    requested_by: String,
    requested_at: String,
    finished_at: Option<String>,
    download_url: Option<String>,
    download_expires_in_seconds: Option<u64>,
}

impl From<ExportView> for ExportJobView {
    fn from(view: ExportView) -> Self {
        let job = view.job;
        ExportJobView {
            id: job.id,
            what: job.kind.as_str(),
            format: job.format.as_str(),
            status: job.status.as_str(),
            rows: job.rows,
            requested_by: job.requested_by,
            requested_at: job.requested_at.to_rfc3339(),
            finished_at: job.finished_at.map(|f| f.to_rfc3339()),
            download_expires_in_seconds: view.download_url.as_ref().map(|_| LINK_SECONDS),
            download_url: view.download_url,
        }
    }
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
    let job = state.exports.request(&session, kind, format).await?;
    Ok((StatusCode::ACCEPTED, Json(ExportView { job, download_url: None }.into())))
}

pub(crate) async fn export_status(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<ExportJobView>, ApiError> {
    Ok(Json(state.exports.status(&session, &id).await?.into()))
}

pub(crate) async fn erase(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let removed = state.data.erase(&session, &contact_id(&id)?).await?;
    Ok(Json(json!({"id": id, "erased": true, "removed_items": removed})))
}

pub(crate) async fn export_contact(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let dossier = state.contact_export.export(&session, &contact_id(&id)?).await?;
    let now = state.clock.now();
    let body = json!({
        "exported_at": now.to_rfc3339(),
        "contact": ContactView::new(dossier.contact, now, state.inbox.settings().sla_minutes),
        "messages": dossier.messages.into_iter().map(MessageView::from).collect::<Vec<_>>(),
        "notes": dossier.notes.iter().map(crate::contacts::note_view).collect::<Vec<_>>(),
        "deals": dossier.deals.iter().map(crate::deals::view).collect::<Vec<_>>(),
        "tasks": dossier.tasks.into_iter().map(TaskView::from).collect::<Vec<_>>(),
        "audit": dossier.audit.into_iter().map(AuditView::from).collect::<Vec<_>>(),
    });
    // The id is a keyed hash (no personal data), safe in a file name.
    let disposition = format!("attachment; filename=\"contact-{id}.json\"");
    Ok(([(header::CONTENT_DISPOSITION, disposition)], Json(body)))
}

#[derive(Deserialize)]
pub(crate) struct MergeBody {
    from: String,
}

pub(crate) async fn merge(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MergeBody>,
) -> Result<Json<ContactView>, ApiError> {
    let contact = state.data.merge(&session, &contact_id(&id)?, &contact_id(&body.from)?).await?;
    Ok(Json(ContactView::new(contact, state.clock.now(), state.inbox.settings().sla_minutes)))
}
