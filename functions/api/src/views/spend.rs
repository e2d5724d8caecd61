//! The spend report: messages by Meta pricing category for one month.

use parley::domain::spend::SpendLine;
use schemars::JsonSchema;
use serde::Serialize;

/// One month's counts; a category with no messages has no line.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Spend")]
pub struct SpendView {
    /// `YYYY-MM`, as asked (or the current month).
    month: String,
    items: Vec<SpendLineView>,
}

/// Billable and free message counts of one category.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "SpendLine")]
pub struct SpendLineView {
    month: String,
    category: String,
    billable: u64,
    free: u64,
}

impl SpendView {
    /// The report for `month` from its lines.
    pub fn new(month: String, lines: Vec<SpendLine>) -> Self {
        let items = lines
            .into_iter()
            .map(|l| SpendLineView { month: l.month, category: l.category, billable: l.billable, free: l.free })
            .collect();
        SpendView { month, items }
    }
}
