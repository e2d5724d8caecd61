//! Products, quotes and invoices.

use crate::contacts::{contact_id, PageQuery};
use crate::json_body::ApiJson;
use crate::outbound::send_error;
use crate::session::Staff;
use crate::views::{PageView, QuotePdfView, QuoteView};
use crate::visible_contact::VisibleContact;
use crate::{ApiError, ApiState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use parley::app::quote_delivery::QuoteDeliveryError;
use parley::app::quotes::{QuoteDraft, QuoteError};
use parley::app::send_message::SendCommand;
use parley::domain::product::Product;
use parley::domain::quote::{totals, Quote, QuoteAction, QuoteState, QuoteTotals};
use parley::domain::quote_line::QuoteLine;
use parley::domain::tax_scheme::TaxScheme;
use parley::domain::Session;
use parley::ports::LinkDisposition;
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

impl From<QuoteError> for ApiError {
    fn from(e: QuoteError) -> Self {
        let invalid = |e: &QuoteError| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string());
        match e {
            QuoteError::NotFound(what) => ApiError::not_found(what),
            QuoteError::Forbidden(_) => ApiError::forbidden(&e.to_string()),
            QuoteError::BadField(_)
            | QuoteError::Product(_)
            | QuoteError::Line(_)
            | QuoteError::Tax(_)
            | QuoteError::Overflow(_) => invalid(&e),
            QuoteError::Transition(_) => ApiError::new(StatusCode::CONFLICT, "illegal_transition", e.to_string()),
            QuoteError::Conflict => ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string()),
            QuoteError::Deal(d) => d.into(),
            QuoteError::Store(s) => s.into(),
        }
    }
}

fn view(quote: Quote) -> Result<QuoteView, ApiError> {
    let totals = quote.totals().map_err(QuoteError::from)?;
    Ok(QuoteView::new(quote, totals))
}

pub(crate) async fn products(
    State(state): State<Arc<ApiState>>,
    _staff: Staff,
) -> Result<Json<PageView<Product>>, ApiError> {
    Ok(Json(PageView::whole(state.quotes().products().await?)))
}

/// A catalog entry; prices in minor units of the business currency, tax in basis points (1800 = 18%).
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "ProductInput")]
pub(crate) struct ProductBody {
    name: String,
    #[serde(default)]
    sku: String,
    unit_price_minor: i64,
    tax_rate_bp: u32,
    #[serde(default)]
    unit: String,
}

impl ProductBody {
    fn product(self, id: String) -> Product {
        Product {
            id,
            name: self.name,
            sku: self.sku,
            unit_price_minor: self.unit_price_minor,
            tax_rate_bp: self.tax_rate_bp,
            unit: self.unit,
        }
    }
}

pub(crate) async fn create_product(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    ApiJson(b): ApiJson<ProductBody>,
) -> Result<(StatusCode, Json<Product>), ApiError> {
    Ok((StatusCode::CREATED, Json(state.quotes().put_product(&session, b.product(String::new())).await?)))
}

pub(crate) async fn put_product(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ProductBody>,
) -> Result<Json<Product>, ApiError> {
    Ok(Json(state.quotes().put_product(&session, b.product(id)).await?))
}

pub(crate) async fn delete_product(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.quotes().delete_product(&session, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A quote as written: lines (quantity in thousandths, prices in minor units, discount and tax in
/// basis points), the tax scheme (`gst` with both states, or `single` with a name), validity and terms.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "QuoteInput")]
pub(crate) struct QuoteBody {
    contact_id: String,
    deal_id: Option<String>,
    /// ISO 4217; the business's when absent.
    currency: Option<String>,
    tax: TaxScheme,
    lines: Vec<QuoteLine>,
    /// `YYYY-MM-DD`.
    valid_until: String,
    #[serde(default)]
    terms: String,
}

async fn draft(state: &ApiState, session: &Session, b: QuoteBody) -> Result<QuoteDraft, ApiError> {
    let contact = state.inbox().visible_contact(session, &contact_id(&b.contact_id)?).await?;
    let currency = match b.currency {
        Some(currency) => currency,
        None => crate::business::current_profile(state).await?.currency,
    };
    Ok(QuoteDraft {
        contact: contact.id,
        deal_id: b.deal_id.filter(|d| !d.is_empty()),
        currency,
        tax: b.tax,
        lines: b.lines,
        valid_until: b.valid_until,
        terms: b.terms,
    })
}

pub(crate) async fn create(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    ApiJson(b): ApiJson<QuoteBody>,
) -> Result<(StatusCode, Json<QuoteView>), ApiError> {
    let draft = draft(&state, &session, b).await?;
    Ok((StatusCode::CREATED, Json(view(state.quotes().create(&session, draft).await?)?)))
}

pub(crate) async fn revise(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<QuoteBody>,
) -> Result<Json<QuoteView>, ApiError> {
    let draft = draft(&state, &session, b).await?;
    Ok(Json(view(state.quotes().revise(&session, &id, draft).await?)?))
}

/// Lines and a tax scheme to total, as the builder previews them.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "QuotePreviewInput")]
pub(crate) struct PreviewBody {
    tax: TaxScheme,
    lines: Vec<QuoteLine>,
}

pub(crate) async fn preview(_staff: Staff, ApiJson(b): ApiJson<PreviewBody>) -> Result<Json<QuoteTotals>, ApiError> {
    let lines = b
        .lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| l.validated(i + 1))
        .collect::<Result<Vec<_>, _>>()
        .map_err(QuoteError::from)?;
    let tax = b.tax.validated().map_err(QuoteError::from)?;
    Ok(Json(totals(&lines, &tax).map_err(QuoteError::from)?))
}

pub(crate) async fn get(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<QuoteView>, ApiError> {
    Ok(Json(view(state.quotes().get(&session, &id).await?)?))
}

pub(crate) async fn for_contact(
    State(state): State<Arc<ApiState>>,
    VisibleContact { contact, .. }: VisibleContact,
    Query(page): Query<PageQuery>,
) -> Result<Json<PageView<QuoteView>>, ApiError> {
    let page = state.quotes().for_contact(&contact.id, &page.into()).await?;
    let items = page.items.into_iter().map(view).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(PageView::from_page(parley::ports::Page { items, next_cursor: page.next_cursor }, |v| v)))
}

pub(crate) async fn for_deal(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
    Query(page): Query<PageQuery>,
) -> Result<Json<PageView<QuoteView>>, ApiError> {
    let page = state.quotes().for_deal(&session, &id, &page.into()).await?;
    let items = page.items.into_iter().map(view).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(PageView::from_page(parley::ports::Page { items, next_cursor: page.next_cursor }, |v| v)))
}

async fn act(state: &ApiState, session: &Session, id: &str, action: QuoteAction) -> Result<Json<QuoteView>, ApiError> {
    Ok(Json(view(state.quotes().act(session, id, action).await?)?))
}

impl From<QuoteDeliveryError> for ApiError {
    fn from(e: QuoteDeliveryError) -> Self {
        match e {
            QuoteDeliveryError::NoContact => ApiError::not_found("contact"),
            QuoteDeliveryError::Overflow(_) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string())
            }
            QuoteDeliveryError::Store(s) => s.into(),
            QuoteDeliveryError::NoTemplate => ApiError::new(StatusCode::CONFLICT, "no_quote_template", e.to_string()),
            QuoteDeliveryError::Pdf(_) | QuoteDeliveryError::Bucket(_) | QuoteDeliveryError::Fonts(_) => {
                tracing::error!(error = %e, "a quote's PDF could not be made or kept");
                ApiError::new(StatusCode::BAD_GATEWAY, "quote_pdf", "the quote's PDF could not be made; try again")
            }
        }
    }
}

/// Sends the quote to the customer on WhatsApp (its PDF with Accept and Ask
/// a question buttons; outside the 24-hour window as a utility template
/// carrying the PDF), then marks it sent. The message is keyed on the
/// quote, so a repeat (a double click, a retry after a lost answer) sends
/// nothing twice, and a refusal (no template for a closed window, an
/// opted-out customer) leaves the quote a draft.
pub(crate) async fn send(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<QuoteView>, ApiError> {
    let quote = state.quotes().get(&session, &id).await?;
    // Only a draft goes out: once sent, a repeat only confirms the state.
    // The key names the draft's version, so a double click (or a retry
    // after a crash before the quote was marked) replays the one message,
    // while a draft edited after a refused send is a new one.
    if quote.state == QuoteState::Draft {
        let content = state.quote_delivery().prepare(&quote).await?;
        let command = SendCommand {
            contact: quote.contact_id.clone(),
            content,
            reply_to: None,
            idempotency_key: Some(format!("quote:{}:{}", quote.id, quote.updated_at.0)),
            actor: session.email.clone(),
        };
        state.send().send(command).await.map_err(send_error)?;
    }
    act(&state, &session, &id, QuoteAction::Send).await
}

/// How long a PDF link works.
const PDF_LINK_SECONDS: u64 = 900;

/// The quote's PDF as it stands now: rendered, kept among the contact's
/// files, and handed out as a short-lived download link.
pub(crate) async fn pdf(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<QuotePdfView>, ApiError> {
    let quote = state.quotes().get(&session, &id).await?;
    let file = state.quote_delivery().render(&quote).await?;
    let key = state.quote_delivery().keep(&quote, file.bytes).await?;
    let url = state
        .media()
        .link(&key, "application/pdf", &file.filename, LinkDisposition::Attachment, PDF_LINK_SECONDS)
        .await
        .map_err(QuoteDeliveryError::from)?;
    Ok(Json(QuotePdfView { url, filename: file.filename, expires_in: PDF_LINK_SECONDS }))
}

pub(crate) async fn accept(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<QuoteView>, ApiError> {
    act(&state, &session, &id, QuoteAction::Accept).await
}

pub(crate) async fn decline(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<QuoteView>, ApiError> {
    act(&state, &session, &id, QuoteAction::Decline).await
}

pub(crate) async fn invoice(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<QuoteView>, ApiError> {
    act(&state, &session, &id, QuoteAction::Invoice).await
}

pub(crate) async fn paid(
    State(state): State<Arc<ApiState>>,
    Staff(session): Staff,
    Path(id): Path<String>,
) -> Result<Json<QuoteView>, ApiError> {
    act(&state, &session, &id, QuoteAction::MarkPaid).await
}
