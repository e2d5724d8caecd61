//! The team: list, invite, issue or revoke a one-time link, accept a link,
//! change a teammate.

use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::{ApiError, ApiState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use parley::app::team::{Invitation, LinkKind};
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
    invited: bool,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            email: u.email,
            name: u.name,
            role: u.role.as_str(),
            active: u.active,
            available: u.available,
            invited: u.invited,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct LinkView {
    email: String,
    kind: &'static str,
    invite_path: String,
    token: String,
    expires_at: String,
}

impl From<Invitation> for LinkView {
    fn from(i: Invitation) -> Self {
        LinkView {
            kind: match i.kind {
                LinkKind::Invitation => "invitation",
                LinkKind::PasswordReset => "password_reset",
            },
            invite_path: format!("/#accept={}", i.token),
            email: i.email,
            token: i.token,
            expires_at: i.expires_at.to_rfc3339(),
        }
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
    ApiJson(body): ApiJson<InviteBody>,
) -> Result<(StatusCode, Json<LinkView>), ApiError> {
    let invitation = state.team.invite(&session, &body.email, &body.name, role(&body.role)?).await?;
    Ok((StatusCode::CREATED, Json(invitation.into())))
}

pub(crate) async fn issue_link(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(email): Path<String>,
) -> Result<(StatusCode, Json<LinkView>), ApiError> {
    let link = state.team.issue_link(&session, &email).await?;
    Ok((StatusCode::CREATED, Json(link.into())))
}

pub(crate) async fn revoke_link(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(email): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.team.revoke_link(&session, &email).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub(crate) struct AcceptBody {
    token: String,
    password: String,
}

pub(crate) async fn accept(
    State(state): State<Arc<ApiState>>,
    ApiJson(body): ApiJson<AcceptBody>,
) -> Result<Json<Value>, ApiError> {
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
    ApiJson(body): ApiJson<PatchBody>,
) -> Result<Json<UserView>, ApiError> {
    let patch = UserPatch {
        role: body.role.as_deref().map(role).transpose()?,
        active: body.active,
        available: body.available,
        name: body.name,
    };
    Ok(Json(state.team.update(&session, &email, &patch).await?.into()))
}
