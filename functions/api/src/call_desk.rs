//! `POST /api/contacts/{id}/calls/{call_id}/…`: answering a customer's
//! WhatsApp call in the browser, declining it, hanging up. The browser
//! holds the media; these only signal Meta.

use crate::json_body::ApiJson;
use crate::views::{CallAnsweredView, CallEndedView};
use crate::visible_contact::VisibleContact;
use crate::{ApiError, ApiState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use parley::app::call_desk::CallDeskError;
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "CallAnswer")]
pub(crate) struct CallAnswerBody {
    /// The browser's SDP answer to the call's `offer_sdp`, with its ICE
    /// candidates gathered (Meta takes no trickled ones).
    sdp: String,
}

impl From<CallDeskError> for ApiError {
    fn from(e: CallDeskError) -> Self {
        let message = e.to_string();
        match e {
            CallDeskError::Taken { by } => {
                ApiError::new(StatusCode::CONFLICT, "call_taken", message).with_detail("answered_by", by.into())
            }
            CallDeskError::Over => ApiError::new(StatusCode::GONE, "call_over", message),
            CallDeskError::BadAnswer => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message),
            CallDeskError::Meta(_) => ApiError::new(StatusCode::BAD_GATEWAY, "meta_refused", message),
            CallDeskError::Store(e) => e.into(),
        }
    }
}

pub(crate) async fn answer(
    State(state): State<Arc<ApiState>>,
    VisibleContact { session, contact }: VisibleContact,
    Path((_, call_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<CallAnswerBody>,
) -> Result<Json<CallAnsweredView>, ApiError> {
    state.calls().answer(&contact, &call_id, &body.sdp, &session.email).await?;
    Ok(Json(CallAnsweredView { call_id, answered_by: session.email }))
}

pub(crate) async fn decline(
    State(state): State<Arc<ApiState>>,
    VisibleContact { contact, .. }: VisibleContact,
    Path((_, call_id)): Path<(String, String)>,
) -> Result<Json<CallEndedView>, ApiError> {
    state.calls().decline(&contact, &call_id).await?;
    Ok(Json(CallEndedView { call_id }))
}

pub(crate) async fn hang_up(
    State(state): State<Arc<ApiState>>,
    VisibleContact { contact, .. }: VisibleContact,
    Path((_, call_id)): Path<(String, String)>,
) -> Result<Json<CallEndedView>, ApiError> {
    state.calls().hang_up(&contact, &call_id).await?;
    Ok(Json(CallEndedView { call_id }))
}
