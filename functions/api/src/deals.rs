//! Pipelines, deals and the board.

use crate::contacts::{contact_id, PageQuery};
use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{BoardView, DealView, PageView};
use crate::visible_contact::VisibleContact;
use crate::{ApiError, ApiState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use parley::app::deals::{DealError, DealPatch, NewDeal};
use parley::domain::pipeline::{Pipeline, Stage};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

impl From<DealError> for ApiError {
    fn from(e: DealError) -> Self {
        match e {
            DealError::NotFound(what) => ApiError::not_found(what),
            DealError::Forbidden(_) => ApiError::forbidden(&e.to_string()),
            DealError::Invalid(_) | DealError::BadField(_) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string())
            }
            DealError::UnknownOwner(_) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unknown_owner", e.to_string())
            }
            DealError::Conflict => ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string()),
            DealError::StageHoldsDeals(_) => ApiError::new(StatusCode::CONFLICT, "stage_not_empty", e.to_string()),
            DealError::Overflow(_) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "value_overflow", e.to_string()),
            DealError::Store(s) => s.into(),
        }
    }
}

pub(crate) async fn pipelines(
    State(state): State<Arc<ApiState>>,
    _staff: Staff,
) -> Result<Json<PageView<Pipeline>>, ApiError> {
    Ok(Json(PageView::whole(state.deals().pipelines().await?)))
}

/// A pipeline's name and its stages in order (open ones, then a won and a lost one at least).
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "PipelineDefinition")]
pub(crate) struct PipelineBody {
    name: String,
    stages: Vec<Stage>,
    /// The open stage a deal moves to when its quote is sent (default `quote_sent`, if present).
    #[serde(default)]
    quote_stage: Option<String>,
}

pub(crate) async fn put_pipeline(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<PipelineBody>,
) -> Result<Json<Pipeline>, ApiError> {
    Ok(Json(
        state
            .deals()
            .put_pipeline(&session, Pipeline { id, name: b.name, stages: b.stages, quote_stage: b.quote_stage })
            .await?,
    ))
}

pub(crate) async fn board(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<BoardView>, ApiError> {
    let (pipeline, columns) = state.deals().board(&session, &id).await?;
    Ok(Json(BoardView::new(pipeline, columns)))
}

pub(crate) async fn stage(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path((id, stage)): Path<(String, String)>,
    Query(page): Query<PageQuery>,
) -> Result<Json<PageView<DealView>>, ApiError> {
    Ok(Json(PageView::from_page(state.deals().stage(&session, &id, &stage, &page.into()).await?, DealView::from)))
}

/// A new deal on a contact; the pipeline defaults to `sales` and the stage to its first.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "NewDeal")]
pub(crate) struct CreateBody {
    contact_id: String,
    title: String,
    #[serde(default)]
    value_minor: i64,
    currency: Option<String>,
    pipeline: Option<String>,
    stage: Option<String>,
    owner: Option<String>,
    expected_close: Option<String>,
    #[serde(default)]
    custom_fields: BTreeMap<String, String>,
}

pub(crate) async fn create(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    ApiJson(b): ApiJson<CreateBody>,
) -> Result<(StatusCode, Json<DealView>), ApiError> {
    let contact = state.inbox().visible_contact(&session, &contact_id(&b.contact_id)?).await?;
    // A value without a currency is in the business's.
    let currency = match b.currency {
        Some(currency) => Some(currency),
        None => Some(crate::business::current_profile(&state).await?.currency),
    };
    let new = NewDeal {
        contact: Some(contact.id),
        pipeline: b.pipeline,
        stage: b.stage,
        title: b.title,
        value_minor: b.value_minor,
        currency,
        owner: b.owner,
        expected_close: b.expected_close,
        custom_fields: b.custom_fields,
    };
    let deal = state.deals().create(&session, new).await?;
    Ok((StatusCode::CREATED, Json(deal.into())))
}

pub(crate) async fn get(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<DealView>, ApiError> {
    Ok(Json(state.deals().get(&session, &id).await?.into()))
}

/// What changes; an absent key stays as it is, `null` clears `owner` or `expected_close`.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "DealPatch")]
pub(crate) struct PatchBody {
    title: Option<String>,
    value_minor: Option<i64>,
    currency: Option<String>,
    #[serde(default, deserialize_with = "crate::nullable::present")]
    owner: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::nullable::present")]
    expected_close: Option<Option<String>>,
    #[serde(default)]
    custom_fields: BTreeMap<String, String>,
}

pub(crate) async fn update(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<PatchBody>,
) -> Result<Json<DealView>, ApiError> {
    let patch = DealPatch {
        title: b.title,
        value_minor: b.value_minor,
        currency: b.currency,
        owner: b.owner,
        expected_close: b.expected_close,
        custom_fields: b.custom_fields,
    };
    Ok(Json(state.deals().update(&session, &id, patch).await?.into()))
}

#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "StageMove")]
pub(crate) struct MoveBody {
    stage: String,
}

pub(crate) async fn move_stage(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<MoveBody>,
) -> Result<Json<DealView>, ApiError> {
    Ok(Json(state.deals().move_to(&session, &id, &b.stage).await?.into()))
}

pub(crate) async fn for_contact(
    State(state): State<Arc<ApiState>>,
    VisibleContact { contact, .. }: VisibleContact,
    Query(page): Query<PageQuery>,
) -> Result<Json<PageView<DealView>>, ApiError> {
    Ok(Json(PageView::from_page(state.deals().for_contact(&contact.id, &page.into()).await?, DealView::from)))
}
