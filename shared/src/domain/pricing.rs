//! What a send costs: a rate card per country, applied before sending so staff
//! see the price, and Meta's own pricing afterwards for the spend report.

use super::template::Category;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Prices per category for one market, in minor units (paise, cents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateCard {
    /// ISO 4217 currency.
    pub currency: String,
    /// Price per delivered template message, by category, in minor units.
    pub per_message: BTreeMap<Category, u64>,
    /// Volume tiers, by category: from the message after the month's first
    /// N onward, a lower price (Meta's utility and authentication tiers, as
    /// the business entered them). The price of each message is the one of
    /// the band its place in the month falls in.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tiers: BTreeMap<Category, BTreeMap<u64, u64>>,
}

impl RateCard {
    /// India's defaults: marketing ≈ ₹0.91, utility ≈ ₹0.13, authentication
    /// ≈ ₹0.13 (volume tiers go down to ~₹0.11; service replies are free).
    pub fn india() -> Self {
        RateCard {
            currency: "INR".to_owned(),
            per_message: BTreeMap::from([
                (Category::Marketing, 91),
                (Category::Utility, 13),
                (Category::Authentication, 13),
            ]),
            tiers: BTreeMap::new(),
        }
    }

    /// What a month's first `count` billable messages of `category` cost,
    /// each band of the count at its tier's price. A service reply Meta
    /// bills is priced as the business priced service, or else at the
    /// market's utility list price: Meta's partners report that from
    /// October 2026 Meta bills service replies at it (Meta's own pricing
    /// page, as this build could read it, does not say so yet; whether a
    /// reply is billed comes from Meta's pricing on its status either way).
    pub fn month_cost(&self, category: Category, count: u64) -> u64 {
        if category == Category::Service {
            return count.saturating_mul(self.list_price(category));
        }
        let base = self.list_price(category);
        let tiers = self.tiers.get(&category).into_iter().flatten().filter(|(after, _)| **after > 0);
        let bands: Vec<(u64, u64)> = std::iter::once((0, base)).chain(tiers.map(|(a, p)| (*a, *p))).collect();
        let mut cost = 0u64;
        for (i, (start, price)) in bands.iter().enumerate() {
            if count <= *start {
                break;
            }
            let end = bands.get(i + 1).map_or(count, |(next, _)| (*next).min(count));
            cost = cost.saturating_add((end - start).saturating_mul(*price));
        }
        cost
    }

    /// The price of one message of `category` before any volume tier; a
    /// service reply without a price of its own costs the utility one.
    pub fn list_price(&self, category: Category) -> u64 {
        let price = |c: Category| self.per_message.get(&c).copied();
        match category {
            Category::Service => price(Category::Service).or_else(|| price(Category::Utility)),
            other => price(other),
        }
        .unwrap_or(0)
    }
}

/// Rate cards keyed by calling-code prefix (longest match wins), with a
/// fallback for every other country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateCards {
    /// `"91" → India`, …
    pub by_prefix: BTreeMap<String, RateCard>,
    /// Used where no prefix matches.
    pub fallback: RateCard,
    /// Whether Meta bills service replies, and utility templates inside the
    /// window, as its partners report it does from October 2026. The admin
    /// turns it on (see [`super::rate_overrides::RateOverrides`]) once
    /// Meta's own pricing says so for their account.
    #[serde(default)]
    pub service_billed: bool,
    /// Billed service replies a month that Meta leaves free, account-wide
    /// (see [`super::rate_overrides::RateOverrides::free_service_replies`]).
    #[serde(default)]
    pub free_service_replies: u64,
}

impl Default for RateCards {
    /// The cards of the default business (billed in INR): Meta's published
    /// figures from [`super::rate_catalog`].
    fn default() -> Self {
        super::rate_catalog::RateCatalog::published().for_currency("INR")
    }
}

/// A price shown before a send.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    /// The category Meta will bill.
    pub category: Category,
    /// Whether this send is free (service reply, or utility in an open window).
    pub free: bool,
    /// Price in minor units (0 when free).
    pub amount_minor: u64,
    /// ISO 4217 currency.
    pub currency: String,
}

impl RateCards {
    /// The card for a recipient's `wa_id` (digits with country code).
    pub fn card_for(&self, wa_id: Option<&str>) -> &RateCard {
        let digits = wa_id.unwrap_or_default();
        self.by_prefix
            .iter()
            .filter(|(prefix, _)| digits.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map_or(&self.fallback, |(_, card)| card)
    }

    /// The calling-code prefix whose card prices `wa_id` (`None`: the
    /// fallback card), so estimates can be told apart by market.
    pub fn market_of(&self, wa_id: Option<&str>) -> Option<&str> {
        let digits = wa_id.unwrap_or_default();
        self.by_prefix
            .keys()
            .filter(|prefix| digits.starts_with(prefix.as_str()))
            .max_by_key(|p| p.len())
            .map(String::as_str)
    }

    /// How many free service replies are left this month after `used`
    /// (`None`: Meta bills none of them, or gives no allowance).
    pub fn free_replies_left(&self, used: u64) -> Option<u64> {
        (self.service_billed && self.free_service_replies > 0).then(|| self.free_service_replies.saturating_sub(used))
    }

    /// A free-form reply to `wa_id` now, when `used` service replies went
    /// out this month: free while the monthly allowance lasts.
    pub fn reply_estimate(&self, wa_id: Option<&str>, used: u64) -> Estimate {
        let estimate = self.estimate(wa_id, Category::Service, true);
        match self.free_replies_left(used) {
            Some(left) if left > 0 => Estimate { free: true, amount_minor: 0, ..estimate },
            _ => estimate,
        }
    }

    /// Prices one send. Free-form replies are service messages (free); a
    /// utility template inside an open service window is free too, unless
    /// Meta bills both ([`RateCards::service_billed`]).
    pub fn estimate(&self, wa_id: Option<&str>, category: Category, window_open: bool) -> Estimate {
        let card = self.card_for(wa_id);
        let free_in_window = category == Category::Service || (category == Category::Utility && window_open);
        let free = free_in_window && !self.service_billed;
        Estimate {
            category,
            free,
            amount_minor: if free { 0 } else { card.list_price(category) },
            currency: card.currency.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_monthly_allowance_keeps_billed_replies_free_until_it_is_used_up() {
        let cards = RateCards { service_billed: true, free_service_replies: 1_000, ..RateCards::default() };
        let india = Some("919812345678");
        assert_eq!(cards.free_replies_left(999), Some(1));
        assert!(cards.reply_estimate(india, 999).free);
        assert_eq!(cards.free_replies_left(1_000), Some(0));
        let billed = cards.reply_estimate(india, 1_000);
        assert_eq!(
            (billed.free, billed.amount_minor),
            (false, cards.estimate(india, Category::Utility, false).amount_minor)
        );
        let unbilled = RateCards { free_service_replies: 1_000, ..RateCards::default() };
        assert_eq!(unbilled.free_replies_left(0), None, "nothing to count while Meta bills no reply");
        assert!(unbilled.reply_estimate(india, 5_000).free);
    }

    #[test]
    fn prices_by_category_and_window() {
        let cards = RateCards::default();
        let marketing = cards.estimate(Some("919812345678"), Category::Marketing, true);
        assert_eq!((marketing.free, marketing.amount_minor, marketing.currency.as_str()), (false, 78, "INR"));
        assert!(cards.estimate(Some("919812345678"), Category::Utility, true).free);
        assert_eq!(cards.estimate(Some("919812345678"), Category::Utility, false).amount_minor, 12);
        assert!(cards.estimate(None, Category::Service, true).free);
    }

    #[test]
    fn once_meta_bills_service_a_reply_and_a_utility_template_in_the_window_cost_the_utility_price() {
        let cards = RateCards { service_billed: true, ..RateCards::default() };
        let reply = cards.estimate(Some("919812345678"), Category::Service, true);
        assert_eq!((reply.free, reply.amount_minor), (false, 12));
        let utility = cards.estimate(Some("919812345678"), Category::Utility, true);
        assert_eq!((utility.free, utility.amount_minor), (false, 12));
    }

    #[test]
    fn the_longest_prefix_wins() {
        let mut cards = RateCards::default();
        let brazil = RateCard {
            currency: "BRL".into(),
            per_message: BTreeMap::from([(Category::Marketing, 35)]),
            tiers: BTreeMap::new(),
        };
        cards.by_prefix.insert("55".into(), brazil);
        assert_eq!(cards.card_for(Some("5511999990000")).currency, "BRL");
        assert_eq!(cards.card_for(Some("254700000000")).currency, "USD", "fallback: the USD card's other markets");
    }

    #[test]
    fn a_month_is_priced_band_by_band_through_its_volume_tiers() {
        let mut card = RateCard::india();
        card.tiers.insert(Category::Utility, BTreeMap::from([(1_000, 11), (10_000, 9)]));
        assert_eq!(card.month_cost(Category::Utility, 0), 0);
        assert_eq!(card.month_cost(Category::Utility, 1_000), 13_000, "the first thousand at the list price");
        assert_eq!(card.month_cost(Category::Utility, 1_001), 13_011);
        assert_eq!(card.month_cost(Category::Utility, 12_000), 13_000 + 9_000 * 11 + 2_000 * 9);
        assert_eq!(card.month_cost(Category::Marketing, 2_000), 2_000 * 91, "no tiers: one price");
        assert_eq!(card.month_cost(Category::Service, 5), 5 * 13, "a billed service reply: the utility list price");
    }
}
