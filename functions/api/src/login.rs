//! `POST /api/login`, `POST /api/logout`, `GET /api/me`, `POST /api/me/password`.

use crate::client_address::ClientAddress;
use crate::json_body::ApiJson;
use crate::session::{self, Staff};
use crate::views::{PasswordChangedView, SignedInView};
use crate::{ApiError, ApiState};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderName, StatusCode};
use axum::Json;
use parley::app::auth::SESSION_HOURS;
use parley::app::AuthError;
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize, JsonSchema)]
pub(crate) struct Credentials {
    email: String,
    password: String,
}

pub(crate) async fn login(
    State(state): State<Arc<ApiState>>,
    ClientAddress(from): ClientAddress,
    ApiJson(credentials): ApiJson<Credentials>,
) -> Result<([(HeaderName, String); 1], Json<SignedInView>), ApiError> {
    let (token, session) =
        state.auth().login(&credentials.email, &credentials.password, from).await.inspect_err(|e| {
            // Which kind only: never the e-mail, and storage errors log themselves.
            let reason = match e {
                AuthError::Throttled { .. } => "throttled",
                AuthError::Store(_) => "storage",
                _ => "bad_credentials",
            };
            tracing::warn!(reason, "login refused");
        })?;
    tracing::info!(role = session.role.as_str(), "signed in");
    let cookie = session::set_cookie(&token, SESSION_HOURS * 3600);
    Ok(([(header::SET_COOKIE, cookie)], Json(SignedInView::new(session.email, session.role))))
}

pub(crate) async fn logout(
    State(state): State<Arc<ApiState>>,
    headers: HeaderMap,
) -> Result<([(HeaderName, String); 1], StatusCode), ApiError> {
    if let Some(token) = session::session_token(&headers) {
        state.auth().logout(&token).await?;
    }
    Ok(([(header::SET_COOKIE, session::set_cookie("", 0))], StatusCode::NO_CONTENT))
}

pub(crate) async fn me(Staff(session): Staff) -> Json<SignedInView> {
    Json(SignedInView::new(session.email, session.role))
}

#[derive(Deserialize, JsonSchema)]
pub(crate) struct PasswordChange {
    current_password: String,
    new_password: String,
}

pub(crate) async fn change_password(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    ClientAddress(from): ClientAddress,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<Json<PasswordChangedView>, ApiError> {
    state.auth().change_password(&session, from, &change.current_password, &change.new_password).await?;
    tracing::info!("password changed; other sessions ended");
    Ok(Json(PasswordChangedView::new(session.email)))
}
