//! Contacts and their timelines.

use crate::session::Staff;
use crate::views::{ContactView, MessageView, PageView};
use crate::{ApiError, ApiState};
use axum::extract::{Path, Query, State};
use axum::Json;
use parley::domain::ContactId;
use parley::ports::PageRequest;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
pub(crate) struct PageQuery {
    pub(crate) cursor: Option<String>,
    pub(crate) limit: Option<u32>,
}

impl From<PageQuery> for PageRequest {
    fn from(q: PageQuery) -> Self {
        PageRequest { cursor: q.cursor, limit: q.limit }
    }
}

pub(crate) fn contact_id(text: &str) -> Result<ContactId, ApiError> {
    ContactId::parse(text).ok_or_else(|| ApiError::not_found("contact"))
}

pub(crate) async fn list(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Query(page): Query<PageQuery>,
) -> Result<Json<PageView<ContactView>>, ApiError> {
    let visible_to = state.inbox.visibility_filter(&session);
    let page = state.store.list_contacts(&page.into(), visible_to.as_deref()).await?;
    let (now, sla) = (state.clock.now(), state.inbox.settings().sla_minutes);
    Ok(Json(PageView::from_page(page, |c| ContactView::new(c, now, sla))))
}

pub(crate) async fn one(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<ContactView>, ApiError> {
    let contact = state.inbox.visible_contact(&session, &contact_id(&id)?).await?;
    Ok(Json(ContactView::new(contact, state.clock.now(), state.inbox.settings().sla_minutes)))
}

pub(crate) async fn messages(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    Query(page): Query<PageQuery>,
) -> Result<Json<PageView<MessageView>>, ApiError> {
    let contact = state.inbox.visible_contact(&session, &contact_id(&id)?).await?;
    let page = state.store.timeline(&contact.id, &page.into()).await?;
    Ok(Json(PageView::from_page(page, MessageView::from)))
}
