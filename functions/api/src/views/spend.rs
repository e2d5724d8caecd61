//! The spend report: messages by Meta pricing category for one month, with
//! the month's end forecast from the days elapsed.

use parley::domain::spend::SpendLine;
use parley::domain::spend_forecast::MonthProgress;
use schemars::JsonSchema;
use serde::Serialize;

/// One month's counts; a category with no messages has no line.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Spend")]
pub struct SpendView {
    /// `YYYY-MM`, as asked (or the current month).
    month: String,
    items: Vec<SpendLineView>,
    /// Days of the month counted so far (UTC, today included): the whole
    /// month once it is over, 0 before it begins.
    days_elapsed: u32,
    /// Days in the month.
    days_in_month: u32,
}

/// Billable and free message counts of one category.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "SpendLine")]
pub struct SpendLineView {
    month: String,
    category: String,
    billable: u64,
    free: u64,
    /// Billable messages the month will end with if it goes on as it has:
    /// `billable × days_in_month / days_elapsed`, to the nearest message.
    billable_forecast: u64,
}

impl SpendView {
    /// The report for `month` from its lines, `progress` into the month.
    pub fn new(month: String, lines: Vec<SpendLine>, progress: MonthProgress) -> Self {
        let items = lines
            .into_iter()
            .map(|l| SpendLineView {
                billable_forecast: progress.project(l.billable),
                month: l.month,
                category: l.category,
                billable: l.billable,
                free: l.free,
            })
            .collect();
        SpendView { month, items, days_elapsed: progress.days_elapsed, days_in_month: progress.days_in_month }
    }
}
