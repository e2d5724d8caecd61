//! The business profile.

use parley::domain::BusinessProfile;
use schemars::JsonSchema;
use serde::Serialize;

/// The profile in force; `configured` is false while the defaults apply.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "BusinessProfile")]
pub struct BusinessProfileView {
    name: String,
    /// ISO 3166-1 alpha-2.
    country: String,
    /// ISO 4217.
    currency: String,
    /// IANA zone name.
    time_zone: String,
    /// Meta's id of the number new conversations start from, when set.
    phone_number_id: Option<String>,
    /// The Indian state registered in, for GST (`MH`), when set.
    state: Option<String>,
    /// GSTIN or VAT number, when set.
    tax_id: Option<String>,
    /// Postal address, a line per line.
    address: String,
    /// Opening a conversation sends the customer a read receipt.
    read_receipts: bool,
    /// Staff typing shows "typing…" to the customer.
    typing_indicator: bool,
    configured: bool,
}

impl BusinessProfileView {
    /// The view of `profile`.
    pub fn new(profile: BusinessProfile, configured: bool) -> Self {
        BusinessProfileView {
            name: profile.name,
            country: profile.country,
            currency: profile.currency,
            time_zone: profile.time_zone,
            phone_number_id: profile.phone_number_id,
            state: profile.state,
            tax_id: profile.tax_id,
            address: profile.address,
            read_receipts: profile.read_receipts,
            typing_indicator: profile.typing_indicator,
            configured,
        }
    }
}
