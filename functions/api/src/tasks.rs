//! Tasks and follow-ups.

use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{PageView, TaskView};
use crate::{ApiError, ApiState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use parley::app::tasks::{NewTask, TaskChange, TaskError};
use parley::domain::snooze::Snooze;
use parley::domain::task::Due;
use parley::domain::Millis;
use parley::ports::PageRequest;
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

impl From<TaskError> for ApiError {
    fn from(e: TaskError) -> Self {
        match e {
            TaskError::NotFound => ApiError::not_found("task"),
            TaskError::Forbidden(_) => ApiError::forbidden(&e.to_string()),
            TaskError::Invalid(_) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string()),
            TaskError::Conflict(_) => ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string()),
            TaskError::Store(s) => s.into(),
        }
    }
}

/// A follow-up; the owner defaults to the caller.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "NewTask")]
pub(crate) struct CreateBody {
    title: String,
    /// RFC 3339, e.g. `2026-11-24T10:00:00+05:30`; or give `snooze` instead.
    due_at: Option<String>,
    /// A preset in business time instead of `due_at`.
    #[schemars(extend("enum" = ["hour", "tomorrow", "next_week", null]))]
    snooze: Option<String>,
    owner: Option<String>,
    contact_id: Option<String>,
    deal_id: Option<String>,
    /// Cancel this follow-up when the customer writes before it falls due.
    #[serde(default)]
    cancel_on_reply: bool,
    /// An approved template to send the customer when it falls due;
    /// `params` are literals or `{{contact.name}}`, `{{contact.<field>}}`,
    /// `{{deal.title}}`, `{{deal.value}}`, `{{deal.<field>}}`.
    template: Option<TemplateBody>,
}

/// The template a follow-up sends.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "FollowUpTemplate")]
pub(crate) struct TemplateBody {
    name: String,
    language: String,
    #[serde(default)]
    params: Vec<String>,
}

pub(crate) fn due_at(text: &str) -> Result<Millis, ApiError> {
    Millis::parse_rfc3339(text).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "due_at must be RFC 3339, e.g. 2026-11-24T10:00:00+05:30",
        )
    })
}

fn snooze(text: &str) -> Result<Snooze, ApiError> {
    Snooze::parse(text).ok_or_else(|| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "snooze must be hour, tomorrow or next_week")
    })
}

pub(crate) async fn create(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    ApiJson(b): ApiJson<CreateBody>,
) -> Result<(StatusCode, Json<TaskView>), ApiError> {
    let due_at = match (b.due_at.as_deref(), b.snooze.as_deref()) {
        (Some(text), None) => due_at(text)?,
        (None, Some(preset)) => state.tasks().snoozed(snooze(preset)?).await?,
        _ => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "give due_at (RFC 3339) or snooze (hour, tomorrow, next_week)",
            ))
        }
    };
    let contact_id = match b.contact_id {
        Some(id) => Some(state.inbox().visible_contact(&session, &crate::contacts::contact_id(&id)?).await?.id),
        None => None,
    };
    let template = b.template.map(|t| parley::domain::follow_up_template::FollowUpTemplate {
        name: t.name,
        language: t.language,
        params: t.params,
    });
    let new = NewTask {
        title: b.title,
        due_at,
        owner: b.owner,
        contact_id,
        deal_id: b.deal_id,
        cancel_on_reply: b.cancel_on_reply,
        template,
    };
    let task = state.tasks().create(&session, new).await?;
    Ok((StatusCode::CREATED, Json(task.into())))
}

pub(crate) async fn done(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<TaskView>, ApiError> {
    Ok(Json(state.tasks().complete(&session, &id).await?.into()))
}

/// What to change in a task; what is left out stays.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "TaskPatch")]
pub(crate) struct PatchBody {
    title: Option<String>,
    /// RFC 3339.
    due_at: Option<String>,
    /// A preset in business time instead of `due_at`.
    #[schemars(extend("enum" = ["hour", "tomorrow", "next_week", null]))]
    snooze: Option<String>,
    /// An active teammate's e-mail (agents: only themselves).
    owner: Option<String>,
}

pub(crate) async fn update(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<PatchBody>,
) -> Result<Json<TaskView>, ApiError> {
    let snooze = b.snooze.as_deref().map(snooze).transpose()?;
    let change =
        TaskChange { title: b.title, due_at: b.due_at.as_deref().map(due_at).transpose()?, snooze, owner: b.owner };
    Ok(Json(state.tasks().update(&session, &id, change).await?.into()))
}

#[derive(Deserialize, JsonSchema)]
pub(crate) struct ListQuery {
    /// `mine` unless said.
    #[schemars(extend("enum" = ["mine", "team", null]))]
    scope: Option<String>,
    /// `open` unless said.
    #[schemars(extend("enum" = ["overdue", "today", "upcoming", "open", "done", null]))]
    due: Option<String>,
    cursor: Option<String>,
}

pub(crate) async fn list(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Query(q): Query<ListQuery>,
) -> Result<Json<PageView<TaskView>>, ApiError> {
    let due = match q.due.as_deref().unwrap_or("open") {
        "overdue" => Due::Overdue,
        "today" => Due::Today,
        "upcoming" => Due::Upcoming,
        "open" => Due::Open,
        "done" => Due::Done,
        _ => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "due must be overdue, today, upcoming, open or done",
            ))
        }
    };
    let team = match q.scope.as_deref().unwrap_or("mine") {
        "mine" => false,
        "team" => true,
        _ => return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "scope must be mine or team")),
    };
    let page = state.tasks().list(&session, team, due, &PageRequest { cursor: q.cursor, limit: None }).await?;
    Ok(Json(PageView::from_page(page, TaskView::from)))
}

pub(crate) async fn for_contact(
    State(state): State<Arc<ApiState>>,
    crate::visible_contact::VisibleContact { contact, .. }: crate::visible_contact::VisibleContact,
    Query(page): Query<crate::contacts::PageQuery>,
) -> Result<Json<PageView<TaskView>>, ApiError> {
    let tasks = state.tasks().of_contact(&contact.id, &page.into()).await?;
    Ok(Json(PageView::from_page(tasks, TaskView::from)))
}
