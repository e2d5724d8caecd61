//! Contacts and their timelines.

use crate::json_body::ApiJson;
use crate::list_filter::FilterParams;
use crate::session::Staff;
use crate::views::{ContactView, MessageView, NoteView, PageView};
use crate::visible_contact::VisibleContact;
use crate::{ApiError, ApiState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use parley::domain::contact_fields::plan_field_edit;
use parley::domain::ContactId;
use parley::domain::ContactPatch;
use parley::ports::PageRequest;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// `?cursor=` from the previous page's `next_cursor`; `?limit=` caps the page.
#[derive(Deserialize, JsonSchema)]
pub(crate) struct PageQuery {
    pub(crate) cursor: Option<String>,
    pub(crate) limit: Option<u32>,
}

impl From<PageQuery> for PageRequest {
    fn from(q: PageQuery) -> Self {
        PageRequest { cursor: q.cursor, limit: q.limit }
    }
}

pub(crate) fn contact_id(text: &str) -> Result<ContactId, ApiError> {
    ContactId::parse(text).ok_or_else(|| ApiError::not_found("contact"))
}

#[derive(Deserialize, JsonSchema)]
pub(crate) struct ListQuery {
    /// Searches name or phone prefix.
    q: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
    owner: Option<String>,
    tag: Option<String>,
    number: Option<String>,
}

pub(crate) async fn list(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Query(query): Query<ListQuery>,
) -> Result<Json<PageView<ContactView>>, ApiError> {
    let visible_to = state.inbox().visibility_filter(&session);
    let filter = FilterParams { owner: query.owner, tag: query.tag, number: query.number }.parse()?;
    let page = PageRequest { cursor: query.cursor, limit: query.limit };
    let search = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    // The most selective index serves the read; the rest of the filter
    // narrows its page (which may then come out shorter than asked).
    let searched_tag = match search {
        Some(q) if q.starts_with('#') => Some(
            crate::list_filter::tag_of(q)?
                .ok_or_else(|| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "q: a tag after #"))?,
        ),
        _ => None,
    };
    let mut page = match (search, searched_tag.or_else(|| filter.tag.clone())) {
        (Some(q), None) => state.records().search(q, visible_to.as_deref(), &page).await?,
        (_, Some(tag)) => state.records().tagged(&tag, visible_to.as_deref(), &page).await?,
        (None, None) => state.store().list_contacts(&page, visible_to.as_deref(), &filter).await?,
    };
    page.items.retain(|contact| filter.keeps(contact));
    Ok(Json(crate::read_markers::page_with_unread(&state, &session, page).await?))
}

pub(crate) async fn one(
    State(state): State<Arc<ApiState>>,
    VisibleContact { contact, .. }: VisibleContact,
) -> Result<Json<ContactView>, ApiError> {
    Ok(Json(ContactView::new(contact, state.clock.now(), state.inbox_settings().sla_minutes)))
}

pub(crate) async fn messages(
    State(state): State<Arc<ApiState>>,
    VisibleContact { contact, .. }: VisibleContact,
    Query(page): Query<PageQuery>,
) -> Result<Json<PageView<MessageView>>, ApiError> {
    let page = state.store().timeline(&contact.id, &page.into()).await?;
    // Links are signed here, without a round trip, for staff who may see the contact.
    let mut items = Vec::with_capacity(page.items.len());
    for message in page.items {
        items.push(MessageView::linked(message, state.media().as_ref()).await);
    }
    Ok(Json(PageView::from_page(parley::ports::Page { items, next_cursor: page.next_cursor }, |m| m)))
}

/// What changes; an absent key stays as it is.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "ContactPatch")]
pub(crate) struct PatchBody {
    /// The name staff give; `null` or empty falls back to the profile name.
    #[serde(default, deserialize_with = "crate::nullable::present")]
    name: Option<Option<String>>,
    /// The whole new tag list.
    tags: Option<Vec<String>>,
    /// Field by field: a value sets, an empty value removes.
    fields: Option<BTreeMap<String, String>>,
}

pub(crate) async fn patch(
    State(state): State<Arc<ApiState>>,
    VisibleContact { session, contact }: VisibleContact,
    ApiJson(body): ApiJson<PatchBody>,
) -> Result<Json<ContactView>, ApiError> {
    let tags = body
        .tags
        .map(|tags| parley::domain::tags::normalize_tags(&tags))
        .transpose()
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string()))?;
    let name = body.name.map(|n| n.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()));
    let updated = patch_settled(&state, &session, contact, |contact| {
        let fields = body
            .fields
            .as_ref()
            .map(|edit| plan_field_edit(&contact.fields, edit))
            .transpose()
            .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string()))?;
        Ok(ContactPatch { display_name: name.clone(), profile_name: contact.name.clone(), tags: tags.clone(), fields })
    })
    .await?;
    Ok(Json(ContactView::new(updated, state.clock.now(), state.inbox_settings().sla_minutes)))
}

/// Applies the patch `plan` makes of the contact as last read. The store
/// refuses a patch planned on fields or a profile name that changed
/// meanwhile; then it is planned again on what is there now.
pub(crate) async fn patch_settled(
    state: &ApiState,
    session: &parley::domain::Session,
    mut contact: parley::domain::Contact,
    plan: impl Fn(&parley::domain::Contact) -> Result<ContactPatch, ApiError>,
) -> Result<parley::domain::Contact, ApiError> {
    for _ in 0..PATCH_ATTEMPTS {
        if state.records().patch_contact(&contact.id, &plan(&contact)?).await? {
            return Ok(state.inbox().visible_contact(session, &contact.id).await?);
        }
        contact = state.inbox().visible_contact(session, &contact.id).await?;
    }
    Err(ApiError::new(StatusCode::CONFLICT, "conflict", "the contact kept changing meanwhile; reload and try again"))
}

/// How often a contact patch is planned again on fresh fields before the
/// caller is asked to retry.
const PATCH_ATTEMPTS: usize = 5;

#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "NewNote")]
pub(crate) struct NoteBody {
    text: String,
}

pub(crate) async fn add_note(
    State(state): State<Arc<ApiState>>,
    VisibleContact { session, contact }: VisibleContact,
    ApiJson(body): ApiJson<NoteBody>,
) -> Result<(StatusCode, Json<NoteView>), ApiError> {
    let note = parley::app::notes::new_note(&session.email, &body.text, state.clock.now())
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string()))?;
    state.records().add_note(&contact.id, &note).await?;
    parley::app::notes::notify_mentions(&*state.users(), &*state.notifier(), &note, &contact).await?;
    Ok((StatusCode::CREATED, Json(note.into())))
}

pub(crate) async fn notes(
    State(state): State<Arc<ApiState>>,
    VisibleContact { contact, .. }: VisibleContact,
    Query(page): Query<PageQuery>,
) -> Result<Json<PageView<NoteView>>, ApiError> {
    let notes = state.records().notes(&contact.id, &page.into()).await?;
    Ok(Json(PageView::from_page(notes, NoteView::from)))
}
