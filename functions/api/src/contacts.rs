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
    cursor: Option<String>,
    limit: Option<u32>,
}

impl From<PageQuery> for PageRequest {
    fn from(q: PageQuery) -> Self {
        PageRequest { cursor: q.cursor, limit: q.limit }
    }
}

fn contact_id(text: &str) -> Result<ContactId, ApiError> {
    ContactId::parse(text).ok_or_else(|| ApiError::not_found("contact"))
}

pub(crate) async fn list(
    State(state): State<Arc<ApiState>>,
    _staff: Staff,
    Query(page): Query<PageQuery>,
) -> Result<Json<PageView<ContactView>>, ApiError> {
    let page = state.store.list_contacts(&page.into()).await?;
    let now = state.clock.now();
    Ok(Json(PageView::from_page(page, |c| ContactView::new(c, now))))
}

pub(crate) async fn one(
    State(state): State<Arc<ApiState>>,
    _staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<ContactView>, ApiError> {
    let contact = state.store.contact(&contact_id(&id)?).await?.ok_or_else(|| ApiError::not_found("contact"))?;
    Ok(Json(ContactView::new(contact, state.clock.now())))
}

pub(crate) async fn messages(
    State(state): State<Arc<ApiState>>,
    _staff: Staff,
    Path(id): Path<String>,
    Query(page): Query<PageQuery>,
) -> Result<Json<PageView<MessageView>>, ApiError> {
    let page = state.store.timeline(&contact_id(&id)?, &page.into()).await?;
    Ok(Json(PageView::from_page(page, MessageView::from)))
}
