//! Campaigns (managers and administrators): count and price a segment,
//! create after confirming the estimate, follow, pause, resume, cancel.

use crate::contacts::PageQuery;
use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{CampaignPreviewView, CampaignView, PageView, RecipientView};
use crate::{ApiError, ApiState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use parley::app::campaigns::{CampaignDraft, CampaignError, ConfirmedEstimate};
use parley::domain::campaign::{Audience, CampaignStatus, ParamSource};
use parley::domain::template_inputs::{ButtonInput, HeaderInput, TemplateInputs};
use parley::domain::Millis;
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

impl From<CampaignError> for ApiError {
    fn from(e: CampaignError) -> Self {
        match e {
            CampaignError::Forbidden => ApiError::forbidden("only managers and administrators send campaigns"),
            CampaignError::NotFound => ApiError::not_found("campaign"),
            CampaignError::Invalid(why) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", why),
            CampaignError::Conflict { .. } => ApiError::new(StatusCode::CONFLICT, "illegal_transition", e.to_string()),
            CampaignError::Store(s) => s.into(),
        }
    }
}

/// What a campaign sends to whom.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "CampaignDraft")]
pub(crate) struct DraftBody {
    /// An approved template's name.
    template: String,
    language: String,
    /// One source per body parameter, in order.
    #[serde(default)]
    params: Vec<ParamSource>,
    /// The header's value (text, an https link or a Meta media id, a
    /// location), when the template's header takes one; the same for every
    /// recipient.
    #[serde(default)]
    header: Option<HeaderInput>,
    /// Values for the template's URL (suffix), copy-code and quick-reply
    /// buttons, by index; the same for every recipient.
    #[serde(default)]
    buttons: Vec<ButtonInput>,
    #[serde(default)]
    audience: Audience,
}

impl From<DraftBody> for CampaignDraft {
    fn from(body: DraftBody) -> Self {
        CampaignDraft {
            template: body.template,
            language: body.language,
            params: body.params,
            inputs: TemplateInputs { header: body.header, named: Vec::new(), buttons: body.buttons },
            audience: body.audience,
        }
    }
}

/// A segment to count from `cursor` (none at first).
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "CampaignPreviewRequest")]
pub(crate) struct PreviewBody {
    #[serde(flatten)]
    draft: DraftBody,
    #[serde(default)]
    cursor: Option<String>,
}

/// The estimate the admin saw (the summed preview) and confirms.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "CampaignEstimate")]
pub(crate) struct EstimateBody {
    recipients: u64,
    amount_minor: u64,
    currency: String,
}

/// A campaign to create.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "CampaignCreate")]
pub(crate) struct CreateBody {
    name: String,
    #[serde(flatten)]
    draft: DraftBody,
    /// RFC 3339; absent or past: at once.
    #[serde(default)]
    send_at: Option<String>,
    estimate: EstimateBody,
}

async fn currency(state: &ApiState) -> Result<String, ApiError> {
    Ok(state.business().business_profile().await?.unwrap_or_default().currency)
}

pub(crate) async fn preview(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    ApiJson(body): ApiJson<PreviewBody>,
) -> Result<Json<CampaignPreviewView>, ApiError> {
    let draft = CampaignDraft::from(body.draft);
    let preview = state.campaigns().preview(&session, &draft, body.cursor.as_deref()).await?;
    Ok(Json(CampaignPreviewView::new(preview, currency(&state).await?)))
}

pub(crate) async fn create(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    ApiJson(body): ApiJson<CreateBody>,
) -> Result<(StatusCode, Json<CampaignView>), ApiError> {
    let send_at = match body.send_at.as_deref().filter(|t| !t.is_empty()) {
        None => None,
        Some(text) => Some(Millis::parse_rfc3339(text).ok_or_else(|| {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "send_at is not an RFC 3339 time")
        })?),
    };
    let confirmed = ConfirmedEstimate {
        recipients: body.estimate.recipients,
        amount_minor: body.estimate.amount_minor,
        currency: body.estimate.currency,
    };
    let campaign = state.campaigns().create(&session, &body.name, body.draft.into(), send_at, confirmed).await?;
    Ok((StatusCode::CREATED, Json(CampaignView::new(campaign, None))))
}

pub(crate) async fn list(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
) -> Result<Json<PageView<CampaignView>>, ApiError> {
    let campaigns = state.campaigns().list(&session).await?;
    Ok(Json(PageView::whole(campaigns.into_iter().map(|c| CampaignView::new(c, None)).collect())))
}

pub(crate) async fn one(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<CampaignView>, ApiError> {
    let (campaign, totals) = state.campaigns().get(&session, &id).await?;
    Ok(Json(CampaignView::new(campaign, Some(totals))))
}

pub(crate) async fn recipients(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    Query(page): Query<PageQuery>,
) -> Result<Json<PageView<RecipientView>>, ApiError> {
    let page = state.campaigns().recipients(&session, &id, &page.into()).await?;
    Ok(Json(PageView::from_page(page, RecipientView::from)))
}

async fn change(
    state: &ApiState,
    session: &parley::domain::Session,
    id: &str,
    to: CampaignStatus,
) -> Result<Json<CampaignView>, ApiError> {
    state.campaigns().change(session, id, to).await?;
    let (campaign, totals) = state.campaigns().get(session, id).await?;
    Ok(Json(CampaignView::new(campaign, Some(totals))))
}

pub(crate) async fn pause(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<CampaignView>, ApiError> {
    change(&state, &session, &id, CampaignStatus::Paused).await
}

pub(crate) async fn resume(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<CampaignView>, ApiError> {
    change(&state, &session, &id, CampaignStatus::Sending).await
}

pub(crate) async fn cancel(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<CampaignView>, ApiError> {
    change(&state, &session, &id, CampaignStatus::Cancelled).await
}
