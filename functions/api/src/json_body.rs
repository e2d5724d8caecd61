//! `ApiJson<T>`: a JSON request body whose rejection is the API's own error
//! shape, so no handler has to match on axum's rejection itself.

use crate::ApiError;
use axum::extract::{FromRequest, Request};
use axum::Json;
use serde::de::DeserializeOwned;

/// A JSON body; a missing content type or a malformed body answers 400 with
/// `{"error":{"code":"bad_request",…}}`.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(body) = Json::<T>::from_request(request, state).await?;
        Ok(ApiJson(body))
    }
}
