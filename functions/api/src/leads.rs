//! Leads in: `POST /leads/{source}` (the source's secret, no session), and
//! the sources managers configure.

use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{FlowFormView, LeadReceivedView, LeadSourceView, PageView};
use crate::{ApiError, ApiState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use parley::app::lead_intake::{Credentials, LeadError};
use parley::app::lead_sources::LeadSourceError;
use parley::domain::lead_source::LeadSource;
use std::sync::Arc;

impl From<LeadError> for ApiError {
    fn from(e: LeadError) -> Self {
        match e {
            LeadError::Unauthorized => ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", e.to_string()),
            LeadError::NotALead(problem) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_lead", problem.to_string())
            }
            LeadError::Invalid(why) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_lead", why),
            LeadError::Store(s) => s.into(),
        }
    }
}

impl From<LeadSourceError> for ApiError {
    fn from(e: LeadSourceError) -> Self {
        match e {
            LeadSourceError::Forbidden => ApiError::forbidden("only managers and administrators manage lead sources"),
            LeadSourceError::Invalid(why) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", why),
            LeadSourceError::Exists => ApiError::new(StatusCode::CONFLICT, "exists", e.to_string()),
            LeadSourceError::NotFound => ApiError::not_found("lead source"),
            LeadSourceError::Store(s) => s.into(),
        }
    }
}

/// 201 with the new contact and deal; 200 when the lead id came before.
pub(crate) async fn receive(
    State(state): State<Arc<ApiState>>,
    Path(source): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<LeadReceivedView>), ApiError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let credentials = Credentials {
        signature: header("parley-signature"),
        bearer: header("authorization").and_then(|a| a.strip_prefix("Bearer ").map(|t| t.trim().to_owned())),
    };
    let outcome = state.lead_intake().receive(&source, &credentials, &body).await?;
    let status = if outcome.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(LeadReceivedView::new(outcome))))
}

pub(crate) async fn list(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
) -> Result<Json<PageView<LeadSourceView>>, ApiError> {
    let sources = state.lead_sources().list(&session).await?;
    Ok(Json(PageView::whole(sources.into_iter().map(LeadSourceView::listed).collect())))
}

/// The forms anyone on the team can send from the composer.
pub(crate) async fn forms(
    State(state): State<Arc<ApiState>>,
    Staff(_session): Staff,
) -> Result<Json<PageView<FlowFormView>>, ApiError> {
    let forms = state.lead_sources().forms().await?;
    let views = forms
        .into_iter()
        .filter_map(|source| Some(FlowFormView { flow: source.flow?, source: source.id, name: source.name }))
        .collect();
    Ok(Json(PageView::whole(views)))
}

pub(crate) async fn save(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(source): ApiJson<LeadSource>,
) -> Result<Json<LeadSourceView>, ApiError> {
    if source.id != id {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "the body's id is not the path's"));
    }
    let stored = state.lead_sources().save(&session, source, false).await?;
    tracing::info!(source = %stored.source.id, "lead source saved");
    Ok(Json(LeadSourceView::new(stored)))
}

pub(crate) async fn rotate(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<LeadSourceView>, ApiError> {
    let current = state.lead_sources().list(&session).await?.into_iter().find(|s| s.stored.source.id == id);
    let current = current.ok_or_else(|| ApiError::not_found("lead source"))?;
    let stored = state.lead_sources().save(&session, current.stored.source, true).await?;
    tracing::info!(source = %stored.source.id, "lead source secret rotated");
    Ok(Json(LeadSourceView::new(stored)))
}

pub(crate) async fn delete(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.lead_sources().delete(&session, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
