//! Pipelines, deals and the board.

use crate::contacts::{contact_id, PageQuery};
use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::visible_contact::VisibleContact;
use crate::{ApiError, ApiState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use parley::app::deals::{DealError, DealPatch, NewDeal};
use parley::domain::pipeline::{Deal, Pipeline, Stage};
use parley::ports::Page;
use serde::Deserialize;
use serde_json::{json, Value};
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

pub(crate) fn view(deal: &Deal) -> Value {
    json!({
        "id": deal.id,
        "contact_id": deal.contact_id,
        "pipeline": deal.pipeline,
        "stage": deal.stage,
        "title": deal.title,
        "value_minor": deal.value_minor,
        "currency": deal.currency,
        "owner": deal.owner,
        "expected_close": deal.expected_close,
        "custom_fields": deal.custom_fields,
        "history": deal.history.iter().map(|h| json!({"from": h.from, "to": h.to, "by": h.by, "at": h.at.to_rfc3339()})).collect::<Vec<_>>(),
        "created_at": deal.created_at.to_rfc3339(),
        "updated_at": deal.updated_at.to_rfc3339(),
    })
}

fn page_view(page: Page<Deal>) -> Value {
    json!({"items": page.items.iter().map(view).collect::<Vec<_>>(), "next_cursor": page.next_cursor})
}

pub(crate) async fn pipelines(State(state): State<Arc<ApiState>>, _staff: Staff) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({"items": state.deals.pipelines().await?, "next_cursor": null})))
}

#[derive(Deserialize)]
pub(crate) struct PipelineBody {
    name: String,
    stages: Vec<Stage>,
}

pub(crate) async fn put_pipeline(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<PipelineBody>,
) -> Result<Json<Pipeline>, ApiError> {
    Ok(Json(state.deals.put_pipeline(&session, Pipeline { id, name: b.name, stages: b.stages }).await?))
}

pub(crate) async fn board(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (pipeline, columns) = state.deals.board(&session, &id).await?;
    let columns: Vec<Value> = columns
        .into_iter()
        .map(|c| {
            let mut column = page_view(c.page);
            column["stage"] = json!(c.stage);
            column["value_minor"] = json!(c.value_minor);
            column
        })
        .collect();
    Ok(Json(json!({"pipeline": pipeline.id, "name": pipeline.name, "columns": columns})))
}

pub(crate) async fn stage(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path((id, stage)): Path<(String, String)>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(page_view(state.deals.stage(&session, &id, &stage, &page.into()).await?)))
}

#[derive(Deserialize)]
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
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let contact = state.inbox.visible_contact(&session, &contact_id(&b.contact_id)?).await?;
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
    let deal = state.deals.create(&session, new).await?;
    Ok((StatusCode::CREATED, Json(view(&deal))))
}

pub(crate) async fn get(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(view(&state.deals.get(&session, &id).await?)))
}

#[derive(Deserialize)]
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
) -> Result<Json<Value>, ApiError> {
    let patch = DealPatch {
        title: b.title,
        value_minor: b.value_minor,
        currency: b.currency,
        owner: b.owner,
        expected_close: b.expected_close,
        custom_fields: b.custom_fields,
    };
    Ok(Json(view(&state.deals.update(&session, &id, patch).await?)))
}

#[derive(Deserialize)]
pub(crate) struct MoveBody {
    stage: String,
}

pub(crate) async fn move_stage(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<MoveBody>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(view(&state.deals.move_to(&session, &id, &b.stage).await?)))
}

pub(crate) async fn for_contact(
    State(state): State<Arc<ApiState>>,
    VisibleContact { contact, .. }: VisibleContact,
    Query(page): Query<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(page_view(state.deals.for_contact(&contact.id, &page.into()).await?)))
}
