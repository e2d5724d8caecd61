//! `GET /api/changes`: what changed since the caller's cursor, for the web
//! app's live updates (see `parley::app::live_feed`).

use crate::contacts::contact_id;
use crate::read_markers::rows_with_unread;
use crate::session::Staff;
use crate::views::{ContactView, MessageView};
use crate::{ApiError, ApiState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use parley::app::live_feed::{Changes, LiveFeedError, QueueCount};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Deserialize, JsonSchema)]
pub(crate) struct ChangesQuery {
    /// The cursor of the previous answer; none on the first call.
    since: Option<String>,
    /// The conversation on screen, if any.
    contact: Option<String>,
}

/// What changed: only what the cursor had not shown yet.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Changes")]
pub(crate) struct ChangesView {
    cursor: String,
    contact: Option<ContactView>,
    messages: Vec<MessageView>,
    notes_changed: bool,
    contacts: Vec<ContactView>,
    counts: Option<BTreeMap<&'static str, CountView>>,
    /// The caller's unread notifications, so the bell stays fresh with no other request.
    unread_notifications: u64,
}

/// A queue's count; `more` when it stopped counting at the cap.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "QueueCount")]
pub(crate) struct CountView {
    n: usize,
    more: bool,
}

impl From<LiveFeedError> for ApiError {
    fn from(e: LiveFeedError) -> Self {
        match e {
            LiveFeedError::BadCursor(bad) => ApiError::new(StatusCode::BAD_REQUEST, "bad_cursor", bad.to_string()),
            LiveFeedError::Inbox(e) => e.into(),
        }
    }
}

pub(crate) async fn changes(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Query(q): Query<ChangesQuery>,
) -> Result<Json<ChangesView>, ApiError> {
    let open = q.contact.as_deref().filter(|c| !c.is_empty()).map(contact_id).transpose()?;
    let since = q.since.as_deref().filter(|c| !c.is_empty());
    let Changes { cursor, contact, messages, notes_changed, rows, counts } =
        state.live().since(&session, since, open.as_ref()).await?;
    let (now, sla) = (state.clock.now(), state.inbox_settings().sla_minutes);
    let count = |c: QueueCount| (c.queue, CountView { n: c.shown, more: c.more });
    // Moved rows replace the client's: they say whether they are unread, as
    // the list's do (one more read, and only when a row moved).
    let unread_notifications = state.notifications().unread_count(&session.email).await?;
    let contacts = if rows.is_empty() { Vec::new() } else { rows_with_unread(&state, &session, rows).await? };
    Ok(Json(ChangesView {
        cursor,
        contact: contact.map(|c| ContactView::new(c, now, sla)),
        messages: linked(&state, messages).await,
        notes_changed,
        contacts,
        counts: counts.map(|counts| counts.into_iter().map(count).collect()),
        unread_notifications,
    }))
}

/// New messages with links to their files (the contact is one the caller may see).
async fn linked(state: &ApiState, messages: Vec<parley::domain::Message>) -> Vec<MessageView> {
    let mut views = Vec::with_capacity(messages.len());
    for message in messages {
        views.push(MessageView::linked(message, state.media().as_ref()).await);
    }
    views
}
