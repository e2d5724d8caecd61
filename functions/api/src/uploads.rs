//! `POST /api/contacts/{id}/uploads`: a presigned PUT for a file staff
//! attach in the composer.

use crate::contacts::contact_id;
use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::UploadView;
use crate::{ApiError, ApiState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use parley::app::media_upload::UploadError;
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

/// The file the browser is about to upload, as the browser sees it (the
/// send checks the uploaded object itself).
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "UploadRequest")]
pub(crate) struct UploadBody {
    mime_type: String,
    size: u64,
    #[serde(default)]
    filename: Option<String>,
}

pub(crate) async fn create(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UploadBody>,
) -> Result<(StatusCode, Json<UploadView>), ApiError> {
    let contact = state.inbox().visible_contact(&session, &contact_id(&id)?).await?.id;
    let prepared =
        state.uploads().prepare(&contact, &body.mime_type, body.size, body.filename.as_deref()).await.map_err(|e| {
            match e {
                UploadError::Refused(r) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, r.code(), r.to_string()),
                UploadError::Bucket(f) => {
                    tracing::error!(error = %f, "could not sign an upload link");
                    ApiError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "bucket_unavailable",
                        "the upload could not be prepared; try again",
                    )
                }
            }
        })?;
    Ok((StatusCode::CREATED, Json(prepared.into())))
}
