//! `VisibleContact`: the contact named by the path's `{id}`, loaded only if
//! the signed-in staff member may see it. An agent asking for someone else's
//! conversation gets the same 404 as for a contact that does not exist, so
//! ids cannot be probed.

use crate::session::Staff;
use crate::{ApiError, ApiState};
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use parley::domain::{Contact, ContactId, Session};
use std::collections::HashMap;
use std::sync::Arc;

/// The signed-in staff member and the contact of the route's `{id}`.
pub struct VisibleContact {
    /// Who is asking.
    pub session: Session,
    /// The contact, as stored now.
    pub contact: Contact,
}

impl FromRequestParts<Arc<ApiState>> for VisibleContact {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<ApiState>) -> Result<Self, Self::Rejection> {
        let Staff(session) = Staff::from_request_parts(parts, state).await?;
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found("contact"))?;
        let id = params.get("id").and_then(|id| ContactId::parse(id)).ok_or_else(|| ApiError::not_found("contact"))?;
        let contact = state.inbox().visible_contact(&session, &id).await?;
        Ok(VisibleContact { session, contact })
    }
}
