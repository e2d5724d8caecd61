//! What a quotation or invoice PDF shows, gathered in one value so the
//! renderer needs nothing else (no store, no clock).

use crate::domain::indian_state::{indian_state, indian_state_name};
use crate::domain::minor_units::AmountOverflow;
use crate::domain::quote::{Quote, QuoteState, QuoteTotals};
use crate::domain::quote_line::QuoteLine;
use crate::domain::tax_scheme::TaxScheme;

/// Which document the PDF is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// An offer, valid until a date.
    Quotation,
    /// A GST tax invoice (or plain invoice), numbered in its own series.
    Invoice,
}

impl DocumentKind {
    /// The heading printed at the top.
    pub fn title(self) -> &'static str {
        match self {
            DocumentKind::Quotation => "Quotation",
            DocumentKind::Invoice => "Tax invoice",
        }
    }
}

/// A business or customer as the document names them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Party {
    /// The name, in any script (Hindi names print in Devanagari).
    pub name: String,
    /// Address lines and tax ids (`GSTIN 27AAAPL1234C1Z5`), printed in order.
    pub lines: Vec<String>,
}

/// Everything one quotation or invoice PDF prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteDocument {
    /// Quotation or invoice.
    pub kind: DocumentKind,
    /// `QT-2026-0001` or `INV-2026-0001`.
    pub number: String,
    /// The date it is issued (`YYYY-MM-DD`).
    pub issued_on: String,
    /// Until when a quotation holds (`YYYY-MM-DD`); not printed on invoices.
    pub valid_until: String,
    /// The quotation an invoice was raised against (its number).
    pub against_quotation: Option<String>,
    /// Who sells.
    pub business: Party,
    /// Who buys ("Bill to").
    pub customer: Party,
    /// The GST place of supply (a state's name); none outside GST.
    pub place_of_supply: Option<String>,
    /// ISO 4217.
    pub currency: String,
    /// The lines as quoted.
    pub lines: Vec<QuoteLine>,
    /// The lines' amounts and the sums, from the domain's rounding.
    pub totals: QuoteTotals,
    /// Payment and delivery terms, as typed (blank lines part paragraphs).
    pub terms: String,
}

impl QuoteDocument {
    /// The document for `quote`: its invoice once invoiced (or paid), else
    /// the quotation. Fails only when the amounts do not fit.
    pub fn from_quote(
        quote: &Quote,
        business: Party,
        customer: Party,
        issued_on: String,
    ) -> Result<QuoteDocument, AmountOverflow> {
        let invoice_number = match quote.state {
            QuoteState::Invoiced | QuoteState::Paid => quote.invoice_number.clone(),
            _ => None,
        };
        let (kind, number, against_quotation) = match invoice_number {
            Some(number) => (DocumentKind::Invoice, number, Some(quote.number.clone())),
            None => (DocumentKind::Quotation, quote.number.clone(), None),
        };
        let place_of_supply = match &quote.tax {
            TaxScheme::Gst { customer_state, .. } => indian_state(customer_state)
                .map(|code| indian_state_name(&code).map_or(code.clone(), |name| format!("{name} ({code})"))),
            TaxScheme::Single { .. } => None,
        };
        Ok(QuoteDocument {
            kind,
            number,
            issued_on,
            valid_until: quote.valid_until.clone(),
            against_quotation,
            business,
            customer,
            place_of_supply,
            currency: quote.currency.clone(),
            lines: quote.lines.clone(),
            totals: quote.totals()?,
            terms: quote.terms.clone(),
        })
    }
}
