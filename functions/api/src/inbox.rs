//! Ownership, status, queues and the audit log.

use crate::contacts::{contact_id, PageQuery};
use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{ContactView, PageView};
use crate::{ApiError, ApiState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use parley::domain::AuditEntry;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Deserialize)]
pub(crate) struct AssignBody {
    owner: Option<String>,
}

pub(crate) async fn assign(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AssignBody>,
) -> Result<Json<ContactView>, ApiError> {
    let contact = state.inbox.assign(&session, &contact_id(&id)?, body.owner).await?;
    Ok(Json(ContactView::new(contact, state.clock.now(), state.inbox.settings().sla_minutes)))
}

pub(crate) async fn close(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<ContactView>, ApiError> {
    let contact = state.inbox.close(&session, &contact_id(&id)?, true).await?;
    Ok(Json(ContactView::new(contact, state.clock.now(), state.inbox.settings().sla_minutes)))
}

pub(crate) async fn reopen(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<ContactView>, ApiError> {
    let contact = state.inbox.close(&session, &contact_id(&id)?, false).await?;
    Ok(Json(ContactView::new(contact, state.clock.now(), state.inbox.settings().sla_minutes)))
}

#[derive(Deserialize)]
pub(crate) struct QueueQuery {
    queue: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
    owner: Option<String>,
    tag: Option<String>,
    number: Option<String>,
}

pub(crate) async fn queue(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Query(q): Query<QueueQuery>,
) -> Result<Json<PageView<ContactView>>, ApiError> {
    let name = q.queue.as_deref().unwrap_or("mine");
    let filter = crate::list_filter::FilterParams { owner: q.owner, tag: q.tag, number: q.number }.parse()?;
    let page = PageQuery { cursor: q.cursor, limit: q.limit };
    let contacts = state.inbox.queue(&session, name, &filter, &page.into()).await?;
    Ok(Json(crate::read_markers::page_with_unread(&state, &session, contacts).await?))
}

#[derive(Deserialize)]
pub(crate) struct AuditQuery {
    contact: Option<String>,
    day: Option<String>,
    cursor: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct AuditView {
    at: String,
    actor: String,
    action: String,
    contact_id: Option<String>,
    detail: serde_json::Value,
}

impl From<AuditEntry> for AuditView {
    fn from(e: AuditEntry) -> Self {
        AuditView {
            at: e.at.to_rfc3339(),
            actor: e.actor,
            action: e.action,
            contact_id: e.contact.map(|c| c.to_string()),
            detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
        }
    }
}

pub(crate) async fn audit(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Query(q): Query<AuditQuery>,
) -> Result<Json<PageView<AuditView>>, ApiError> {
    let page = parley::ports::PageRequest { cursor: q.cursor, limit: None };
    let entries = match (q.contact, q.day) {
        (Some(contact), _) => state.inbox.audit_for_contact(&session, &contact_id(&contact)?, &page).await?,
        (None, Some(day)) if is_day(&day) => state.inbox.audit_for_day(&session, &day, &page).await?,
        _ => return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "pass ?contact=ID or ?day=YYYY-MM-DD")),
    };
    Ok(Json(PageView::from_page(entries, AuditView::from)))
}

fn is_day(text: &str) -> bool {
    text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() })
}
