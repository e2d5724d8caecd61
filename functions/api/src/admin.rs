//! What administrators watch: the dead-letter queues.

use crate::session::Staff;
use crate::views::{DeadLetterQueueView, PageView};
use crate::{ApiError, ApiState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use parley::domain::Role;
use std::sync::Arc;

/// How many messages of each queue are shown.
const PEEK: usize = 5;

pub(crate) async fn dead_letters(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
) -> Result<Json<PageView<DeadLetterQueueView>>, ApiError> {
    if session.role != Role::Admin {
        return Err(ApiError::forbidden("only administrators see the dead-letter queues"));
    }
    let queues = state.dead_letters.dead_letters(PEEK).await.map_err(|e| {
        tracing::error!(error = %e, "dead-letter queues unreadable");
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the queues are unavailable; retry later")
    })?;
    Ok(Json(PageView::whole(queues.into_iter().map(DeadLetterQueueView::from).collect())))
}
