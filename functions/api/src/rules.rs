//! Automation rules: `/api/rules`.

use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{DryRunView, PageView, RuleLogEntryView, RuleView};
use crate::{ApiError, ApiState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use parley::app::rules::dry_run::DRY_RUN_DAYS;
use parley::app::rules::editor::{RuleChange, RuleDraft};
use parley::app::rules::RuleError;
use parley::domain::rule::{Action, Condition, Trigger};
use parley::domain::Role;
use parley::ports::PageRequest;
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

impl From<RuleError> for ApiError {
    fn from(e: RuleError) -> Self {
        match e {
            RuleError::NotFound => ApiError::not_found("rule"),
            RuleError::Forbidden => ApiError::forbidden(&e.to_string()),
            RuleError::Invalid(_) | RuleError::DefaultRule => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string())
            }
            RuleError::Conflict => ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string()),
            RuleError::Store(s) => s.into(),
        }
    }
}

/// A new rule: when (`trigger`), if (`conditions`, all must hold), do
/// (`actions`, in order). An enabled rule may name only existing templates,
/// stages and teammates (422 otherwise).
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "NewRule")]
pub(crate) struct CreateBody {
    name: String,
    #[serde(default = "enabled_by_default")]
    enabled: bool,
    trigger: Trigger,
    #[serde(default)]
    conditions: Vec<Condition>,
    actions: Vec<Action>,
}

fn enabled_by_default() -> bool {
    true
}

/// A change to a rule: each part given replaces the rule's; saving clears
/// the failing mark.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "RulePatch")]
pub(crate) struct PatchBody {
    name: Option<String>,
    enabled: Option<bool>,
    trigger: Option<Trigger>,
    conditions: Option<Vec<Condition>>,
    actions: Option<Vec<Action>>,
}

/// A page of the log.
#[derive(Deserialize, JsonSchema)]
pub(crate) struct LogQuery {
    cursor: Option<String>,
    limit: Option<u32>,
}

pub(crate) async fn list(
    State(state): State<Arc<ApiState>>,
    _staff: Staff,
) -> Result<Json<PageView<RuleView>>, ApiError> {
    let rules = state.rules().list().await?;
    Ok(Json(PageView::whole(rules.into_iter().map(RuleView::from).collect())))
}

pub(crate) async fn create(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    ApiJson(b): ApiJson<CreateBody>,
) -> Result<(StatusCode, Json<RuleView>), ApiError> {
    let draft = RuleDraft {
        name: b.name,
        enabled: b.enabled,
        trigger: b.trigger,
        conditions: b.conditions,
        actions: b.actions,
    };
    let rule = state.rules().create(&session, draft).await?;
    Ok((StatusCode::CREATED, Json(rule.into())))
}

pub(crate) async fn one(
    State(state): State<Arc<ApiState>>,
    _staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<RuleView>, ApiError> {
    Ok(Json(state.rules().get(&id).await?.into()))
}

pub(crate) async fn update(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<PatchBody>,
) -> Result<Json<RuleView>, ApiError> {
    let change = RuleChange {
        name: b.name,
        enabled: b.enabled,
        trigger: b.trigger,
        conditions: b.conditions,
        actions: b.actions,
    };
    Ok(Json(state.rules().update(&session, &id, change).await?.into()))
}

pub(crate) async fn delete(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.rules().delete(&session, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn log(
    State(state): State<Arc<ApiState>>,
    _staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<LogQuery>,
) -> Result<Json<PageView<RuleLogEntryView>>, ApiError> {
    let page = state.rules().log(&id, &PageRequest { cursor: q.cursor, limit: q.limit }).await?;
    Ok(Json(PageView::from_page(page, RuleLogEntryView::from)))
}

pub(crate) async fn dry_run(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<DryRunView>, ApiError> {
    if session.role == Role::Agent {
        return Err(RuleError::Forbidden.into());
    }
    let rule = state.rules().get(&id).await?;
    let lines = state.dry_run().run(&rule).await?;
    Ok(Json(DryRunView::new(DRY_RUN_DAYS, lines)))
}
