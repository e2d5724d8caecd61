//! The caller's notifications: the bell's list, and marking them read.

use crate::contacts::PageQuery;
use crate::session::Staff;
use crate::views::{NotificationsReadView, NotificationsView};
use crate::{ApiError, ApiState};
use axum::extract::{Path, Query, State};
use axum::Json;
use std::sync::Arc;

pub(crate) async fn list(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Query(q): Query<PageQuery>,
) -> Result<Json<NotificationsView>, ApiError> {
    let page = state.notifications().notifications(&session.email, &q.into()).await?;
    let unread = state.notifications().unread_count(&session.email).await?;
    Ok(Json(NotificationsView::new(page.items, page.next_cursor, unread)))
}

pub(crate) async fn read(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<NotificationsReadView>, ApiError> {
    // Another person's id is simply not found in the caller's own list.
    if !state.notifications().mark_read(&session.email, &id).await? {
        return Err(ApiError::not_found("notification"));
    }
    Ok(Json(NotificationsReadView::new(state.notifications().unread_count(&session.email).await?)))
}

pub(crate) async fn read_all(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
) -> Result<Json<NotificationsReadView>, ApiError> {
    state.notifications().mark_all_read(&session.email).await?;
    Ok(Json(NotificationsReadView::new(state.notifications().unread_count(&session.email).await?)))
}
