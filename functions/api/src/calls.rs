//! `POST /api/contacts/{id}/calls`: the dialer flow. Staff tap the number
//! (a `tel:` link), call, then log how it went: the outcome, their notes,
//! and when to call again, which becomes their follow-up.

use crate::json_body::ApiJson;
use crate::views::{CallLoggedView, NoteView};
use crate::visible_contact::VisibleContact;
use crate::{ApiError, ApiState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use parley::app::tasks::NewTask;
use parley::domain::logged_call::{CallOutcome, LoggedCall};
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "NewCallLog")]
pub(crate) struct CallLogBody {
    outcome: CallOutcome,
    /// How long they talked (a connected call only).
    #[serde(default)]
    duration_seconds: Option<u32>,
    /// What was said or agreed.
    #[serde(default)]
    notes: String,
    /// When to call again (RFC 3339): a follow-up for the caller.
    #[serde(default)]
    follow_up_at: Option<String>,
}

pub(crate) async fn log_call(
    State(state): State<Arc<ApiState>>,
    VisibleContact { session, contact }: VisibleContact,
    ApiJson(body): ApiJson<CallLogBody>,
) -> Result<(StatusCode, Json<CallLoggedView>), ApiError> {
    // Checked before anything is written, so a bad date stores no call.
    let follow_up_at = body.follow_up_at.as_deref().map(crate::tasks::due_at).transpose()?;
    let call = LoggedCall { outcome: body.outcome, duration_seconds: body.duration_seconds };
    let note = parley::app::notes::logged_call(&session.email, call, &body.notes, state.clock.now())
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string()))?;
    state.records().add_note(&contact.id, &note).await?;
    let follow_up = match follow_up_at {
        Some(due_at) => {
            let name = contact.shown_name().unwrap_or("the customer");
            let new = NewTask {
                title: format!("Call {name} again"),
                due_at,
                owner: None,
                contact_id: Some(contact.id.clone()),
                deal_id: None,
                cancel_on_reply: false,
                template: None,
            };
            Some(state.tasks().create(&session, new).await?.into())
        }
        None => None,
    };
    Ok((StatusCode::CREATED, Json(CallLoggedView { note: NoteView::from(note), follow_up })))
}
