//! The signed-in staff member behind a request, from the session cookie.

use crate::{ApiError, ApiState};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use parley::app::AuthError;
use parley::domain::Session;
use std::sync::Arc;

/// The session cookie's name.
pub const COOKIE: &str = "parley_session";

/// A request made by a signed-in staff member.
pub struct Staff(pub Session);

impl FromRequestParts<Arc<ApiState>> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<ApiState>) -> Result<Self, Self::Rejection> {
        let token = session_token(&parts.headers).ok_or(AuthError::NoSession)?;
        Ok(Staff(state.auth().authenticate(&token).await?))
    }
}

/// The session token from the `Cookie` header(s).
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// The `Set-Cookie` value for a new session: HttpOnly, Secure and
/// SameSite=Strict, because UI and API share one origin.
pub fn set_cookie(token: &str, max_age_seconds: i64) -> String {
    format!("{COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={max_age_seconds}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=1; parley_session=abc; b=2".parse().unwrap());
        assert_eq!(session_token(&headers).as_deref(), Some("abc"));
        assert_eq!(session_token(&HeaderMap::new()), None);
    }

    #[test]
    fn cookie_is_locked_down() {
        let c = set_cookie("t", 60);
        for part in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
            assert!(c.contains(part), "{c}");
        }
    }
}
