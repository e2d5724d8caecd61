//! What administrators watch: the deployment's health and the dead-letter
//! queues, with their redrive.

use crate::session::Staff;
use crate::views::{DeadLetterQueueView, HealthView, PageView, RedrivenView};
use crate::{ApiError, ApiState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use parley::app::health::RedriveError;
use parley::domain::{Role, Session};
use std::sync::Arc;

fn admins_only(session: &Session, what: &str) -> Result<(), ApiError> {
    if session.role == Role::Admin {
        Ok(())
    } else {
        Err(ApiError::forbidden(&format!("only administrators {what}")))
    }
}

fn queues_unavailable(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "dead-letter queues unreadable");
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the queues are unavailable; retry later")
}

pub(crate) async fn dead_letters(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
) -> Result<Json<PageView<DeadLetterQueueView>>, ApiError> {
    admins_only(&session, "see the dead-letter queues")?;
    let queues = state.health().queues().await.map_err(queues_unavailable)?;
    Ok(Json(PageView::whole(queues.into_iter().map(DeadLetterQueueView::from).collect())))
}

pub(crate) async fn health(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
) -> Result<Json<HealthView>, ApiError> {
    admins_only(&session, "see the deployment's health")?;
    Ok(Json(HealthView::from(state.health().report().await)))
}

pub(crate) async fn redrive(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(queue): Path<String>,
) -> Result<Json<RedrivenView>, ApiError> {
    admins_only(&session, "redrive the dead-letter queues")?;
    match state.health().redrive(&session, state.clock.now(), &queue).await {
        Ok(moved) => Ok(Json(RedrivenView { queue, moved })),
        Err(RedriveError::UnknownQueue(_)) => Err(ApiError::not_found("dead-letter queue")),
        Err(RedriveError::Queue(e)) => Err(queues_unavailable(e)),
        Err(RedriveError::Store(e)) => Err(e.into()),
    }
}
