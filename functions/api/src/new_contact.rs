//! A new conversation by phone number: staff add the contact first and
//! start with a template.

use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::ContactView;
use crate::{ApiError, ApiState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use parley::domain::phone_number::normalize_phone;
use parley::domain::{BusinessNumber, Role};
use parley::ports::{Enrolled, NewContact, PageRequest};
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

/// A phone number as typed (national numbers are in the business's default country).
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "NewContact")]
pub(crate) struct NewContactBody {
    phone: String,
    #[serde(default)]
    name: Option<String>,
}

/// The longest name kept for a contact added by hand.
const MAX_NAME: usize = 120;

/// 201 with a new contact, 200 with the one the number already has.
pub(crate) async fn create(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    ApiJson(body): ApiJson<NewContactBody>,
) -> Result<(StatusCode, Json<ContactView>), ApiError> {
    let profile = crate::business::current_profile(&state).await?;
    let phone = normalize_phone(&body.phone, &profile.country)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_phone", e.to_string()))?;
    let name = body.name.map(|n| n.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|n| !n.is_empty());
    if name.as_ref().is_some_and(|n| n.chars().count() > MAX_NAME) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("a name is at most {MAX_NAME} characters"),
        ));
    }
    let number = match profile.phone_number_id {
        Some(number) => number,
        None => latest_business_number(&state).await?.ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "no_business_number",
                "set the WhatsApp phone number id in Settings > Business profile first",
            )
        })?,
    };
    // An agent's new conversation is their own; others' wait for routing
    // (the customer's reply routes it like any unassigned conversation).
    let owner = (session.role == Role::Agent).then(|| session.email.clone());
    let new = NewContact {
        number: BusinessNumber(number),
        wa_id: phone.wa_id().to_owned(),
        name,
        owner,
        at: state.clock.now(),
    };
    let (status, id) = match state.enrolment.enrol_contact(&new).await? {
        Enrolled::Created(id) => {
            tracing::info!(contact_id = %id, "contact added by phone");
            (StatusCode::CREATED, id)
        }
        Enrolled::Existing(id) => (StatusCode::OK, id),
    };
    let contact = state.inbox.visible_contact(&session, &id).await.map_err(|e| match e {
        parley::app::inbox::InboxError::NotFound => ApiError::new(
            StatusCode::CONFLICT,
            "not_yours",
            "this number already has a conversation that another teammate owns",
        ),
        other => other.into(),
    })?;
    Ok((status, Json(ContactView::new(contact, state.clock.now(), state.inbox.settings().sla_minutes))))
}

/// The business number the latest customer wrote to: the default until an
/// admin names one (one Query of one item).
async fn latest_business_number(state: &ApiState) -> Result<Option<String>, ApiError> {
    let latest = state
        .store
        .list_contacts(&PageRequest { cursor: None, limit: Some(1) }, None, &parley::ports::ListFilter::default())
        .await?;
    Ok(latest.items.into_iter().map(|c| c.phone_number_id).find(|n| !n.is_empty()))
}
