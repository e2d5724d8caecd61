//! Ownership, status, queues and the audit log.

use crate::contacts::{contact_id, PageQuery};
use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{AuditEntryView, ContactView, PageView};
use crate::{ApiError, ApiState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

/// The new owner's e-mail; `null` unassigns.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "Assignment")]
pub(crate) struct AssignBody {
    owner: Option<String>,
}

pub(crate) async fn assign(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AssignBody>,
) -> Result<Json<ContactView>, ApiError> {
    let contact = state.inbox().assign(&session, &contact_id(&id)?, body.owner).await?;
    Ok(Json(ContactView::new(contact, state.clock.now(), state.inbox_settings().sla_minutes)))
}

pub(crate) async fn close(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<ContactView>, ApiError> {
    let contact = state.inbox().close(&session, &contact_id(&id)?, true).await?;
    Ok(Json(ContactView::new(contact, state.clock.now(), state.inbox_settings().sla_minutes)))
}

pub(crate) async fn reopen(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<ContactView>, ApiError> {
    let contact = state.inbox().close(&session, &contact_id(&id)?, false).await?;
    Ok(Json(ContactView::new(contact, state.clock.now(), state.inbox_settings().sla_minutes)))
}

#[derive(Deserialize, JsonSchema)]
pub(crate) struct QueueQuery {
    /// Which queue; `mine` unless said.
    #[schemars(extend("enum" = ["unassigned", "mine", "waiting_on_us", "waiting_on_customer", "overdue", "open", "closed", null]))]
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
    let contacts = state.inbox().queue(&session, name, &filter, &page.into()).await?;
    Ok(Json(crate::read_markers::page_with_unread(&state, &session, contacts).await?))
}

/// One of `contact` or `day`.
#[derive(Deserialize, JsonSchema)]
pub(crate) struct AuditQuery {
    /// A contact id.
    contact: Option<String>,
    /// A day, `YYYY-MM-DD`.
    day: Option<String>,
    cursor: Option<String>,
}

pub(crate) async fn audit(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Query(q): Query<AuditQuery>,
) -> Result<Json<PageView<AuditEntryView>>, ApiError> {
    let page = parley::ports::PageRequest { cursor: q.cursor, limit: None };
    let entries = match (q.contact, q.day) {
        (Some(contact), _) => state.inbox().audit_for_contact(&session, &contact_id(&contact)?, &page).await?,
        (None, Some(day)) if is_day(&day) => state.inbox().audit_for_day(&session, &day, &page).await?,
        _ => return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "pass ?contact=ID or ?day=YYYY-MM-DD")),
    };
    Ok(Json(PageView::from_page(entries, AuditEntryView::from)))
}

fn is_day(text: &str) -> bool {
    text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() })
}
