//! The team: list, invite, issue or revoke a one-time link, accept a link,
//! change a teammate.

use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{LinkAcceptedView, LinkView, PageView, UserView};
use crate::{ApiError, ApiState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use parley::domain::Role;
use parley::domain::UserPatch;
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

fn role(text: &str) -> Result<Role, ApiError> {
    Role::parse(text).ok_or_else(|| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_role", "role must be admin, manager or agent")
    })
}

pub(crate) async fn list(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
) -> Result<Json<PageView<UserView>>, ApiError> {
    let users = state.team().list(&session).await?.into_iter().map(UserView::from).collect();
    Ok(Json(PageView::whole(users)))
}

#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "Invitation")]
pub(crate) struct InviteBody {
    email: String,
    #[serde(default)]
    name: String,
    #[schemars(extend("enum" = ["admin", "manager", "agent"]))]
    role: String,
}

pub(crate) async fn invite(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    ApiJson(body): ApiJson<InviteBody>,
) -> Result<(StatusCode, Json<LinkView>), ApiError> {
    let invitation = state.team().invite(&session, &body.email, &body.name, role(&body.role)?).await?;
    Ok((StatusCode::CREATED, Json(invitation.into())))
}

pub(crate) async fn issue_link(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(email): Path<String>,
) -> Result<(StatusCode, Json<LinkView>), ApiError> {
    let link = state.team().issue_link(&session, &email).await?;
    Ok((StatusCode::CREATED, Json(link.into())))
}

pub(crate) async fn revoke_link(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(email): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.team().revoke_link(&session, &email).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The token from the link and the password to set.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "LinkAcceptance")]
pub(crate) struct AcceptBody {
    token: String,
    password: String,
    /// The name teammates see; absent or blank keeps the one the admin gave.
    #[serde(default)]
    name: Option<String>,
}

pub(crate) async fn accept(
    State(state): State<Arc<ApiState>>,
    ApiJson(body): ApiJson<AcceptBody>,
) -> Result<Json<LinkAcceptedView>, ApiError> {
    let email = state.team().accept(&body.token, &body.password, body.name.as_deref()).await?;
    Ok(Json(LinkAcceptedView::new(email)))
}

/// What changes; an absent key stays as it is.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "UserPatch")]
pub(crate) struct PatchBody {
    #[schemars(extend("enum" = ["admin", "manager", "agent", null]))]
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
    Ok(Json(state.team().update(&session, &email, &patch).await?.into()))
}
