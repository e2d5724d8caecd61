//! The team: list, invite, accept an invitation, change a teammate.

use crate::session::Staff;
use crate::{ApiError, ApiState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use parley::domain::UserPatch;
use parley::domain::{Role, User};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Arc;

#[derive(Serialize)]
pub(crate) struct UserView {
    email: String,
    name: String,
    role: &'static str,
    active: bool,
    available: bool,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView { email: u.email, name: u.name, role: u.role.as_str(), active: u.active, available: u.available }
    }
}

fn role(text: &str) -> Result<Role, ApiError> {
    Role::parse(text).ok_or_else(|| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_role", "role must be admin, manager or agent")
    })
}

pub(crate) async fn list(State(state): State<Arc<ApiState>>, Staff(session): Staff) -> Result<Json<Value>, ApiError> {
    let users: Vec<UserView> = state.team.list(&session).await?.into_iter().map(UserView::from).collect();
    Ok(Json(json!({"items": users, "next_cursor": null})))
}

#[derive(Deserialize)]
pub(crate) struct InviteBody {
    email: String,
    #[serde(default)]
    name: String,
    role: String,
}

pub(crate) async fn invite(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    body: Result<Json<InviteBody>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let Json(body) = body?;
    let invitation = state.team.invite(&session, &body.email, &body.name, role(&body.role)?).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "email": invitation.email,
            "invite_path": format!("/#accept={}", invitation.token),
            "token": invitation.token,
            "expires_at": invitation.expires_at.to_rfc3339(),
        })),
    ))
}

#[derive(Deserialize)]
pub(crate) struct AcceptBody {
    token: String,
    password: String,
}

pub(crate) async fn accept(
    State(state): State<Arc<ApiState>>,
    body: Result<Json<AcceptBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(body) = body?;
    let email = state.team.accept(&body.token, &body.password).await?;
    Ok(Json(json!({"email": email, "active": true})))
}

#[derive(Deserialize)]
pub(crate) struct PatchBody {
    role: Option<String>,
    active: Option<bool>,
    available: Option<bool>,
    name: Option<String>,
}

pub(crate) async fn update(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(email): Path<String>,
    body: Result<Json<PatchBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<UserView>, ApiError> {
    let Json(body) = body?;
    let patch = UserPatch {
        role: body.role.as_deref().map(role).transpose()?,
        active: body.active,
        available: body.available,
        name: body.name,
    };
    Ok(Json(state.team.update(&session, &email, &patch).await?.into()))
}
