//! One line of a quote and what it comes to.
//!
//! Rounding (documented in the README, mirrored by the web preview): every
//! amount is computed per line in integer minor units and rounded half up
//! once — the line's gross (quantity × unit price), its discount, and each
//! of its taxes (CGST and SGST each on their half rate). Quote totals are
//! plain sums of the rounded line amounts, so the lines always add up.

use super::minor_units::{divide_half_up, share, AmountOverflow, QUANTITY_SCALE};
use super::product::MAX_TAX_RATE_BP;
use super::tax_scheme::TaxScheme;
use serde::{Deserialize, Serialize};

/// The longest description kept.
pub const MAX_DESCRIPTION: usize = 200;
/// The largest quantity, in thousandths (one million units).
pub const MAX_QUANTITY_MILLI: i64 = 1_000_000_000;

/// One line, as it is quoted.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteLine {
    /// The catalog product it came from; none for free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// What is sold.
    pub description: String,
    /// How many, in thousandths (2.5 m = 2500).
    pub quantity_milli: i64,
    /// What is one unit (`pc`, `m`).
    pub unit: String,
    /// Price of one unit, in minor units.
    pub unit_price_minor: i64,
    /// Discount on the line, in basis points (1000 = 10%).
    pub discount_bp: u32,
    /// The line's tax rate in basis points (1800 = 18%).
    pub tax_rate_bp: u32,
}

/// Why a line cannot be quoted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuoteLineError {
    /// No description, or too long.
    #[error("line {0}: a description of 1 to {MAX_DESCRIPTION} characters is needed")]
    Description(usize),
    /// Not a positive quantity below the limit.
    #[error("line {0}: the quantity must be more than 0 and at most 1,000,000")]
    Quantity(usize),
    /// A negative price.
    #[error("line {0}: the unit price must be zero or more")]
    Price(usize),
    /// A discount over 100%.
    #[error("line {0}: the discount is 0 to 10000 basis points (0–100%)")]
    Discount(usize),
    /// A tax rate over 100%.
    #[error("line {0}: the tax rate is 0 to {MAX_TAX_RATE_BP} basis points (0–100%)")]
    TaxRate(usize),
}

/// One tax on one line.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxAmount {
    /// `CGST`, `SGST`, `IGST`, `VAT`…
    pub name: String,
    /// The rate charged under this name, in basis points (CGST 9% = 900).
    pub rate_bp: u32,
    /// The amount, in minor units.
    pub amount_minor: i64,
}

/// What one line comes to.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAmounts {
    /// Quantity × unit price.
    pub gross_minor: i64,
    /// The discount taken off.
    pub discount_minor: i64,
    /// Gross less discount: what tax is charged on.
    pub taxable_minor: i64,
    /// Each tax.
    pub taxes: Vec<TaxAmount>,
    /// Taxable plus taxes.
    pub total_minor: i64,
}

impl QuoteLine {
    /// The line tidied and checked; `number` (from 1) names it in errors.
    pub fn validated(self, number: usize) -> Result<Self, QuoteLineError> {
        let line = QuoteLine {
            description: self.description.split_whitespace().collect::<Vec<_>>().join(" "),
            unit: self.unit.trim().chars().take(super::product::MAX_UNIT).collect(),
            ..self
        };
        if line.description.is_empty() || line.description.chars().count() > MAX_DESCRIPTION {
            return Err(QuoteLineError::Description(number));
        }
        if line.quantity_milli <= 0 || line.quantity_milli > MAX_QUANTITY_MILLI {
            return Err(QuoteLineError::Quantity(number));
        }
        if line.unit_price_minor < 0 {
            return Err(QuoteLineError::Price(number));
        }
        if line.discount_bp > 10_000 {
            return Err(QuoteLineError::Discount(number));
        }
        if line.tax_rate_bp > MAX_TAX_RATE_BP {
            return Err(QuoteLineError::TaxRate(number));
        }
        Ok(line)
    }

    /// What the line comes to under `scheme`, each amount rounded half up.
    pub fn amounts(&self, scheme: &TaxScheme) -> Result<LineAmounts, AmountOverflow> {
        let gross =
            divide_half_up(i128::from(self.quantity_milli) * i128::from(self.unit_price_minor.max(0)), QUANTITY_SCALE)?;
        let discount = share(gross, self.discount_bp)?;
        let taxable = gross - discount;
        let mut taxes = Vec::new();
        for part in scheme.parts() {
            let amount = divide_half_up(
                i128::from(taxable) * i128::from(self.tax_rate_bp) * i128::from(part.halves),
                2 * super::minor_units::BASIS_POINTS,
            )?;
            // CGST/SGST rates of odd basis points (0.25% → 12.5 bp) print
            // rounded down; the amount is computed on the exact half.
            let rate_bp = self.tax_rate_bp * part.halves / 2;
            taxes.push(TaxAmount { name: part.name.to_owned(), rate_bp, amount_minor: amount });
        }
        let total =
            super::minor_units::checked_sum(std::iter::once(taxable).chain(taxes.iter().map(|t| t.amount_minor)))?;
        Ok(LineAmounts {
            gross_minor: gross,
            discount_minor: discount,
            taxable_minor: taxable,
            taxes,
            total_minor: total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(quantity_milli: i64, unit_price_minor: i64, discount_bp: u32, tax_rate_bp: u32) -> QuoteLine {
        QuoteLine {
            product_id: None,
            description: "Cotton kurta".into(),
            quantity_milli,
            unit: "pc".into(),
            unit_price_minor,
            discount_bp,
            tax_rate_bp,
        }
    }

    fn gst(customer: &str) -> TaxScheme {
        TaxScheme::Gst { business_state: "MH".into(), customer_state: customer.into() }
    }

    #[test]
    fn within_a_state_cgst_and_sgst_are_half_each() {
        // 3 × ₹499.00 less 10% = ₹1347.30; 18% GST = 9% + 9% = ₹121.26 each (121.257).
        let a = line(3_000, 49_900, 1_000, 1_800).amounts(&gst("MH")).unwrap();
        assert_eq!((a.gross_minor, a.discount_minor, a.taxable_minor), (149_700, 14_970, 134_730));
        assert_eq!(a.taxes.len(), 2);
        assert_eq!((a.taxes[0].name.as_str(), a.taxes[0].rate_bp, a.taxes[0].amount_minor), ("CGST", 900, 12_126));
        assert_eq!((a.taxes[1].name.as_str(), a.taxes[1].rate_bp, a.taxes[1].amount_minor), ("SGST", 900, 12_126));
        assert_eq!(a.total_minor, 134_730 + 2 * 12_126);
    }

    #[test]
    fn across_states_igst_is_the_whole_rate_rounded_once() {
        let a = line(3_000, 49_900, 1_000, 1_800).amounts(&gst("KA")).unwrap();
        // 18% of 134730 = 24251.4 → 24251 (one rounding, not two halves).
        assert_eq!(a.taxes, [TaxAmount { name: "IGST".into(), rate_bp: 1_800, amount_minor: 24_251 }]);
        assert_eq!(a.total_minor, 134_730 + 24_251);
    }

    #[test]
    fn fractional_quantities_and_halves_round_up() {
        // 2.5 m at ₹0.99 = 247.5 paise → 248.
        let a = line(2_500, 99, 0, 0).amounts(&TaxScheme::Single { name: "VAT".into() }).unwrap();
        assert_eq!((a.gross_minor, a.total_minor), (248, 248));
        // 5% VAT of 10 paise = 0.5 → 1.
        let b = line(1_000, 10, 0, 500).amounts(&TaxScheme::Single { name: "VAT".into() }).unwrap();
        assert_eq!(b.taxes[0].amount_minor, 1);
    }

    #[test]
    fn a_full_discount_leaves_nothing_to_tax() {
        let a = line(1_000, 10_000, 10_000, 1_800).amounts(&gst("KA")).unwrap();
        assert_eq!((a.taxable_minor, a.taxes[0].amount_minor, a.total_minor), (0, 0, 0));
    }

    #[test]
    fn huge_lines_overflow_instead_of_wrapping() {
        assert_eq!(line(MAX_QUANTITY_MILLI, i64::MAX, 0, 0).amounts(&gst("MH")), Err(AmountOverflow));
    }

    #[test]
    fn each_bad_field_is_named_with_its_line() {
        assert_eq!(line(0, 1, 0, 0).validated(2), Err(QuoteLineError::Quantity(2)));
        assert_eq!(line(MAX_QUANTITY_MILLI + 1, 1, 0, 0).validated(1), Err(QuoteLineError::Quantity(1)));
        assert_eq!(line(1, -1, 0, 0).validated(1), Err(QuoteLineError::Price(1)));
        assert_eq!(line(1, 1, 10_001, 0).validated(1), Err(QuoteLineError::Discount(1)));
        assert_eq!(line(1, 1, 0, 10_001).validated(1), Err(QuoteLineError::TaxRate(1)));
        let blank = QuoteLine { description: "  ".into(), ..line(1, 1, 0, 0) };
        assert_eq!(blank.validated(3), Err(QuoteLineError::Description(3)));
    }
}
