//! A quote (or invoice) with its totals, as the quote builder and the PDF
//! compute them.

use parley::domain::quote::{Quote, QuoteState, QuoteTotals};
use parley::domain::quote_line::QuoteLine;
use parley::domain::tax_scheme::TaxScheme;
use schemars::JsonSchema;
use serde::Serialize;

/// A quote; amounts are minor units of `currency`, times RFC 3339,
/// `valid_until` a day (`YYYY-MM-DD`). `totals` are the server's: the
/// builder's preview shows the same numbers.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Quote")]
pub struct QuoteView {
    id: String,
    /// `QT-2026-0001`.
    number: String,
    /// `INV-2026-0001` once invoiced.
    invoice_number: Option<String>,
    contact_id: String,
    deal_id: Option<String>,
    state: QuoteState,
    currency: String,
    tax: TaxScheme,
    lines: Vec<QuoteLine>,
    valid_until: String,
    terms: String,
    /// Every state it has been in, oldest first.
    history: Vec<QuoteChangeView>,
    created_by: String,
    created_at: String,
    updated_at: String,
    totals: QuoteTotals,
}

/// One state change.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "QuoteChange")]
pub struct QuoteChangeView {
    to: QuoteState,
    by: String,
    at: String,
}

impl QuoteView {
    /// The view of `quote` with its `totals`.
    pub fn new(quote: Quote, totals: QuoteTotals) -> Self {
        QuoteView {
            id: quote.id,
            number: quote.number,
            invoice_number: quote.invoice_number,
            contact_id: quote.contact_id.to_string(),
            deal_id: quote.deal_id,
            state: quote.state,
            currency: quote.currency,
            tax: quote.tax,
            lines: quote.lines,
            valid_until: quote.valid_until,
            terms: quote.terms,
            history: quote
                .history
                .into_iter()
                .map(|h| QuoteChangeView { to: h.to, by: h.by, at: h.at.to_rfc3339() })
                .collect(),
            created_by: quote.created_by,
            created_at: quote.created_at.to_rfc3339(),
            updated_at: quote.updated_at.to_rfc3339(),
            totals,
        }
    }
}
