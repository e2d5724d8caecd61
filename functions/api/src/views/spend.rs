//! The spend report: messages Meta priced in one month, by pricing
//! category, business number and sender, each billable one at the business's
//! rate card, with the month's end forecast from the days elapsed.

use parley::domain::spend::{SpendFigures, SpendSummary};
use parley::domain::spend_forecast::MonthProgress;
use schemars::JsonSchema;
use serde::Serialize;

/// One month's counts and cost; a category or number with no messages has no line.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Spend")]
pub struct SpendView {
    /// `YYYY-MM`, as asked (or the current month).
    month: String,
    items: Vec<SpendLineView>,
    /// Per business number (`phone_number_id` empty: counted before numbers were kept).
    by_number: Vec<NumberSpendView>,
    /// Per teammate who pressed send; the line with `agent` empty is the
    /// rest of the month (rules, campaigns, follow-ups, and messages priced
    /// before senders were kept). Absent lines sent nothing priced.
    by_agent: Vec<AgentSpendView>,
    /// The whole month.
    total: SpendFiguresView,
    /// Days of the month counted so far (UTC, today included): the whole
    /// month once it is over, 0 before it begins.
    days_elapsed: u32,
    /// Days in the month.
    days_in_month: u32,
}

/// Counts, cost and forecast of one line.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "SpendFigures")]
pub struct SpendFiguresView {
    billable: u64,
    free: u64,
    /// The billable messages at the rate card, per currency (the
    /// business's, and USD for markets Meta prices only in USD). Meta's
    /// pricing names the category, not the price: this is the card's.
    costs: Vec<MoneyView>,
    /// Billable messages the month will end with if it goes on as it has:
    /// `billable × days_in_month / days_elapsed`, to the nearest message.
    billable_forecast: u64,
    /// The costs forecast the same way.
    costs_forecast: Vec<MoneyView>,
}

/// An amount in one currency.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Money")]
pub struct MoneyView {
    /// ISO 4217.
    currency: String,
    /// Minor units (paise, cents).
    amount_minor: u64,
}

impl SpendFiguresView {
    fn new(figures: &SpendFigures, progress: MonthProgress) -> Self {
        let money = |project: bool| {
            let amount = |minor: u64| if project { progress.project(minor) } else { minor };
            let costs = figures.cost_minor.iter();
            costs
                .map(|(currency, minor)| MoneyView { currency: currency.clone(), amount_minor: amount(*minor) })
                .collect()
        };
        SpendFiguresView {
            billable: figures.billable,
            free: figures.free,
            costs: money(false),
            billable_forecast: progress.project(figures.billable),
            costs_forecast: money(true),
        }
    }
}

/// One pricing category's figures.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "SpendLine")]
pub struct SpendLineView {
    month: String,
    category: String,
    #[serde(flatten)]
    figures: SpendFiguresView,
}

/// One business number's figures.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "NumberSpend")]
pub struct NumberSpendView {
    phone_number_id: String,
    #[serde(flatten)]
    figures: SpendFiguresView,
}

/// One teammate's figures.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "AgentSpend")]
pub struct AgentSpendView {
    /// The teammate's e-mail address; empty for what no teammate sent.
    agent: String,
    #[serde(flatten)]
    figures: SpendFiguresView,
}

impl SpendView {
    /// The report for `month` from its summary, `progress` into the month.
    pub fn new(month: String, summary: &SpendSummary, progress: MonthProgress) -> Self {
        let items = summary
            .by_category
            .iter()
            .map(|(category, f)| SpendLineView {
                month: month.clone(),
                category: category.clone(),
                figures: SpendFiguresView::new(f, progress),
            })
            .collect();
        let by_number = summary
            .by_number
            .iter()
            .map(|(number, f)| NumberSpendView {
                phone_number_id: number.clone(),
                figures: SpendFiguresView::new(f, progress),
            })
            .collect();
        let by_agent = summary
            .by_agent
            .iter()
            .map(|(agent, f)| AgentSpendView { agent: agent.clone(), figures: SpendFiguresView::new(f, progress) })
            .collect();
        SpendView {
            month,
            items,
            by_number,
            by_agent,
            total: SpendFiguresView::new(&summary.total, progress),
            days_elapsed: progress.days_elapsed,
            days_in_month: progress.days_in_month,
        }
    }
}
