//! Products and quotations: build a quote on a contact (and its deal), move
//! it through its states with an audit line and an event in the same write,
//! and let the deal follow (sent → the pipeline's quote stage, accepted →
//! Won at the quote's value).

use crate::app::business_calendar::BusinessCalendar;
use crate::app::deals::{DealError, DealPatch, Deals};
use crate::domain::conversation::Viewer;
use crate::domain::currency::is_currency;
use crate::domain::document_number::Series;
use crate::domain::minor_units::AmountOverflow;
use crate::domain::product::{Product, ProductError};
use crate::domain::quote::{IllegalTransition, Quote, QuoteAction, QuoteChange, QuoteState, MAX_LINES, MAX_TERMS};
use crate::domain::quote_line::{QuoteLine, QuoteLineError};
use crate::domain::tax_scheme::{TaxScheme, TaxSchemeError};
use crate::domain::{AuditEntry, ContactId, Event, EventKind, Millis, Session};
use crate::ports::{Clock, ConversationStore, Page, PageRequest, ProductStore, QuoteStore, StoreError};
use rand::RngCore;
use std::sync::Arc;

/// Why a quote or product action was refused.
#[derive(Debug, thiserror::Error)]
pub enum QuoteError {
    /// No such quote or product, or out of the actor's sight.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Not allowed for this role.
    #[error("{0}")]
    Forbidden(&'static str),
    /// A bad field.
    #[error("{0}")]
    BadField(String),
    /// A bad product.
    #[error(transparent)]
    Product(#[from] ProductError),
    /// A bad line.
    #[error(transparent)]
    Line(#[from] QuoteLineError),
    /// A tax scheme that cannot be used (GST without the customer's state…).
    #[error(transparent)]
    Tax(#[from] TaxSchemeError),
    /// The amounts do not fit.
    #[error(transparent)]
    Overflow(#[from] AmountOverflow),
    /// Not from the quote's current state.
    #[error(transparent)]
    Transition(#[from] IllegalTransition),
    /// Someone changed the quote first.
    #[error("the quote changed meanwhile; reload and try again")]
    Conflict,
    /// The deal could not follow.
    #[error(transparent)]
    Deal(#[from] DealError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A quote as staff write it (new, or a draft rewritten).
#[derive(Debug, Clone)]
pub struct QuoteDraft {
    /// The customer.
    pub contact: ContactId,
    /// The deal it prices (must be the same contact's).
    pub deal_id: Option<String>,
    /// ISO 4217.
    pub currency: String,
    /// How it is taxed.
    pub tax: TaxScheme,
    /// The lines.
    pub lines: Vec<QuoteLine>,
    /// `YYYY-MM-DD`.
    pub valid_until: String,
    /// Terms.
    pub terms: String,
}

/// The quotes use case.
pub struct Quotes {
    quotes: Arc<dyn QuoteStore>,
    products: Arc<dyn ProductStore>,
    contacts: Arc<dyn ConversationStore>,
    deals: Deals,
    clock: Arc<dyn Clock>,
    calendar: BusinessCalendar,
    agents_see_all: bool,
}

impl Quotes {
    /// Wires the use case; `deals` is how the deal follows the quote.
    pub fn new(
        quotes: Arc<dyn QuoteStore>,
        products: Arc<dyn ProductStore>,
        contacts: Arc<dyn ConversationStore>,
        deals: Deals,
        clock: Arc<dyn Clock>,
        calendar: BusinessCalendar,
        agents_see_all: bool,
    ) -> Self {
        Quotes { quotes, products, contacts, deals, clock, calendar, agents_see_all }
    }

    /// The year a number issued now belongs to: the business's, so a quote
    /// written in Mumbai on the morning of 1 January is numbered in the new
    /// year although it is still the old one in UTC.
    async fn numbering_year(&self, now: Millis) -> Result<i32, QuoteError> {
        let day = self.calendar.current().await?.day_of(now);
        Ok(day.get(..4).and_then(|y| y.parse().ok()).unwrap_or(1970))
    }

    /// The catalog.
    pub async fn products(&self) -> Result<Vec<Product>, QuoteError> {
        Ok(self.products.products().await?)
    }

    /// Adds (no id) or replaces a product (supervisors).
    pub async fn put_product(&self, actor: &Session, mut product: Product) -> Result<Product, QuoteError> {
        if !actor.role.supervises() {
            return Err(QuoteError::Forbidden("only managers and administrators edit the product catalog"));
        }
        if product.id.is_empty() {
            product.id = new_id("pr");
        } else if !product.id.starts_with("pr.") || product.id.len() > 40 {
            return Err(QuoteError::NotFound("product"));
        }
        let product = product.validated()?;
        let audit = self.entry(actor, "product_put", None, serde_json::json!({"product": product.id}));
        self.products.put_product(&product, &audit).await?;
        Ok(product)
    }

    /// Removes a product (supervisors); sent quotes keep their lines.
    pub async fn delete_product(&self, actor: &Session, id: &str) -> Result<(), QuoteError> {
        if !actor.role.supervises() {
            return Err(QuoteError::Forbidden("only managers and administrators edit the product catalog"));
        }
        let audit = self.entry(actor, "product_delete", None, serde_json::json!({"product": id}));
        if !self.products.delete_product(id, &audit).await? {
            return Err(QuoteError::NotFound("product"));
        }
        Ok(())
    }

    /// Writes a new draft with the next `QT-` number. The caller has checked
    /// that the actor sees the contact.
    pub async fn create(&self, actor: &Session, draft: QuoteDraft) -> Result<Quote, QuoteError> {
        let draft = self.checked(actor, draft).await?;
        let now = self.clock.now();
        let year = self.numbering_year(now).await?;
        let sequence = self.quotes.next_in_series(&Series::Quote.counter(year)).await?;
        let quote = Quote {
            id: new_id("qt"),
            number: Series::Quote.number(year, sequence),
            invoice_number: None,
            contact_id: draft.contact,
            deal_id: draft.deal_id,
            state: QuoteState::Draft,
            currency: draft.currency,
            tax: draft.tax,
            lines: draft.lines,
            valid_until: draft.valid_until,
            terms: draft.terms,
            history: vec![QuoteChange { to: QuoteState::Draft, by: actor.email.clone(), at: now }],
            created_by: actor.email.clone(),
            created_at: now,
            updated_at: now,
        };
        let detail = serde_json::json!({"quote": quote.id, "number": quote.number});
        let audit = self.entry(actor, "quote_create", Some(&quote.contact_id), detail);
        self.quotes.create_quote(&quote, &audit).await?;
        Ok(quote)
    }

    /// Rewrites a draft (only drafts change; a sent quote is what the
    /// customer saw).
    pub async fn revise(&self, actor: &Session, id: &str, draft: QuoteDraft) -> Result<Quote, QuoteError> {
        let mut quote = self.get(actor, id).await?;
        if quote.state != QuoteState::Draft {
            return Err(QuoteError::BadField(format!("a {} quote cannot be edited", quote.state.as_str())));
        }
        let draft = self.checked(actor, QuoteDraft { contact: quote.contact_id.clone(), ..draft }).await?;
        let expected = quote.updated_at;
        quote.deal_id = draft.deal_id;
        quote.currency = draft.currency;
        quote.tax = draft.tax;
        quote.lines = draft.lines;
        quote.valid_until = draft.valid_until;
        quote.terms = draft.terms;
        quote.updated_at = self.clock.now().max(Millis(expected.0 + 1));
        let audit = self.entry(actor, "quote_update", Some(&quote.contact_id), serde_json::json!({"quote": quote.id}));
        if !self.quotes.save_quote(&quote, expected, &audit, None).await? {
            return Err(QuoteError::Conflict);
        }
        Ok(quote)
    }

    /// One quote the actor may see (not found otherwise).
    pub async fn get(&self, actor: &Session, id: &str) -> Result<Quote, QuoteError> {
        let quote = self.quotes.quote(id).await?.ok_or(QuoteError::NotFound("quote"))?;
        let viewer = Viewer { email: actor.email.clone(), role: actor.role, agents_see_all: self.agents_see_all };
        if !viewer.sees_all() {
            let contact = self.contacts.contact(&quote.contact_id).await?;
            if !contact.is_some_and(|c| viewer.can_see(&c.conversation)) {
                return Err(QuoteError::NotFound("quote"));
            }
        }
        Ok(quote)
    }

    /// A contact's quotes (the caller has checked that the actor sees it).
    pub async fn for_contact(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<Quote>, QuoteError> {
        Ok(self.quotes.contact_quotes(contact, page).await?)
    }

    /// A deal's quotes, if the actor may see the deal.
    pub async fn for_deal(&self, actor: &Session, deal: &str, page: &PageRequest) -> Result<Page<Quote>, QuoteError> {
        self.deals.get(actor, deal).await?;
        Ok(self.quotes.deal_quotes(deal, page).await?)
    }

    /// Takes `action` on a quote: the state change, its audit line and its
    /// `quote.*` event in one write, then the deal follows. Repeating an
    /// action the quote already went through (a retry, or a crash before
    /// the deal followed) does not change the quote again but lets the
    /// deal catch up.
    pub async fn act(&self, actor: &Session, id: &str, action: QuoteAction) -> Result<Quote, QuoteError> {
        let mut quote = self.get(actor, id).await?;
        let already = quote.history.last().is_some_and(|h| Some(h.to) == action.from_state(previous(&quote)));
        if !already {
            let expected = quote.updated_at;
            let now = self.clock.now();
            quote.apply(action, &actor.email, now)?;
            if action == QuoteAction::Invoice {
                let year = self.numbering_year(now).await?;
                let sequence = self.quotes.next_in_series(&Series::Invoice.counter(year)).await?;
                quote.invoice_number = Some(Series::Invoice.number(year, sequence));
            }
            let total = quote.totals()?.total_minor;
            let detail = serde_json::json!({
                "quote": quote.id,
                "number": quote.number,
                "invoice_number": quote.invoice_number,
                "deal": quote.deal_id,
                "state": quote.state.as_str(),
                "total_minor": total,
                "currency": quote.currency,
            });
            let name = action.event_name();
            let audit = self.entry(actor, &name.replace('.', "_"), Some(&quote.contact_id), detail.clone());
            let event = Event::new(event_kind(action), format!("{name}:{}", quote.id), quote.updated_at, detail)
                .about(&quote.contact_id)
                .by(&actor.email);
            if !self.quotes.save_quote(&quote, expected, &audit, Some(&event)).await? {
                return Err(QuoteError::Conflict);
            }
        }
        self.deal_follows(actor, &quote, action).await?;
        Ok(quote)
    }

    /// The customer's Accept tap on quote `id`, arriving on `contact`'s
    /// conversation: accepted as staff's Accept would, recorded as the
    /// customer's. A tap on another contact's quote, or on one no longer
    /// waiting for an answer (drafts, declined, already invoiced), changes
    /// nothing; `true` when the quote is accepted now or was already.
    pub async fn accept_for_customer(&self, contact: &ContactId, id: &str) -> Result<bool, QuoteError> {
        let customer = crate::app::rules::engine::system_session(CUSTOMER, self.clock.now());
        let quote = match self.get(&customer, id).await {
            Ok(quote) if &quote.contact_id == contact => quote,
            Ok(_) | Err(QuoteError::NotFound(_)) => return Ok(false),
            Err(e) => return Err(e),
        };
        if !matches!(quote.state, QuoteState::Sent | QuoteState::Accepted) {
            return Ok(false);
        }
        self.act(&customer, id, QuoteAction::Accept).await?;
        Ok(true)
    }

    /// Sent: the deal moves forward to its pipeline's quote stage (never
    /// back). Accepted: the deal takes the quote's value and is Won.
    async fn deal_follows(&self, actor: &Session, quote: &Quote, action: QuoteAction) -> Result<(), QuoteError> {
        let Some(deal_id) = &quote.deal_id else { return Ok(()) };
        let deal = self.deals.get(actor, deal_id).await?;
        let pipeline = self.deals.pipeline(&deal.pipeline).await?;
        let open = pipeline.stage(&deal.stage).map(|s| s.kind == crate::domain::pipeline::StageKind::Open);
        match action {
            QuoteAction::Send => {
                if let Some(stage) = pipeline.quote_stage() {
                    if open == Ok(true) && pipeline.is_before(&deal.stage, &stage.id) {
                        self.deals.move_to(actor, deal_id, &stage.id).await?;
                    }
                }
            }
            QuoteAction::Accept => {
                let total = quote.totals()?.total_minor;
                if deal.value_minor != total || deal.currency != quote.currency {
                    let patch = DealPatch {
                        value_minor: Some(total),
                        currency: Some(quote.currency.clone()),
                        ..DealPatch::default()
                    };
                    self.deals.update(actor, deal_id, patch).await?;
                }
                if let Some(won) = pipeline.won_stage() {
                    self.deals.move_to(actor, deal_id, &won.id).await?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The draft tidied and checked: currency, date, terms, lines, tax, and
    /// a deal of the same contact that the actor sees.
    async fn checked(&self, actor: &Session, draft: QuoteDraft) -> Result<QuoteDraft, QuoteError> {
        let currency = draft.currency.trim().to_ascii_uppercase();
        if !is_currency(&currency) {
            return Err(QuoteError::BadField("currency must be an ISO 4217 code such as INR".into()));
        }
        let format = time::macros::format_description!("[year]-[month]-[day]");
        if time::Date::parse(&draft.valid_until, format).is_err() {
            return Err(QuoteError::BadField(format!(
                "valid_until {:?} is not a date (YYYY-MM-DD)",
                draft.valid_until
            )));
        }
        if draft.terms.chars().count() > MAX_TERMS {
            return Err(QuoteError::BadField(format!("terms are at most {MAX_TERMS} characters")));
        }
        if draft.lines.is_empty() || draft.lines.len() > MAX_LINES {
            return Err(QuoteError::BadField(format!("a quote has 1 to {MAX_LINES} lines")));
        }
        let lines =
            draft.lines.into_iter().enumerate().map(|(i, l)| l.validated(i + 1)).collect::<Result<Vec<_>, _>>()?;
        let tax = draft.tax.validated()?;
        crate::domain::quote::totals(&lines, &tax)?;
        if let Some(deal) = &draft.deal_id {
            let deal = self.deals.get(actor, deal).await?;
            if deal.contact_id != draft.contact {
                return Err(QuoteError::BadField("the deal belongs to another contact".into()));
            }
        }
        Ok(QuoteDraft { currency, lines, tax, terms: draft.terms.trim().to_owned(), ..draft })
    }

    fn entry(
        &self,
        actor: &Session,
        action: &str,
        contact: Option<&ContactId>,
        detail: serde_json::Value,
    ) -> AuditEntry {
        AuditEntry::by(actor, self.clock.now(), action, contact, detail)
    }
}

/// Who a customer's own answer is recorded as (history, audit, events).
pub const CUSTOMER: &str = "customer";

/// The state before the latest change (draft for a new quote).
fn previous(quote: &Quote) -> QuoteState {
    let n = quote.history.len();
    if n >= 2 {
        quote.history[n - 2].to
    } else {
        QuoteState::Draft
    }
}

fn event_kind(action: QuoteAction) -> EventKind {
    match action {
        QuoteAction::Send => EventKind::QuoteSent,
        QuoteAction::Accept => EventKind::QuoteAccepted,
        QuoteAction::Decline => EventKind::QuoteDeclined,
        QuoteAction::Invoice => EventKind::QuoteInvoiced,
        QuoteAction::MarkPaid => EventKind::QuotePaid,
    }
}

fn new_id(prefix: &str) -> String {
    let mut bytes = [0u8; 10];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}.{}", hex::encode(bytes))
}
