//! The spend report: what Meta's pricing on statuses says was billed, by
//! category, recipient market and business number, priced with the rate
//! card the business uses (Meta's published card with its own prices).

use super::country::calling_code_of;
use super::pricing::RateCards;
use super::status::StatusUpdate;
use super::template::Category;
use std::collections::BTreeMap;

/// One counter of the spend report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendLine {
    /// `YYYY-MM`.
    pub month: String,
    /// Meta's pricing category.
    pub category: String,
    /// The recipients' calling code (`None`: unknown, or counted before
    /// markets were kept; priced with the fallback card).
    pub market: Option<String>,
    /// The business number that sent (`None`: counted before numbers were kept).
    pub number: Option<String>,
    /// Billable messages.
    pub billable: u64,
    /// Free messages (service, free entry point, utility in window).
    pub free: u64,
}

/// Where a priced status is counted: its category, the recipient's market
/// and the number that sent it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SpendKey {
    /// Meta's pricing category.
    pub category: String,
    /// The recipient's calling code, when Meta named the recipient.
    pub market: Option<String>,
    /// The business number.
    pub number: Option<String>,
}

impl SpendKey {
    /// The key of a status priced in `category`.
    pub fn of(update: &StatusUpdate, category: String) -> Self {
        SpendKey {
            category,
            market: update.recipient_id.as_deref().and_then(calling_code_of).map(str::to_owned),
            number: Some(update.phone_number_id.clone()).filter(|n| !n.is_empty()),
        }
    }

    /// Its line of `month`'s report.
    pub fn line(self, month: &str, billable: u64, free: u64) -> SpendLine {
        SpendLine {
            month: month.to_owned(),
            category: self.category,
            market: self.market,
            number: self.number,
            billable,
            free,
        }
    }
}

/// Counts and what the billable ones cost.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpendFigures {
    /// Billable messages.
    pub billable: u64,
    /// Free messages.
    pub free: u64,
    /// The billable ones at the rate card, in minor units per currency:
    /// Meta publishes some markets' prices in USD whatever the business's
    /// currency, and those are not converted.
    pub cost_minor: BTreeMap<String, u64>,
}

impl SpendFigures {
    fn add(&mut self, line: &SpendLine, currency: &str, cost_minor: u64) {
        self.billable += line.billable;
        self.free += line.free;
        if cost_minor > 0 {
            *self.cost_minor.entry(currency.to_owned()).or_default() += cost_minor;
        }
    }
}

/// A month's spend, summed two ways.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpendSummary {
    /// Per pricing category.
    pub by_category: BTreeMap<String, SpendFigures>,
    /// Per business number (`""`: counted before numbers were kept).
    pub by_number: BTreeMap<String, SpendFigures>,
    /// The whole month.
    pub total: SpendFigures,
}

impl SpendSummary {
    /// Sums `lines`, each billable message priced at its market's card.
    /// Categories Meta bills that the card has no price for (service
    /// replies) cost nothing here.
    pub fn of(lines: &[SpendLine], cards: &RateCards) -> Self {
        let mut summary = SpendSummary::default();
        for line in lines {
            let card = cards.card_for(line.market.as_deref());
            let price = Category::parse(&line.category).and_then(|c| card.per_message.get(&c).copied()).unwrap_or(0);
            let (cost, currency) = (line.billable.saturating_mul(price), card.currency.as_str());
            summary.by_category.entry(line.category.clone()).or_default().add(line, currency, cost);
            summary.by_number.entry(line.number.clone().unwrap_or_default()).or_default().add(line, currency, cost);
            summary.total.add(line, currency, cost);
        }
        summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(category: &str, market: Option<&str>, number: Option<&str>, billable: u64, free: u64) -> SpendLine {
        SpendLine {
            month: "2026-12".into(),
            category: category.into(),
            market: market.map(str::to_owned),
            number: number.map(str::to_owned),
            billable,
            free,
        }
    }

    #[test]
    fn each_billable_message_is_priced_at_its_market_and_summed_by_category_and_number() {
        let cards = RateCards::default();
        let (india, brazil) = (cards.card_for(Some("91")), cards.card_for(Some("55")));
        let india_marketing = india.per_message[&Category::Marketing];
        let brazil_marketing = brazil.per_message[&Category::Marketing];
        let utility = india.per_message[&Category::Utility];
        let other = &cards.fallback;
        let lines = [
            line("marketing", Some("91"), Some("1"), 3, 0),
            line("marketing", Some("55"), Some("2"), 2, 0),
            line("utility", Some("91"), Some("2"), 1, 4),
            line("service", Some("91"), Some("1"), 0, 9),
            line("marketing", None, None, 1, 0),
        ];
        let summary = SpendSummary::of(&lines, &cards);
        let mut expected: BTreeMap<String, u64> = BTreeMap::new();
        for (currency, cost) in [
            (&india.currency, 3 * india_marketing + utility),
            (&brazil.currency, 2 * brazil_marketing),
            (&other.currency, other.per_message[&Category::Marketing]),
        ] {
            *expected.entry(currency.clone()).or_default() += cost;
        }
        assert_eq!(summary.total.cost_minor, expected, "each market in the currency Meta prices it in");
        assert_eq!((summary.total.billable, summary.total.free), (7, 13));
        assert_eq!(summary.by_category["marketing"].billable, 6);
        assert_eq!(summary.by_category["service"], SpendFigures { billable: 0, free: 9, cost_minor: BTreeMap::new() });
        let two = &summary.by_number["2"];
        assert_eq!((two.billable, two.free), (3, 4));
        assert_eq!(two.cost_minor.values().sum::<u64>(), 2 * brazil_marketing + utility);
        assert_eq!(summary.by_number[""].billable, 1, "old counters: no number");
    }
}
