//! A quotation and, once converted, its invoice: lines, taxes, totals, and
//! the states it moves through (draft → sent → accepted | declined →
//! invoiced → paid), each move a named action that may be refused.

use super::minor_units::{checked_sum, AmountOverflow};
use super::quote_line::{LineAmounts, QuoteLine, TaxAmount};
use super::tax_scheme::TaxScheme;
use super::{ContactId, Millis};
use serde::{Deserialize, Serialize};

/// The most lines one quote holds.
pub const MAX_LINES: usize = 100;
/// The longest terms kept.
pub const MAX_TERMS: usize = 2_000;

/// Where a quote stands.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteState {
    /// Being written; the only state in which lines change.
    Draft,
    /// Sent to the customer.
    Sent,
    /// The customer said yes.
    Accepted,
    /// The customer said no.
    Declined,
    /// Turned into an invoice (with its own number).
    Invoiced,
    /// The invoice was paid (marked by staff).
    Paid,
}

/// What staff (or the customer's Accept reply) do to a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteAction {
    /// Draft → sent.
    Send,
    /// Sent → accepted.
    Accept,
    /// Sent → declined.
    Decline,
    /// Accepted → invoiced.
    Invoice,
    /// Invoiced → paid.
    MarkPaid,
}

impl QuoteAction {
    /// The state this action leads to from `from`, if it may be taken there.
    pub fn from_state(self, from: QuoteState) -> Option<QuoteState> {
        use QuoteState::*;
        match (self, from) {
            (QuoteAction::Send, Draft) => Some(Sent),
            (QuoteAction::Accept, Sent) => Some(Accepted),
            (QuoteAction::Decline, Sent) => Some(Declined),
            (QuoteAction::Invoice, Accepted) => Some(Invoiced),
            (QuoteAction::MarkPaid, Invoiced) => Some(Paid),
            _ => None,
        }
    }

    /// The audit action and the event's public name (`quote.sent`…).
    pub fn event_name(self) -> &'static str {
        match self {
            QuoteAction::Send => "quote.sent",
            QuoteAction::Accept => "quote.accepted",
            QuoteAction::Decline => "quote.declined",
            QuoteAction::Invoice => "quote.invoiced",
            QuoteAction::MarkPaid => "quote.paid",
        }
    }
}

impl QuoteState {
    /// The public name.
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteState::Draft => "draft",
            QuoteState::Sent => "sent",
            QuoteState::Accepted => "accepted",
            QuoteState::Declined => "declined",
            QuoteState::Invoiced => "invoiced",
            QuoteState::Paid => "paid",
        }
    }
}

/// One state change in a quote's life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteChange {
    /// The state entered.
    pub to: QuoteState,
    /// Who (e-mail, or `customer` for a WhatsApp reply).
    pub by: String,
    /// When.
    pub at: Millis,
}

/// A quotation (and its invoice once converted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// Id (`qt.` and random hex).
    pub id: String,
    /// `QT-2026-0001`.
    pub number: String,
    /// `INV-2026-0001` once invoiced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_number: Option<String>,
    /// The customer.
    pub contact_id: ContactId,
    /// The deal it prices, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deal_id: Option<String>,
    /// Where it stands.
    pub state: QuoteState,
    /// ISO 4217.
    pub currency: String,
    /// How lines are taxed.
    pub tax: TaxScheme,
    /// The lines.
    pub lines: Vec<QuoteLine>,
    /// Valid until (`YYYY-MM-DD`).
    pub valid_until: String,
    /// Payment and delivery terms, as typed.
    #[serde(default)]
    pub terms: String,
    /// Every state it has been in.
    pub history: Vec<QuoteChange>,
    /// Who wrote it.
    pub created_by: String,
    /// Created.
    pub created_at: Millis,
    /// Last changed (the version concurrent edits are checked against).
    pub updated_at: Millis,
}

/// A quote's totals: the lines' rounded amounts summed.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteTotals {
    /// Each line's amounts, in line order.
    pub lines: Vec<LineAmounts>,
    /// Sum of the lines' gross.
    pub gross_minor: i64,
    /// Sum of the discounts.
    pub discount_minor: i64,
    /// Sum of the taxable amounts.
    pub taxable_minor: i64,
    /// Each tax at each rate, summed over the lines (`CGST 9%`, `SGST 9%`).
    pub taxes: Vec<TaxAmount>,
    /// What the customer pays.
    pub total_minor: i64,
}

/// The totals of `lines` under `scheme`.
pub fn totals(lines: &[QuoteLine], scheme: &TaxScheme) -> Result<QuoteTotals, AmountOverflow> {
    let amounts = lines.iter().map(|l| l.amounts(scheme)).collect::<Result<Vec<_>, _>>()?;
    let mut taxes: Vec<TaxAmount> = Vec::new();
    for tax in amounts.iter().flat_map(|a| &a.taxes) {
        match taxes.iter_mut().find(|t| t.name == tax.name && t.rate_bp == tax.rate_bp) {
            Some(sum) => sum.amount_minor = sum.amount_minor.checked_add(tax.amount_minor).ok_or(AmountOverflow)?,
            None => taxes.push(tax.clone()),
        }
    }
    Ok(QuoteTotals {
        gross_minor: checked_sum(amounts.iter().map(|a| a.gross_minor))?,
        discount_minor: checked_sum(amounts.iter().map(|a| a.discount_minor))?,
        taxable_minor: checked_sum(amounts.iter().map(|a| a.taxable_minor))?,
        total_minor: checked_sum(amounts.iter().map(|a| a.total_minor))?,
        taxes,
        lines: amounts,
    })
}

/// A state change that is not allowed from where the quote stands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a {from} quote cannot be {verb}")]
pub struct IllegalTransition {
    /// The current state's name.
    pub from: &'static str,
    /// What was tried, as a past participle.
    pub verb: &'static str,
}

impl Quote {
    /// Takes `action` (by `by`, at `at`): the new state, recorded in the
    /// history; refused when the action does not apply to the current state.
    pub fn apply(&mut self, action: QuoteAction, by: &str, at: Millis) -> Result<QuoteState, IllegalTransition> {
        let to = action.from_state(self.state).ok_or(IllegalTransition {
            from: self.state.as_str(),
            verb: match action {
                QuoteAction::Send => "sent",
                QuoteAction::Accept => "accepted",
                QuoteAction::Decline => "declined",
                QuoteAction::Invoice => "invoiced",
                QuoteAction::MarkPaid => "marked paid",
            },
        })?;
        self.state = to;
        self.history.push(QuoteChange { to, by: by.to_owned(), at });
        self.updated_at = at.max(Millis(self.updated_at.0 + 1));
        Ok(to)
    }

    /// The quote's totals.
    pub fn totals(&self) -> Result<QuoteTotals, AmountOverflow> {
        totals(&self.lines, &self.tax)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use QuoteAction::*;

    fn line(description: &str, quantity_milli: i64, unit_price_minor: i64, tax_rate_bp: u32) -> QuoteLine {
        QuoteLine {
            product_id: None,
            description: description.into(),
            quantity_milli,
            unit: String::new(),
            unit_price_minor,
            discount_bp: 0,
            tax_rate_bp,
        }
    }

    fn quote() -> Quote {
        Quote {
            id: "qt.1".into(),
            number: "QT-2026-0001".into(),
            invoice_number: None,
            contact_id: ContactId::parse("0123456789abcdef01234567").unwrap(),
            deal_id: None,
            state: QuoteState::Draft,
            currency: "INR".into(),
            tax: TaxScheme::Gst { business_state: "MH".into(), customer_state: "MH".into() },
            lines: vec![line("Kurta", 2_000, 49_900, 500), line("Stitching", 1_000, 30_000, 1_800)],
            valid_until: "2026-12-31".into(),
            terms: String::new(),
            history: vec![],
            created_by: "a@x".into(),
            created_at: Millis(1),
            updated_at: Millis(1),
        }
    }

    #[test]
    fn totals_group_taxes_by_name_and_rate_and_add_the_rounded_lines() {
        let t = quote().totals().unwrap();
        // 998.00 at 5% (2.5 + 2.5: 24.95 each) and 300.00 at 18% (9 + 9: 27.00 each).
        assert_eq!(t.taxable_minor, 129_800);
        let taxes: Vec<(&str, u32, i64)> =
            t.taxes.iter().map(|t| (t.name.as_str(), t.rate_bp, t.amount_minor)).collect();
        assert_eq!(taxes, [("CGST", 250, 2_495), ("SGST", 250, 2_495), ("CGST", 900, 2_700), ("SGST", 900, 2_700)]);
        assert_eq!(t.total_minor, 129_800 + 2 * 2_495 + 2 * 2_700);
        assert_eq!(t.total_minor, t.lines.iter().map(|l| l.total_minor).sum::<i64>());
    }

    #[test]
    fn the_happy_path_runs_draft_to_paid() {
        let mut q = quote();
        for (action, to) in [
            (Send, QuoteState::Sent),
            (Accept, QuoteState::Accepted),
            (Invoice, QuoteState::Invoiced),
            (MarkPaid, QuoteState::Paid),
        ] {
            assert_eq!(q.apply(action, "a@x", Millis(10)), Ok(to));
        }
        assert_eq!(q.history.len(), 4);
        assert!(q.updated_at.0 > 1);
    }

    #[test]
    fn every_illegal_transition_is_refused_and_changes_nothing() {
        use QuoteState::*;
        let actions = [Send, Accept, Decline, Invoice, MarkPaid];
        let legal = [(Draft, Send), (Sent, Accept), (Sent, Decline), (Accepted, Invoice), (Invoiced, MarkPaid)];
        for state in [Draft, Sent, Accepted, Declined, Invoiced, Paid] {
            for action in actions {
                let mut q = Quote { state, ..quote() };
                let result = q.apply(action, "a@x", Millis(10));
                if legal.contains(&(state, action)) {
                    assert!(result.is_ok(), "{state:?} {action:?}");
                } else {
                    assert!(result.is_err(), "{state:?} {action:?}");
                    assert_eq!((q.state, q.history.len(), q.updated_at), (state, 0, Millis(1)));
                }
            }
        }
        let mut declined = Quote { state: Declined, ..quote() };
        assert_eq!(
            declined.apply(Invoice, "a@x", Millis(2)).unwrap_err().to_string(),
            "a declined quote cannot be invoiced"
        );
    }

    #[test]
    fn event_names_are_the_public_ones() {
        let names: Vec<&str> = [Send, Accept, Decline, Invoice, MarkPaid].iter().map(|a| a.event_name()).collect();
        assert_eq!(names, ["quote.sent", "quote.accepted", "quote.declined", "quote.invoiced", "quote.paid"]);
    }
}
