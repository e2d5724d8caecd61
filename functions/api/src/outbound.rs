//! Sending: `POST /api/contacts/{id}/messages`, `POST /api/messages/{id}/retry`,
//! the template catalog and the spend report.

use crate::contacts::contact_id;
use crate::json_body::ApiJson;
use crate::session::Staff;
use crate::views::{OptOutView, PageView, QueuedView, ReplyEstimateView, RequeuedView, SpendView, TemplatesSyncedView};
use crate::visible_contact::VisibleContact;
use crate::{ApiError, ApiState};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use parley::app::send_message::{RetryError, SendCommand, SendError};
use parley::domain::interactive_message::InteractiveMessage;
use parley::domain::outbound::{OutboundContent, SendRefusal};
use parley::domain::outbound_media::{MediaKind, OutboundFile};
use parley::domain::template::Template;
use parley::domain::template_inputs::{ButtonInput, HeaderInput, NamedParam, TemplateInputs};
use parley::domain::Millis;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Free text (inside the service window) or an approved template.
#[derive(Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[schemars(rename = "Send")]
pub(crate) enum SendBody {
    Text {
        text: String,
        #[serde(default)]
        context: Option<ContextBody>,
    },
    Template {
        template: TemplateBody,
        #[serde(default)]
        context: Option<ContextBody>,
    },
    /// A file uploaded with `POST /api/contacts/{id}/uploads`.
    Media {
        media: MediaBody,
        #[serde(default)]
        context: Option<ContextBody>,
    },
    /// Reply buttons or a list (inside the service window).
    Interactive {
        interactive: InteractiveMessage,
        #[serde(default)]
        context: Option<ContextBody>,
    },
    /// The business's reaction to a customer's message (inside the service
    /// window); an empty `emoji` removes it.
    Reaction { reaction: ReactionBody },
}

/// One emoji on the customer's message `message_id` (its wamid).
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "ReactionSend")]
pub(crate) struct ReactionBody {
    message_id: String,
    #[serde(default)]
    emoji: String,
}

/// An uploaded file by its `key`, with the type it was uploaded as, a
/// caption (not for audio) and, for a document, the name it is shown under.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "MediaSend")]
pub(crate) struct MediaBody {
    key: String,
    mime_type: String,
    #[serde(default)]
    caption: Option<String>,
    #[serde(default)]
    filename: Option<String>,
}

impl MediaBody {
    /// The content, its size and kind to be read from the bucket at send
    /// time (an unknown type is refused there, naming it).
    fn into_content(self) -> OutboundContent {
        let caption = self.caption.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        OutboundContent::Media {
            file: OutboundFile {
                kind: MediaKind::of(&self.mime_type).unwrap_or(MediaKind::Document),
                key: self.key,
                mime_type: self.mime_type,
                size: 0,
                filename: self.filename,
                caption,
                buttons: vec![],
            },
        }
    }
}

/// The message replied to.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "ReplyContext")]
pub(crate) struct ContextBody {
    message_id: String,
}

/// A template by name and language, with what each of its components needs:
/// positional body parameters in order (`params`) or named ones by name
/// (`named`), the header's value, and values for URL (suffix), copy-code and
/// quick-reply buttons by their index.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "TemplateSend")]
pub(crate) struct TemplateBody {
    name: String,
    language: String,
    #[serde(default)]
    params: Vec<String>,
    #[serde(default)]
    named: BTreeMap<String, String>,
    #[serde(default)]
    header: Option<HeaderInput>,
    #[serde(default)]
    buttons: Vec<ButtonInput>,
}

impl TemplateBody {
    fn into_content(self) -> OutboundContent {
        let named = self.named.into_iter().map(|(parameter_name, text)| NamedParam { parameter_name, text }).collect();
        OutboundContent::Template {
            name: self.name,
            language: self.language,
            params: self.params,
            inputs: TemplateInputs { header: self.header, named, buttons: self.buttons },
        }
    }
}

fn refusal(e: SendRefusal) -> ApiError {
    let status = match e {
        SendRefusal::WindowClosed { .. } | SendRefusal::OptedOut | SendRefusal::NoMarketingConsent => {
            StatusCode::CONFLICT
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let mut error = ApiError::new(status, e.code(), e.to_string());
    if let SendRefusal::WindowClosed { closed_at } = e {
        error = error.with_detail("window_closed_at", json!(closed_at.map(Millis::to_rfc3339)));
    }
    error
}

pub(crate) async fn send(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SendBody>,
) -> Result<(StatusCode, Json<QueuedView>), ApiError> {
    let contact = state.inbox().visible_contact(&session, &contact_id(&id)?).await?.id;
    let (content, context) = match body {
        SendBody::Text { text, context } => (OutboundContent::Text { text }, context),
        SendBody::Template { template, context } => (template.into_content(), context),
        SendBody::Media { media, context } => (media.into_content(), context),
        SendBody::Interactive { interactive, context } => (OutboundContent::Interactive { interactive }, context),
        SendBody::Reaction { reaction } => {
            let ReactionBody { message_id, emoji } = reaction;
            (OutboundContent::Reaction { message_id, emoji: emoji.trim().to_owned() }, None)
        }
    };
    let idempotency_key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .map(str::to_owned);
    let command = SendCommand {
        contact,
        content,
        reply_to: context.map(|c| c.message_id),
        idempotency_key,
        actor: session.email.clone(),
    };
    let queued = state.send().send(command).await.map_err(send_error)?;
    Ok((StatusCode::ACCEPTED, Json(queued.into())))
}

/// The answer to a send that queued nothing.
pub(crate) fn send_error(e: SendError) -> ApiError {
    match e {
        SendError::NotFound => ApiError::not_found("contact"),
        SendError::Refused(r) => refusal(r),
        e @ SendError::KeyReused => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused", e.to_string())
        }
        SendError::Store(s) => s.into(),
    }
}

pub(crate) async fn retry(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<RequeuedView>), ApiError> {
    let message = state.outbox().locate(&id).await?.ok_or_else(|| ApiError::not_found("message"))?;
    state.inbox().visible_contact(&session, &message.contact).await.map_err(|_| ApiError::not_found("message"))?;
    state.send().retry(&message).await.map_err(|e| match e {
        RetryError::NotFound => ApiError::not_found("message"),
        e @ RetryError::NotRetryable => ApiError::new(StatusCode::CONFLICT, "not_retryable", e.to_string()),
        RetryError::TooSoon { retry_after } => ApiError::new(StatusCode::CONFLICT, "outcome_pending", e.to_string())
            .with_detail("retry_after", json!(retry_after.to_rfc3339())),
        RetryError::Refused(r) => refusal(r),
        RetryError::Store(s) => s.into(),
    })?;
    Ok((StatusCode::ACCEPTED, Json(RequeuedView::new(id))))
}

#[derive(Deserialize, JsonSchema)]
pub(crate) struct TemplatesQuery {
    /// A business number's `phone_number_id`: only the templates a message
    /// from it may use (its account's catalog). Every account's otherwise.
    number: Option<String>,
}

pub(crate) async fn templates(
    State(state): State<Arc<ApiState>>,
    _staff: Staff,
    Query(q): Query<TemplatesQuery>,
) -> Result<Json<PageView<Template>>, ApiError> {
    let templates = match q.number {
        Some(number) => state.catalogs().for_number(&number).await?,
        None => state.templates().list_templates().await?,
    };
    Ok(Json(PageView::whole(templates)))
}

pub(crate) async fn sync_templates(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
) -> Result<Json<TemplatesSyncedView>, ApiError> {
    if !session.role.supervises() {
        return Err(ApiError::forbidden("only managers and administrators sync templates"));
    }
    // The causes are logged by the client; the answer stays generic.
    let accounts = state.catalogs().sync().await?;
    if accounts.iter().all(|a| a.error.is_some()) {
        return Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "cloud_api_unavailable",
            "the template catalog could not be read from the WhatsApp Cloud API; try again later",
        ));
    }
    Ok(Json(TemplatesSyncedView::new(&accounts)))
}

#[derive(Deserialize, JsonSchema)]
pub(crate) struct MonthQuery {
    /// `YYYY-MM`; the current month unless said.
    month: Option<String>,
}

pub(crate) async fn reply_estimate(
    State(state): State<Arc<ApiState>>,
    VisibleContact { contact, .. }: VisibleContact,
) -> Result<Json<ReplyEstimateView>, ApiError> {
    let rates = state.send().rate_cards().await?;
    let now = state.clock.now();
    // The month's replies are read only when an allowance makes them matter.
    let used = match rates.free_replies_left(0) {
        Some(_) => parley::domain::spend::service_replies(&state.spend().spend(&now.month()).await?),
        None => 0,
    };
    Ok(Json(ReplyEstimateView::new(&contact, &rates, now, used)))
}

pub(crate) async fn spend(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Query(q): Query<MonthQuery>,
) -> Result<Json<SpendView>, ApiError> {
    if !session.role.supervises() {
        return Err(ApiError::forbidden("only managers and administrators read reports"));
    }
    let now = state.clock.now();
    let month = q.month.unwrap_or_else(|| now.month());
    let valid = month.len() == 7
        && month.as_bytes()[4] == b'-'
        && month.bytes().enumerate().all(|(i, b)| i == 4 || b.is_ascii_digit());
    let progress = parley::domain::spend_forecast::month_progress(&month, &now.utc_date());
    let (true, Ok(progress)) = (valid, progress) else {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_month", "month must be YYYY-MM"));
    };
    let lines = state.spend().spend(&month).await?;
    let cards = state.send().rate_cards().await?;
    let summary = parley::domain::spend::SpendSummary::of(&lines, &cards);
    Ok(Json(SpendView::new(month, &summary, progress)))
}

#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "OptOutChange")]
pub(crate) struct OptOutBody {
    opted_out: bool,
}

pub(crate) async fn opt_out(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<OptOutBody>,
) -> Result<Json<OptOutView>, ApiError> {
    let contact = state.inbox().visible_contact(&session, &contact_id(&id)?).await?.id;
    state.opt_outs().set(&session, &contact, body.opted_out).await?;
    Ok(Json(OptOutView::new(id, body.opted_out)))
}
