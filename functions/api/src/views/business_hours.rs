//! Each business number's opening hours.

use parley::domain::business_hours::BusinessHours;
use schemars::JsonSchema;
use serde::Serialize;

/// One number and its hours (`null`: none set, always open).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "NumberHours")]
pub struct NumberHoursView {
    /// Meta's `phone_number_id`.
    number: String,
    hours: Option<BusinessHours>,
}

impl NumberHoursView {
    /// The view of `number`'s `hours`.
    pub fn new(number: String, hours: Option<BusinessHours>) -> Self {
        NumberHoursView { number, hours }
    }
}

/// Every number Parley knows: with hours, the profile's, and those customers wrote to.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "BusinessHoursList")]
pub struct BusinessHoursListView {
    items: Vec<NumberHoursView>,
}

impl BusinessHoursListView {
    /// The list of `items`, by number.
    pub fn new(mut items: Vec<NumberHoursView>) -> Self {
        items.sort_by(|a, b| a.number.cmp(&b.number));
        BusinessHoursListView { items }
    }
}
