//! The business numbers, as Settings → Numbers and the inbox's number
//! filter show them.

use parley::app::number_settings::KnownNumber;
use parley::domain::number_profile::NumberProfile;
use schemars::JsonSchema;
use serde::Serialize;

/// One number: what admins set up for it, if anything.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "BusinessNumber")]
pub struct NumberView {
    /// Meta's `phone_number_id`.
    phone_number_id: String,
    /// `null` for a number customers wrote to that nobody has set up.
    profile: Option<NumberProfile>,
}

impl From<KnownNumber> for NumberView {
    fn from(known: KnownNumber) -> Self {
        NumberView { phone_number_id: known.phone_number_id, profile: known.profile }
    }
}

impl From<NumberProfile> for NumberView {
    fn from(profile: NumberProfile) -> Self {
        NumberView { phone_number_id: profile.phone_number_id.clone(), profile: Some(profile) }
    }
}

/// Every number known: set-up ones first, by name, then the others by id.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "BusinessNumberList")]
pub struct NumberListView {
    items: Vec<NumberView>,
}

impl NumberListView {
    /// The list of `numbers`, in the order given.
    pub fn new(numbers: Vec<KnownNumber>) -> Self {
        NumberListView { items: numbers.into_iter().map(NumberView::from).collect() }
    }
}
