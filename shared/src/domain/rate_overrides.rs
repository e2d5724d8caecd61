//! The business's own prices over Meta's published rate card: where a
//! volume tier, a negotiated rate or a newer Meta price applies, an admin
//! sets it per market (calling-code prefix, or `*` for every market without
//! its own card) and category, in the business's currency. Estimates
//! everywhere (composer, campaigns, rules) are priced with the list price
//! (a tier's first band); the spend report prices the month through its
//! tiers.

use super::pricing::{RateCard, RateCards};
use super::template::Category;
use serde::{Deserialize, Serialize};

/// The market of every recipient whose prefix has no card of its own.
pub const OTHER_MARKETS: &str = "*";
/// The highest price taken (minor units), far above any Meta charges.
pub const MAX_AMOUNT_MINOR: u64 = 1_000_000;

/// One price the business set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct RateOverride {
    /// A calling-code prefix (`91`, `55`, `1`) or `*` for other markets.
    pub market: String,
    /// `marketing`, `utility` or `authentication` (service replies are free).
    pub category: Category,
    /// The price per delivered message, in minor units of the business's currency.
    pub amount_minor: u64,
    /// A volume tier: the price holds from the message after the month's
    /// first `after` in this market and category (0: the list price). Meta
    /// tiers utility and authentication only.
    #[serde(default, skip_serializing_if = "is_list_price")]
    pub after: u64,
}

fn is_list_price(after: &u64) -> bool {
    *after == 0
}

/// Every price the business set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct RateOverrides {
    /// The prices, at most one per market, category and volume tier.
    pub lines: Vec<RateOverride>,
    /// Meta bills service replies, and utility templates inside the window,
    /// at the utility price (or a service price given here); off until the
    /// admin turns it on.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub service_billed: bool,
    /// Service replies a month Meta leaves free for the account before it
    /// bills them (0: none). Partners disagree on whether Meta gives one,
    /// so it is the admin's to set from their own invoice.
    #[serde(default, skip_serializing_if = "is_list_price")]
    pub free_service_replies: u64,
}

/// Why a set of prices is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadOverride {
    /// Not a calling-code prefix.
    #[error("market {0:?}: a calling code of 1 to 4 digits (91, 55, 1), or * for every other market")]
    Market(String),
    /// Service replies are free by Meta's rules.
    #[error("service replies are free; prices are for marketing, utility and authentication")]
    Service,
    /// Out of range.
    #[error("market {market}: a price is 0 to {MAX_AMOUNT_MINOR} minor units")]
    Amount {
        /// The market.
        market: String,
    },
    /// A volume tier on a category Meta does not tier.
    #[error("market {market}: Meta gives volume tiers for utility and authentication only, not marketing")]
    MarketingTier {
        /// The market.
        market: String,
    },
    /// Two prices for the same market, category and tier.
    #[error("market {market}: {category} is priced twice for the same volume")]
    Twice {
        /// The market.
        market: String,
        /// The category.
        category: &'static str,
    },
    /// A market Meta prices in another currency, given only in part.
    #[error("market {market}: Meta publishes its prices in {currency}; give all three categories in {business}")]
    Partial {
        /// The market.
        market: String,
        /// The published card's currency.
        currency: String,
        /// The business's currency.
        business: String,
    },
}

const PRICED: [Category; 3] = [Category::Marketing, Category::Utility, Category::Authentication];

impl RateOverrides {
    /// Checks the prices against the published `cards` of the business
    /// currency `currency`.
    pub fn check(&self, cards: &RateCards, currency: &str) -> Result<(), BadOverride> {
        for (i, line) in self.lines.iter().enumerate() {
            let prefix_ok = line.market == OTHER_MARKETS
                || ((1..=4).contains(&line.market.len()) && line.market.bytes().all(|b| b.is_ascii_digit()));
            if !prefix_ok {
                return Err(BadOverride::Market(line.market.clone()));
            }
            if line.category == Category::Service {
                return Err(BadOverride::Service);
            }
            if line.amount_minor > MAX_AMOUNT_MINOR {
                return Err(BadOverride::Amount { market: line.market.clone() });
            }
            if line.after > 0 && line.category == Category::Marketing {
                return Err(BadOverride::MarketingTier { market: line.market.clone() });
            }
            let same =
                |l: &RateOverride| l.market == line.market && l.category == line.category && l.after == line.after;
            if self.lines[..i].iter().any(same) {
                return Err(BadOverride::Twice { market: line.market.clone(), category: line.category.as_str() });
            }
        }
        for market in self.markets() {
            let published = self.published(cards, market);
            let whole = PRICED
                .iter()
                .all(|c| self.lines.iter().any(|l| l.market == market && l.category == *c && l.after == 0));
            if published.currency != currency && !whole {
                return Err(BadOverride::Partial {
                    market: market.to_owned(),
                    currency: published.currency.clone(),
                    business: currency.to_owned(),
                });
            }
        }
        Ok(())
    }

    /// `cards` with these prices over them (checked first): a market given
    /// here is priced in `currency`.
    pub fn apply(&self, mut cards: RateCards, currency: &str) -> RateCards {
        cards.service_billed = self.service_billed;
        cards.free_service_replies = self.free_service_replies;
        for market in self.markets() {
            let mut card = self.published(&cards, market).clone();
            if card.currency != currency {
                card.tiers.clear();
            }
            card.currency = currency.to_owned();
            for line in self.lines.iter().filter(|l| l.market == market) {
                match line.after {
                    0 => card.per_message.insert(line.category, line.amount_minor),
                    after => card.tiers.entry(line.category).or_default().insert(after, line.amount_minor),
                };
            }
            if market == OTHER_MARKETS {
                cards.fallback = card;
            } else {
                cards.by_prefix.insert(market.to_owned(), card);
            }
        }
        cards
    }

    fn markets(&self) -> Vec<&str> {
        let mut markets: Vec<&str> = self.lines.iter().map(|l| l.market.as_str()).collect();
        markets.sort_unstable();
        markets.dedup();
        markets
    }

    fn published<'a>(&self, cards: &'a RateCards, market: &str) -> &'a RateCard {
        if market == OTHER_MARKETS {
            &cards.fallback
        } else {
            cards.by_prefix.get(market).unwrap_or(&cards.fallback)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(market: &str, category: Category, amount_minor: u64) -> RateOverride {
        RateOverride { market: market.into(), category, amount_minor, after: 0 }
    }

    #[test]
    fn a_volume_tier_lowers_the_price_after_its_count_and_leaves_estimates_at_the_list_price() {
        let cards = RateCards::default();
        let tier = RateOverride { after: 1_000, ..line("91", Category::Utility, 9) };
        let overrides =
            RateOverrides { lines: vec![line("91", Category::Utility, 12), tier.clone()], ..Default::default() };
        assert_eq!(overrides.check(&cards, "INR"), Ok(()));
        let priced = overrides.apply(cards.clone(), "INR");
        assert_eq!(priced.estimate(Some("919812345678"), Category::Utility, false).amount_minor, 12);
        let india = priced.card_for(Some("91"));
        assert_eq!(india.month_cost(Category::Utility, 1_500), 1_000 * 12 + 500 * 9);
        let check = |lines: Vec<RateOverride>| RateOverrides { lines, ..Default::default() }.check(&cards, "INR");
        let marketing = RateOverride { after: 1_000, ..line("91", Category::Marketing, 50) };
        assert!(matches!(check(vec![marketing]), Err(BadOverride::MarketingTier { .. })));
        assert!(matches!(check(vec![tier.clone(), tier]), Err(BadOverride::Twice { .. })));
        // A tier alone on a market Meta prices in dollars is no whole card.
        let other = RateOverride { after: 1_000, ..line("*", Category::Utility, 9) };
        assert!(matches!(check(vec![other]), Err(BadOverride::Partial { .. })));
    }

    #[test]
    fn an_override_prices_its_market_and_category_and_leaves_the_rest_as_meta_publishes() {
        let cards = RateCards::default();
        let overrides = RateOverrides { lines: vec![line("91", Category::Marketing, 64)], ..Default::default() };
        assert_eq!(overrides.check(&cards, "INR"), Ok(()));
        let priced = overrides.apply(cards.clone(), "INR");
        assert_eq!(priced.estimate(Some("919812345678"), Category::Marketing, true).amount_minor, 64);
        let utility = cards.estimate(Some("919812345678"), Category::Utility, false).amount_minor;
        assert_eq!(priced.estimate(Some("919812345678"), Category::Utility, false).amount_minor, utility);
        assert_eq!(
            priced.estimate(Some("5511999990000"), Category::Marketing, true),
            cards.estimate(Some("5511999990000"), Category::Marketing, true)
        );
    }

    #[test]
    fn prices_meta_would_not_charge_or_cannot_be_told_apart_are_refused() {
        let cards = RateCards::default();
        let check = |lines: Vec<RateOverride>| RateOverrides { lines, ..Default::default() }.check(&cards, "INR");
        assert_eq!(check(vec![line("+91", Category::Marketing, 1)]), Err(BadOverride::Market("+91".into())));
        assert_eq!(check(vec![line("91", Category::Service, 1)]), Err(BadOverride::Service));
        assert!(matches!(
            check(vec![line("91", Category::Marketing, MAX_AMOUNT_MINOR + 1)]),
            Err(BadOverride::Amount { .. })
        ));
        let twice = vec![line("91", Category::Marketing, 1), line("91", Category::Marketing, 2)];
        assert!(matches!(check(twice), Err(BadOverride::Twice { .. })));
        // Other markets are priced in dollars on the rupee card: all three, or none.
        assert!(matches!(check(vec![line("*", Category::Marketing, 500)]), Err(BadOverride::Partial { .. })));
        let whole: Vec<RateOverride> = PRICED.iter().map(|c| line("*", *c, 500)).collect();
        assert_eq!(check(whole.clone()), Ok(()));
        let priced = RateOverrides { lines: whole, ..Default::default() }.apply(cards, "INR");
        assert_eq!(priced.fallback.currency, "INR");
    }
}
