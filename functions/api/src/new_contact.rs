//! A new lead or conversation by phone number: staff add the contact (with
//! its tags, source and owner) first and start with a template.

use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::ContactView;
use crate::{ApiError, ApiState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use parley::domain::consent::{staff_consent, ConsentMethod};
use parley::domain::contact_fields::plan_field_edit;
use parley::domain::phone_number::normalize_phone;
use parley::domain::tags::normalize_tags;
use parley::domain::user::normalize_email;
use parley::domain::{BusinessNumber, Contact, ContactPatch, Role, Session};
use parley::ports::{Enrolled, NewContact, PageRequest};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A lead: a phone number as typed (national numbers are in the business's
/// default country) and what staff know of it. Adding a number that is
/// already a contact adds the tags to it and sets a source it lacks, so a
/// retried request ends the same as one that went through.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "NewContact")]
pub(crate) struct NewContactBody {
    phone: String,
    #[serde(default)]
    name: Option<String>,
    /// Labels the lead starts with.
    #[serde(default)]
    tags: Vec<String>,
    /// Where the lead came from (`walk_in`, `website`, `referral`…), kept
    /// as the contact's `source` field.
    #[serde(default)]
    source: Option<String>,
    /// The teammate who owns it: managers and admins choose; an agent's
    /// lead is their own.
    #[serde(default)]
    owner: Option<String>,
    /// What the lead agreed to receive on this form (`marketing`,
    /// `utility`): recorded as their opt-in, method `form`, now. A lead
    /// already holding that opt-in keeps the one on record.
    #[serde(default)]
    consent: Vec<String>,
}

/// The contact field a lead's source is kept in.
const SOURCE_FIELD: &str = "source";

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
    let tags = normalize_tags(&body.tags)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string()))?;
    let source = body.source.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    if let Some(source) = &source {
        plan_field_edit(&BTreeMap::new(), &BTreeMap::from([(SOURCE_FIELD.to_owned(), source.clone())]))
            .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", format!("source: {e}")))?;
    }
    if !body.consent.is_empty() {
        // Checked before anything is stored: a bad category adds no contact.
        staff_consent(state.clock.now(), ConsentMethod::Form, &body.consent)
            .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", format!("consent: {e}")))?;
    }
    let owner = lead_owner(&state, &session, body.owner).await?;
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
    let new = NewContact {
        number: BusinessNumber(number),
        wa_id: phone.wa_id().to_owned(),
        name,
        owner,
        at: state.clock.now(),
        // What staff typed names the lead's source in the lead-source report.
        source: source.as_ref().map_or_else(|| "staff".to_owned(), |typed| format!("staff:{}", typed.to_lowercase())),
    };
    let (status, id) = match state.enrolment().enrol_contact(&new).await? {
        Enrolled::Created(id) => {
            tracing::info!(contact_id = %id, "contact added by phone");
            (StatusCode::CREATED, id)
        }
        Enrolled::Existing(id) => (StatusCode::OK, id),
    };
    let contact = state.inbox().visible_contact(&session, &id).await.map_err(|e| match e {
        parley::app::inbox::InboxError::NotFound => ApiError::new(
            StatusCode::CONFLICT,
            "not_yours",
            "this number already has a conversation that another teammate owns",
        ),
        other => other.into(),
    })?;
    let contact = with_form_consent(&state, &session, contact, &body.consent).await?;
    let contact = if tags.is_empty() && source.is_none() {
        contact
    } else {
        crate::contacts::patch_settled(&state, &session, contact, |contact| {
            let mut all = contact.tags.clone();
            all.extend(tags.iter().cloned());
            let all = normalize_tags(&all)
                .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string()))?;
            let source_edit: BTreeMap<String, String> = source
                .iter()
                .filter(|_| !contact.fields.contains_key(SOURCE_FIELD))
                .map(|s| (SOURCE_FIELD.to_owned(), s.clone()))
                .collect();
            let fields = (!source_edit.is_empty())
                .then(|| plan_field_edit(&contact.fields, &source_edit))
                .transpose()
                .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", format!("source: {e}")))?;
            Ok(ContactPatch { display_name: None, profile_name: contact.name.clone(), tags: Some(all), fields })
        })
        .await?
    };
    Ok((status, Json(ContactView::new(contact, state.clock.now(), state.inbox_settings().sla_minutes))))
}

/// `contact` with the opt-in the form reports recorded, unless the one on
/// record already covers it (so a retried request records nothing new).
async fn with_form_consent(
    state: &ApiState,
    session: &Session,
    contact: Contact,
    categories: &[String],
) -> Result<Contact, ApiError> {
    let held: Vec<&str> = contact.consent.iter().flat_map(|c| c.categories.iter().map(|c| c.as_str())).collect();
    if categories.iter().all(|c| held.contains(&c.as_str())) {
        return Ok(contact);
    }
    let all: Vec<String> = categories.iter().cloned().chain(held.iter().map(|c| (*c).to_owned())).collect();
    state.consents().record(session, &contact.id, ConsentMethod::Form, &all).await?;
    Ok(state.inbox().visible_contact(session, &contact.id).await?)
}

/// Who owns a new lead: an agent's is their own (naming anyone else is
/// refused); a manager's or admin's is the active teammate they name, or
/// unassigned until the customer's reply routes it.
async fn lead_owner(state: &ApiState, session: &Session, named: Option<String>) -> Result<Option<String>, ApiError> {
    let named = named.map(|e| normalize_email(&e)).filter(|e| !e.is_empty());
    if session.role == Role::Agent {
        return match named {
            Some(other) if other != session.email => {
                Err(ApiError::forbidden("agents add leads for themselves; a manager assigns them to others"))
            }
            _ => Ok(Some(session.email.clone())),
        };
    }
    let Some(owner) = named else { return Ok(None) };
    let active = state.users().user(&owner).await?.is_some_and(|u| u.active);
    if !active {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_owner",
            "the owner is not an active teammate",
        ));
    }
    Ok(Some(owner))
}

/// The business number the latest customer wrote to: the default until an
/// admin names one (one Query of one item).
async fn latest_business_number(state: &ApiState) -> Result<Option<String>, ApiError> {
    let latest = state
        .store()
        .list_contacts(&PageRequest { cursor: None, limit: Some(1) }, None, &parley::ports::ListFilter::default())
        .await?;
    Ok(latest.items.into_iter().map(|c| c.phone_number_id).find(|n| !n.is_empty()))
}
