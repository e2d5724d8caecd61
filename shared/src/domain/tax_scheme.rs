//! Which taxes a quote charges: India's GST (split by place of supply) or
//! one named tax (VAT, sales tax) elsewhere.

use super::indian_state::indian_state;
use serde::{Deserialize, Serialize};

/// The longest name of a single tax (`VAT`, `Sales tax`).
pub const MAX_TAX_NAME: usize = 24;

/// How a quote's lines are taxed.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TaxScheme {
    /// India's GST: each line's rate is charged as CGST and SGST, half each,
    /// when the customer is in the business's state, else as IGST.
    Gst {
        /// The business's state (ISO 3166-2:IN code, `MH`).
        business_state: String,
        /// The customer's state: the place of supply.
        customer_state: String,
    },
    /// One tax under one name, at each line's rate.
    Single {
        /// Its name on the quote (`VAT`, `Sales tax`).
        name: String,
    },
}

/// One tax a line is charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxPart<'a> {
    /// Its name on the quote.
    pub name: &'a str,
    /// Its share of the line's rate: numerator over 2 for CGST and SGST.
    pub halves: u32,
}

/// Why a tax scheme cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxSchemeError {
    /// GST needs both states; the customer's is asked for on the quote.
    #[error("GST needs the {0} state (an ISO 3166-2:IN code such as MH or KA)")]
    State(&'static str),
    /// No or a long name.
    #[error("a tax needs a name of 1 to {MAX_TAX_NAME} characters")]
    Name,
}

impl TaxScheme {
    /// The scheme with its codes tidied, checked.
    pub fn validated(self) -> Result<Self, TaxSchemeError> {
        match self {
            TaxScheme::Gst { business_state, customer_state } => Ok(TaxScheme::Gst {
                business_state: indian_state(&business_state).ok_or(TaxSchemeError::State("business's"))?,
                customer_state: indian_state(&customer_state).ok_or(TaxSchemeError::State("customer's"))?,
            }),
            TaxScheme::Single { name } => {
                let name = name.trim().to_owned();
                if name.is_empty() || name.chars().count() > MAX_TAX_NAME {
                    return Err(TaxSchemeError::Name);
                }
                Ok(TaxScheme::Single { name })
            }
        }
    }

    /// The taxes each line is charged, in the order they are printed.
    pub fn parts(&self) -> Vec<TaxPart<'_>> {
        match self {
            TaxScheme::Gst { business_state, customer_state } if business_state == customer_state => {
                vec![TaxPart { name: "CGST", halves: 1 }, TaxPart { name: "SGST", halves: 1 }]
            }
            TaxScheme::Gst { .. } => vec![TaxPart { name: "IGST", halves: 2 }],
            TaxScheme::Single { name } => vec![TaxPart { name, halves: 2 }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gst(business: &str, customer: &str) -> TaxScheme {
        TaxScheme::Gst { business_state: business.into(), customer_state: customer.into() }
    }

    #[test]
    fn gst_within_a_state_splits_and_across_states_is_igst() {
        let within = gst("mh", " MH").validated().unwrap();
        let names: Vec<&str> = within.parts().iter().map(|p| p.name).collect();
        assert_eq!(names, ["CGST", "SGST"]);
        assert!(within.parts().iter().all(|p| p.halves == 1));
        let across = gst("MH", "KA").validated().unwrap();
        assert_eq!(across.parts(), [TaxPart { name: "IGST", halves: 2 }]);
    }

    #[test]
    fn gst_asks_for_a_state_it_does_not_know() {
        assert_eq!(gst("MH", "").validated(), Err(TaxSchemeError::State("customer's")));
        assert_eq!(gst("ZZ", "MH").validated(), Err(TaxSchemeError::State("business's")));
    }

    #[test]
    fn a_single_tax_needs_a_name() {
        let vat = TaxScheme::Single { name: " VAT ".into() }.validated().unwrap();
        assert_eq!(vat.parts(), [TaxPart { name: "VAT", halves: 2 }]);
        assert_eq!(TaxScheme::Single { name: " ".into() }.validated(), Err(TaxSchemeError::Name));
    }
}
