//! A product or service the business quotes: the catalog that fills quote
//! lines (a line keeps its own copy, so later price changes do not rewrite
//! quotes already sent).

use serde::{Deserialize, Serialize};

/// The longest name, SKU and unit kept.
pub const MAX_NAME: usize = 120;
/// The longest SKU kept.
pub const MAX_SKU: usize = 40;
/// The longest unit kept (`pc`, `m`, `kg`, `hour`…).
pub const MAX_UNIT: usize = 16;
/// The highest tax rate accepted, in basis points (100%).
pub const MAX_TAX_RATE_BP: u32 = 10_000;

/// One catalog entry.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// Id (`pr.` and random hex).
    pub id: String,
    /// What it is.
    pub name: String,
    /// The business's stock-keeping code, if it uses one.
    #[serde(default)]
    pub sku: String,
    /// Price of one unit, in minor units of the business currency.
    pub unit_price_minor: i64,
    /// Tax rate in basis points (1800 = 18% GST).
    pub tax_rate_bp: u32,
    /// What one unit is (`pc`, `m`, `kg`).
    #[serde(default)]
    pub unit: String,
}

/// Why a product cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProductError {
    /// No name, or too long.
    #[error("a product needs a name of 1 to {MAX_NAME} characters")]
    Name,
    /// SKU too long.
    #[error("a SKU is at most {MAX_SKU} characters")]
    Sku,
    /// Unit too long.
    #[error("a unit is at most {MAX_UNIT} characters")]
    Unit,
    /// A negative price.
    #[error("the unit price must be zero or more")]
    Price,
    /// Over 100%.
    #[error("the tax rate is 0 to {MAX_TAX_RATE_BP} basis points (0–100%)")]
    TaxRate,
}

impl Product {
    /// Trims what staff typed and checks every field.
    pub fn validated(self) -> Result<Self, ProductError> {
        let product = Product {
            name: self.name.split_whitespace().collect::<Vec<_>>().join(" "),
            sku: self.sku.trim().to_owned(),
            unit: self.unit.trim().to_owned(),
            ..self
        };
        if product.name.is_empty() || product.name.chars().count() > MAX_NAME {
            return Err(ProductError::Name);
        }
        if product.sku.chars().count() > MAX_SKU {
            return Err(ProductError::Sku);
        }
        if product.unit.chars().count() > MAX_UNIT {
            return Err(ProductError::Unit);
        }
        if product.unit_price_minor < 0 {
            return Err(ProductError::Price);
        }
        if product.tax_rate_bp > MAX_TAX_RATE_BP {
            return Err(ProductError::TaxRate);
        }
        Ok(product)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product() -> Product {
        Product {
            id: "pr.1".into(),
            name: "  Cotton   kurta ".into(),
            sku: " K-01 ".into(),
            unit_price_minor: 49_900,
            tax_rate_bp: 500,
            unit: " pc ".into(),
        }
    }

    #[test]
    fn tidies_and_accepts_a_good_product() {
        let p = product().validated().unwrap();
        assert_eq!((p.name.as_str(), p.sku.as_str(), p.unit.as_str()), ("Cotton kurta", "K-01", "pc"));
    }

    #[test]
    fn refuses_each_bad_field_by_name() {
        assert_eq!(Product { name: " ".into(), ..product() }.validated(), Err(ProductError::Name));
        assert_eq!(Product { name: "x".repeat(121), ..product() }.validated(), Err(ProductError::Name));
        assert_eq!(Product { sku: "s".repeat(41), ..product() }.validated(), Err(ProductError::Sku));
        assert_eq!(Product { unit: "u".repeat(17), ..product() }.validated(), Err(ProductError::Unit));
        assert_eq!(Product { unit_price_minor: -1, ..product() }.validated(), Err(ProductError::Price));
        assert_eq!(Product { tax_rate_bp: 10_001, ..product() }.validated(), Err(ProductError::TaxRate));
    }
}
