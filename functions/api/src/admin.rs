//! What administrators watch: the dead-letter queues.

use crate::session::Staff;
use crate::{ApiError, ApiState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use parley::domain::Role;
use serde::Serialize;
use std::sync::Arc;

/// How many messages of each queue are shown.
const PEEK: usize = 5;

#[derive(Serialize)]
pub(crate) struct DeadLetterQueueView {
    queue: String,
    approximate_depth: u64,
    first: Vec<DeadLetterView>,
}

#[derive(Serialize)]
pub(crate) struct DeadLetterView {
    sqs_message_id: String,
    refers_to: std::collections::BTreeMap<String, String>,
}

#[derive(Serialize)]
pub(crate) struct DeadLettersView {
    items: Vec<DeadLetterQueueView>,
    next_cursor: Option<String>,
}

pub(crate) async fn dead_letters(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
) -> Result<Json<DeadLettersView>, ApiError> {
    if session.role != Role::Admin {
        return Err(ApiError::forbidden("only administrators see the dead-letter queues"));
    }
    let queues = state.dead_letters.dead_letters(PEEK).await.map_err(|e| {
        tracing::error!(error = %e, "dead-letter queues unreadable");
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the queues are unavailable; retry later")
    })?;
    let items = queues
        .into_iter()
        .map(|q| DeadLetterQueueView {
            queue: q.queue,
            approximate_depth: q.approximate_depth,
            first: q
                .first
                .into_iter()
                .map(|m| DeadLetterView { sqs_message_id: m.message_id, refers_to: m.refers_to.into_iter().collect() })
                .collect(),
        })
        .collect();
    Ok(Json(DeadLettersView { items, next_cursor: None }))
}
