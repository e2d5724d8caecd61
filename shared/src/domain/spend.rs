//! The spend report: what Meta's pricing on statuses says was billed, by
//! category, recipient market, business number and the teammate who sent
//! it, priced with the rate card the business uses (Meta's published card
//! with its own prices).

use super::country::calling_code_of;
use super::pricing::RateCards;
use super::status::StatusUpdate;
use super::template::Category;
use super::{Event, EventKind, MessageRef, Millis};
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
    /// The teammate who pressed send. A line with one is counted a second
    /// time, apart from the lines without: the same messages by sender.
    pub agent: Option<String>,
    /// Billable messages.
    pub billable: u64,
    /// Free messages (service, free entry point, utility in window).
    pub free: u64,
}

/// Service replies the month's `lines` counted, billed or not: what a
/// monthly allowance of free replies is used up by. Lines by teammate count
/// the same messages again, so they are left out.
pub fn service_replies(lines: &[SpendLine]) -> u64 {
    lines.iter().filter(|l| l.category == "service" && l.agent.is_none()).map(|l| l.billable + l.free).sum()
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
    /// The teammate who sent it (see [`SpendLine::agent`]).
    pub agent: Option<String>,
}

impl SpendKey {
    /// The key of a status priced in `category`.
    pub fn of(update: &StatusUpdate, category: String) -> Self {
        SpendKey {
            category,
            market: update.recipient_id.as_deref().and_then(calling_code_of).map(str::to_owned),
            number: Some(update.phone_number_id.clone()).filter(|n| !n.is_empty()),
            agent: None,
        }
    }

    /// The key counting a message `agent` sent, priced in `category` for
    /// `market` (the business number is in the lines without an agent).
    pub fn of_agent(agent: &str, category: String, market: Option<String>) -> Self {
        SpendKey { category, market, number: None, agent: Some(agent.to_owned()) }
    }

    /// Its line of `month`'s report.
    pub fn line(self, month: &str, billable: u64, free: u64) -> SpendLine {
        SpendLine {
            month: month.to_owned(),
            category: self.category,
            market: self.market,
            number: self.number,
            agent: self.agent,
            billable,
            free,
        }
    }
}

/// A message Meta priced, as its `message.priced` event tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedMessage {
    /// Where the message is.
    pub message: MessageRef,
    /// Meta's id: a message is counted once per wamid.
    pub wamid: String,
    /// When Meta priced it (the month it counts in).
    pub at: Millis,
    /// Meta's pricing category, as Meta named it.
    pub category: Option<String>,
    /// The recipient's calling code.
    pub market: Option<String>,
    /// Whether Meta bills it.
    pub billable: bool,
}

impl PricedMessage {
    /// The priced message a `message.priced` event is about; `None` for any
    /// other event, or one written before events named the message's place.
    pub fn of_event(event: &Event) -> Option<Self> {
        if event.kind != EventKind::MessagePriced {
            return None;
        }
        let text = |name: &str| event.data.get(name).and_then(|v| v.as_str()).map(str::to_owned);
        Some(PricedMessage {
            message: MessageRef::from_locator(event.contact_id.clone()?, text("locator")?),
            wamid: text("wamid")?,
            at: event.at,
            category: text("category"),
            market: text("market"),
            billable: event.data.get("billable")?.as_bool()?,
        })
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

    /// What is left of these figures once `part` of them is taken away.
    fn without(&self, part: &SpendFigures) -> SpendFigures {
        let mut cost_minor = self.cost_minor.clone();
        for (currency, minor) in &part.cost_minor {
            if let Some(left) = cost_minor.get_mut(currency) {
                *left = left.saturating_sub(*minor);
            }
        }
        cost_minor.retain(|_, minor| *minor > 0);
        SpendFigures {
            billable: self.billable.saturating_sub(part.billable),
            free: self.free.saturating_sub(part.free),
            cost_minor,
        }
    }
}

/// A month's spend, summed three ways.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpendSummary {
    /// Per pricing category.
    pub by_category: BTreeMap<String, SpendFigures>,
    /// Per business number (`""`: counted before numbers were kept).
    pub by_number: BTreeMap<String, SpendFigures>,
    /// Per teammate who pressed send; `""` holds the rest of the month
    /// (rules, campaigns, follow-ups, and messages priced before senders
    /// were kept).
    pub by_agent: BTreeMap<String, SpendFigures>,
    /// The whole month.
    pub total: SpendFigures,
}

impl SpendSummary {
    /// Sums `lines`, the billable messages priced at their market's card.
    /// Meta's volume tiers count a market's month as a whole, so each
    /// category and market is priced over its whole count and the cost is
    /// shared by its lines in proportion (a teammate's line at the same
    /// average). A category Meta bills that the card does not know costs
    /// nothing here.
    pub fn of(lines: &[SpendLine], cards: &RateCards) -> Self {
        let mut months: BTreeMap<(&str, Option<&str>), MonthCost> = BTreeMap::new();
        for line in lines.iter().filter(|l| l.agent.is_none()) {
            let month = months.entry((line.category.as_str(), line.market.as_deref())).or_default();
            month.count = month.count.saturating_add(line.billable);
        }
        for ((category, market), month) in &mut months {
            month.cost = Category::parse(category).map_or(0, |c| cards.card_for(*market).month_cost(c, month.count));
        }
        let mut summary = SpendSummary::default();
        let mut teammates = SpendFigures::default();
        for line in lines {
            let currency = cards.card_for(line.market.as_deref()).currency.as_str();
            let month = months.get_mut(&(line.category.as_str(), line.market.as_deref()));
            if let Some(agent) = &line.agent {
                let cost = month.map_or(0, |m| m.share(0, line.billable));
                summary.by_agent.entry(agent.clone()).or_default().add(line, currency, cost);
                teammates.add(line, currency, cost);
                continue;
            }
            let cost = month.map_or(0, |m| {
                let cost = m.share(m.shared, line.billable);
                m.shared = m.shared.saturating_add(line.billable);
                cost
            });
            summary.by_category.entry(line.category.clone()).or_default().add(line, currency, cost);
            summary.by_number.entry(line.number.clone().unwrap_or_default()).or_default().add(line, currency, cost);
            summary.total.add(line, currency, cost);
        }
        let rest = summary.total.without(&teammates);
        if rest.billable + rest.free > 0 {
            summary.by_agent.insert(String::new(), rest);
        }
        summary
    }
}

/// One category's month in one market: its billable count, what the count
/// costs through the tiers, and how much of the count lines have taken.
#[derive(Default)]
struct MonthCost {
    count: u64,
    cost: u64,
    shared: u64,
}

impl MonthCost {
    /// The share of the cost of `count` messages after the first `before`
    /// of the month's lines: shares of consecutive lines add up to the
    /// whole cost exactly.
    fn share(&self, before: u64, count: u64) -> u64 {
        let end = before.saturating_add(count);
        let whole = u128::from(self.count.max(end).max(1));
        let upto = |n: u64| u128::from(self.cost) * u128::from(n) / whole;
        u64::try_from(upto(end) - upto(before)).unwrap_or(u64::MAX)
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
            agent: None,
            billable,
            free,
        }
    }

    fn sent_by(agent: &str, category: &str, market: &str, billable: u64, free: u64) -> SpendLine {
        SpendKey::of_agent(agent, category.into(), Some(market.into())).line("2026-12", billable, free)
    }

    #[test]
    fn the_month_s_service_replies_count_once_billed_or_not() {
        let lines = [
            line("service", Some("91"), Some("1"), 3, 40),
            line("service", Some("55"), Some("2"), 0, 7),
            line("utility", Some("91"), Some("1"), 9, 9),
            sent_by("asha@shop.in", "service", "91", 3, 40),
        ];
        assert_eq!(service_replies(&lines), 50);
    }

    #[test]
    fn each_teammate_is_charged_for_what_they_sent_and_the_rest_is_the_automations() {
        let cards = RateCards::default();
        let india = cards.card_for(Some("91"));
        let (marketing, utility) = (india.per_message[&Category::Marketing], india.per_message[&Category::Utility]);
        let lines = [
            line("marketing", Some("91"), Some("1"), 5, 0),
            line("utility", Some("91"), Some("1"), 2, 3),
            sent_by("asha@shop.in", "marketing", "91", 2, 0),
            sent_by("asha@shop.in", "service", "91", 0, 2),
            sent_by("ravi@shop.in", "utility", "91", 1, 0),
        ];
        let summary = SpendSummary::of(&lines, &cards);
        assert_eq!((summary.total.billable, summary.total.free), (7, 3), "agent lines count the same messages again");
        let asha = &summary.by_agent["asha@shop.in"];
        assert_eq!((asha.billable, asha.free), (2, 2));
        assert_eq!(asha.cost_minor[&india.currency], 2 * marketing);
        assert_eq!(summary.by_agent["ravi@shop.in"].cost_minor[&india.currency], utility);
        let rest = &summary.by_agent[""];
        assert_eq!((rest.billable, rest.free), (4, 1), "rules and campaigns sent the rest");
        assert_eq!(rest.cost_minor[&india.currency], 3 * marketing + utility);
        assert_eq!(summary.by_category["marketing"].billable, 5, "categories count each message once");
    }

    #[test]
    fn a_priced_event_names_the_message_its_market_and_whether_it_is_billed() {
        let update: StatusUpdate = crate::whatsapp::status::parse_status(
            &serde_json::json!({
                "id": "wamid.P", "status": "sent", "timestamp": "1764547200", "recipient_id": "919812345678",
                "pricing": {"billable": true, "pricing_model": "PMP", "category": "marketing", "type": "regular"}
            }),
            "106540352242922",
            Millis(0),
        )
        .unwrap();
        let contact = crate::domain::ContactId::parse("0123456789abcdef01234567").unwrap();
        let message = MessageRef::new(contact, Millis(1_764_547_100_000), "pm.abc");
        let pricing = update.pricing.clone().unwrap();
        let event = super::super::change_event::message_priced(&update, &pricing, &message);
        let priced = PricedMessage::of_event(&event).unwrap();
        assert_eq!(priced.message, message);
        assert_eq!(event.data["message_id"], "pm.abc");
        assert_eq!((priced.wamid.as_str(), priced.market.as_deref()), ("wamid.P", Some("91")));
        assert_eq!((priced.category.as_deref(), priced.billable), (Some("marketing"), true));
        let mut old = event.clone();
        old.data.as_object_mut().unwrap().remove("locator");
        assert_eq!(PricedMessage::of_event(&old), None, "an event from before the locator was kept");
    }

    #[test]
    fn a_month_the_team_sent_all_of_has_no_remainder() {
        let cards = RateCards::default();
        let lines = [line("marketing", Some("91"), Some("1"), 1, 0), sent_by("asha@shop.in", "marketing", "91", 1, 0)];
        let summary = SpendSummary::of(&lines, &cards);
        assert_eq!(summary.by_agent.keys().collect::<Vec<_>>(), ["asha@shop.in"]);
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

    #[test]
    fn a_service_reply_meta_bills_costs_the_utility_list_price_unless_the_card_prices_service() {
        let mut cards = RateCards::default();
        let utility = cards.card_for(Some("91")).per_message[&Category::Utility];
        let lines = [line("service", Some("91"), Some("1"), 3, 7)];
        let cost = |cards: &RateCards| SpendSummary::of(&lines, cards).total.cost_minor.values().sum::<u64>();
        assert_eq!(cost(&cards), 3 * utility, "the free ones cost nothing");
        cards.by_prefix.get_mut("91").unwrap().per_message.insert(Category::Service, 5);
        assert_eq!(cost(&cards), 15);
    }

    #[test]
    fn a_tiered_month_is_priced_as_a_whole_and_shared_by_its_numbers_and_teammates() {
        let mut cards = RateCards::default();
        let india = cards.by_prefix.get_mut("91").unwrap();
        let list = india.per_message[&Category::Utility];
        india.tiers.insert(Category::Utility, BTreeMap::from([(1_000, list - 2)]));
        let lines = [
            line("utility", Some("91"), Some("1"), 700, 0),
            line("utility", Some("91"), Some("2"), 800, 0),
            sent_by("asha@shop.in", "utility", "91", 300, 0),
        ];
        let summary = SpendSummary::of(&lines, &cards);
        let whole = 1_000 * list + 500 * (list - 2);
        let cost = |f: &SpendFigures| f.cost_minor.values().sum::<u64>();
        assert_eq!(cost(&summary.total), whole, "the month crosses its tier once, whichever number sent");
        assert_eq!(cost(&summary.by_number["1"]) + cost(&summary.by_number["2"]), whole);
        assert_eq!(cost(&summary.by_number["1"]), whole * 700 / 1_500, "in proportion");
        assert_eq!(cost(&summary.by_agent["asha@shop.in"]), whole * 300 / 1_500, "a teammate at the average");
        assert_eq!(cost(&summary.by_agent["asha@shop.in"]) + cost(&summary.by_agent[""]), whole);
    }
}
