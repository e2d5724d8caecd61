//! Unread markers per person: opening a conversation marks it read (and,
//! unless switched off, tells the customer's phone); lists say per row
//! whether it is unread for the caller. Typing shows "typing…" to the
//! customer.

use crate::json_body::ApiJson;
use crate::views::{ContactView, PageView, ReadMarkerView, TypingView};
use crate::visible_contact::VisibleContact;
use crate::{ApiError, ApiState};
use axum::extract::State;
use axum::Json;
use parley::domain::chat_signal::ChatSignal;
use parley::domain::read_marker::is_unread;
use parley::domain::{Contact, Millis, Session};
use parley::ports::Page;
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

/// How far the caller has read (`{}`: everything that has arrived).
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "ReadThrough")]
pub(crate) struct ReadBody {
    /// The time of the newest message the reader saw (RFC 3339); default:
    /// the contact's latest inbound message.
    #[serde(default)]
    through: Option<String>,
}

pub(crate) async fn mark_read(
    State(state): State<Arc<ApiState>>,
    VisibleContact { session, contact }: VisibleContact,
    ApiJson(body): ApiJson<ReadBody>,
) -> Result<Json<ReadMarkerView>, ApiError> {
    let asked = match body.through {
        Some(text) => Some(Millis::parse_rfc3339(&text).ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "through must be an RFC 3339 time such as 2026-01-31T09:30:00Z",
            )
        })?),
        None => None,
    };
    // Nobody reads past what has arrived.
    let through = match (asked, contact.last_inbound_at) {
        (Some(asked), Some(latest)) => Some(asked.min(latest)),
        (None, latest) => latest,
        (Some(_), None) => None,
    };
    if let Some(through) = through {
        state.read_markers().mark_read(&contact.id, &session.email, through).await?;
    }
    let marks = state.read_markers().read_through(&session.email, std::slice::from_ref(&contact.id)).await?;
    let read_through = marks.get(&contact.id).copied();
    let receipt = state.chat_signals().signal(ChatSignal::Read, &contact).await?;
    let unread = is_unread(contact.last_inbound_at, read_through);
    Ok(Json(ReadMarkerView::new(&contact.id, read_through, unread, receipt.as_str())))
}

/// Staff are typing an answer: the customer sees "typing…".
pub(crate) async fn typing(
    State(state): State<Arc<ApiState>>,
    VisibleContact { contact, .. }: VisibleContact,
) -> Result<Json<TypingView>, ApiError> {
    let shown = state.chat_signals().signal(ChatSignal::Typing, &contact).await?;
    Ok(Json(TypingView { indicator: shown.as_str() }))
}

/// A page of contacts as the caller sees it, each row saying whether it is
/// unread for them (see [`rows_with_unread`]).
pub(crate) async fn page_with_unread(
    state: &ApiState,
    session: &Session,
    page: Page<Contact>,
) -> Result<PageView<ContactView>, ApiError> {
    let next_cursor = page.next_cursor;
    let items = rows_with_unread(state, session, page.items).await?;
    Ok(PageView::from_page(Page { items, next_cursor }, |row| row))
}

/// List rows as the caller sees them, each saying whether it is unread for
/// them: one BatchGetItem for up to 100 rows that have inbound messages
/// (rows without any are never unread and are not asked).
pub(crate) async fn rows_with_unread(
    state: &ApiState,
    session: &Session,
    rows: Vec<Contact>,
) -> Result<Vec<ContactView>, ApiError> {
    let asked: Vec<_> = rows.iter().filter(|c| c.last_inbound_at.is_some()).map(|c| c.id.clone()).collect();
    let marks = if asked.is_empty() {
        Default::default()
    } else {
        state.read_markers().read_through(&session.email, &asked).await?
    };
    let (now, sla) = (state.clock.now(), state.inbox_settings().sla_minutes);
    Ok(rows
        .into_iter()
        .map(|c| {
            let unread = is_unread(c.last_inbound_at, marks.get(&c.id).copied());
            ContactView::new(c, now, sla).with_unread(unread)
        })
        .collect())
}
