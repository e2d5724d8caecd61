//! Contact imports from CSV (managers and administrators): create (with the
//! upload link), preview, start with a mapping, and follow.

use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{ImportJobView, ImportPreviewView, PageView};
use crate::{ApiError, ApiState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use parley::app::contact_imports::{ImportChoice, ImportError};
use parley::domain::import_mapping::ImportTarget;
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

impl From<ImportError> for ApiError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Forbidden => ApiError::forbidden("only managers and administrators import contacts"),
            ImportError::NotFound => ApiError::not_found("import"),
            ImportError::NotUploaded => ApiError::new(StatusCode::CONFLICT, "not_uploaded", e.to_string()),
            ImportError::Started => ApiError::new(StatusCode::CONFLICT, "started", e.to_string()),
            ImportError::Invalid(why) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", why),
            ImportError::Files(f) => {
                tracing::error!(error = %f, "import file store unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "bucket_unavailable",
                    "the file store is unavailable; try again",
                )
            }
            ImportError::Store(s) => s.into(),
        }
    }
}

/// The file about to be uploaded.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "ImportCreate")]
pub(crate) struct CreateBody {
    filename: String,
    size: u64,
}

/// What each column is, the pipeline deals open in, and tags for every row.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "ImportStart")]
pub(crate) struct StartBody {
    /// One target per column: `""`, `name`, `phone`, `tags`, `owner`,
    /// `stage`, `value`, `consent` or `fields.<key>`.
    #[schemars(with = "Vec<String>")]
    mapping: Vec<ImportTarget>,
    #[serde(default)]
    pipeline: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

pub(crate) async fn create(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    ApiJson(body): ApiJson<CreateBody>,
) -> Result<(StatusCode, Json<ImportJobView>), ApiError> {
    let (job, link) = state.imports().create(&session, &body.filename, body.size).await?;
    tracing::info!(import = %job.id, "import created");
    Ok((StatusCode::CREATED, Json(ImportJobView::new(job, Some(link), None))))
}

pub(crate) async fn list(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
) -> Result<Json<PageView<ImportJobView>>, ApiError> {
    let mut views = Vec::new();
    for job in state.imports().list(&session).await? {
        let report = state.imports().report_link(&job).await?;
        views.push(ImportJobView::new(job, None, report));
    }
    Ok(Json(PageView::whole(views)))
}

pub(crate) async fn one(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<ImportJobView>, ApiError> {
    let job = state.imports().get(&session, &id).await?;
    let report = state.imports().report_link(&job).await?;
    Ok(Json(ImportJobView::new(job, None, report)))
}

pub(crate) async fn preview(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<ImportPreviewView>, ApiError> {
    Ok(Json(state.imports().preview(&session, &id).await?.into()))
}

pub(crate) async fn start(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StartBody>,
) -> Result<(StatusCode, Json<ImportJobView>), ApiError> {
    let choice = ImportChoice { mapping: body.mapping, pipeline: body.pipeline, tags: body.tags };
    let job = state.imports().start(&session, &id, choice).await?;
    Ok((StatusCode::ACCEPTED, Json(ImportJobView::new(job, None, None))))
}
