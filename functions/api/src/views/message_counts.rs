//! Messages in and out per day.

use schemars::JsonSchema;
use serde::Serialize;

/// Daily message counts between two days (`YYYY-MM-DD`, inclusive).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "MessageCounts")]
pub struct MessageCountsView {
    from: String,
    to: String,
    items: Vec<DayCountView>,
}

/// One day's counts.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "DayMessageCount")]
pub struct DayCountView {
    day: String,
    inbound: u64,
    outbound: u64,
}

impl MessageCountsView {
    /// The report from `(day, inbound, outbound)` rows.
    pub fn new(from: String, to: String, days: Vec<(String, u64, u64)>) -> Self {
        let items = days.into_iter().map(|(day, inbound, outbound)| DayCountView { day, inbound, outbound }).collect();
        MessageCountsView { from, to, items }
    }
}
