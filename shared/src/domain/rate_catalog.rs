//! Meta's published rate cards, one per billing currency, compiled in from
//! `meta_rate_cards.json` (which names its source and date): the business's
//! currency picks the card, so a Brazilian shop is not shown Indian prices.

use super::pricing::{RateCard, RateCards};
use super::template::Category;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The currency whose card covers every market; a market missing from the
/// business currency's card is priced from it.
pub const COMPLETE_CURRENCY: &str = "USD";

#[derive(Debug, Deserialize)]
struct MarketRates {
    /// Meta's name for the market, as its rate card and its volume-tier
    /// webhook write it.
    #[serde(default)]
    name: Option<String>,
    marketing: u64,
    utility: u64,
    authentication: u64,
}

#[derive(Debug, Deserialize)]
struct CurrencyCard {
    markets: BTreeMap<String, MarketRates>,
    other: Option<MarketRates>,
}

/// The rate cards Meta publishes, as the data file records them.
#[derive(Debug, Deserialize)]
pub struct RateCatalog {
    /// Where the figures come from.
    pub source: String,
    /// The day Meta's card took effect.
    pub effective: String,
    cards: BTreeMap<String, CurrencyCard>,
}

static PUBLISHED: LazyLock<RateCatalog> = LazyLock::new(|| {
    // Checked by a unit test, so a broken data file never ships.
    serde_json::from_str(include_str!("meta_rate_cards.json")).unwrap_or_else(|_| RateCatalog {
        source: String::new(),
        effective: String::new(),
        cards: BTreeMap::new(),
    })
});

/// ISO 4217 minor-unit digits of the currencies Meta publishes cards in.
fn minor_digits(currency: &str) -> u32 {
    match currency {
        "CLP" | "IDR" | "COP" => 0,
        _ => 2,
    }
}

/// Millionths of a unit to the nearest minor unit; a price that rounds to
/// nothing still costs one (an estimate should never call a paid send free).
fn to_minor(micros: u64, currency: &str) -> u64 {
    let per_minor = 10u64.pow(6 - minor_digits(currency));
    let minor = (micros + per_minor / 2) / per_minor;
    if micros > 0 {
        minor.max(1)
    } else {
        0
    }
}

fn card(rates: &MarketRates, currency: &str) -> RateCard {
    RateCard {
        currency: currency.to_owned(),
        per_message: BTreeMap::from([
            (Category::Marketing, to_minor(rates.marketing, currency)),
            (Category::Utility, to_minor(rates.utility, currency)),
            (Category::Authentication, to_minor(rates.authentication, currency)),
        ]),
        tiers: BTreeMap::new(),
    }
}

impl RateCatalog {
    /// The compiled-in catalog.
    pub fn published() -> &'static RateCatalog {
        &PUBLISHED
    }

    /// The calling-code prefix of the market Meta calls `region` (any
    /// case), as its volume-tier webhook names it; `None` for a region the
    /// card prices as one of many (`Other`) or does not list.
    pub fn market_named(&self, region: &str) -> Option<&str> {
        self.cards.get(COMPLETE_CURRENCY)?.markets.iter().find_map(|(prefix, rates)| {
            rates.name.as_deref().filter(|name| name.eq_ignore_ascii_case(region.trim())).map(|_| prefix.as_str())
        })
    }

    /// The cards for a business billed in `currency`: that currency's card
    /// where Meta publishes one, each market it lacks (and every market when
    /// there is none) from the USD card.
    pub fn for_currency(&self, currency: &str) -> RateCards {
        let complete = self.cards.get(COMPLETE_CURRENCY);
        let mut by_prefix: BTreeMap<String, RateCard> = complete
            .map(|c| c.markets.iter().map(|(prefix, rates)| (prefix.clone(), card(rates, COMPLETE_CURRENCY))).collect())
            .unwrap_or_default();
        let mut fallback = complete.and_then(|c| c.other.as_ref()).map(|rates| card(rates, COMPLETE_CURRENCY));
        if let Some(own) = self.cards.get(currency) {
            for (prefix, rates) in &own.markets {
                by_prefix.insert(prefix.clone(), card(rates, currency));
            }
            if let Some(other) = &own.other {
                fallback = Some(card(other, currency));
            }
        }
        let fallback = fallback.unwrap_or_else(|| RateCard {
            currency: currency.to_owned(),
            per_message: BTreeMap::new(),
            tiers: BTreeMap::new(),
        });
        RateCards { by_prefix, fallback, service_billed: false, free_service_replies: 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_file_parses_and_names_its_source() {
        let catalog: RateCatalog = serde_json::from_str(include_str!("meta_rate_cards.json")).unwrap();
        assert!(catalog.source.starts_with("https://developers.facebook.com/"));
        assert_eq!(catalog.effective.len(), 10);
        assert!(catalog.cards[COMPLETE_CURRENCY].other.is_some(), "the USD card covers every market");
    }

    #[test]
    fn metas_region_names_find_their_market_in_any_case() {
        let catalog = RateCatalog::published();
        assert_eq!(catalog.market_named("INDIA"), Some("91"));
        assert_eq!(catalog.market_named("North America"), Some("1"));
        assert_eq!(catalog.market_named("Rest of Africa"), None);
    }

    #[test]
    fn a_brazilian_business_is_priced_in_usd_with_brazils_rates_not_indias() {
        let cards = RateCatalog::published().for_currency("BRL");
        let brazil = cards.card_for(Some("5511999990000"));
        assert_eq!(brazil.currency, "USD");
        assert_eq!(brazil.per_message[&Category::Marketing], 6, "US$0.0625 to the cent");
        assert!(cards.by_prefix.values().chain([&cards.fallback]).all(|c| c.currency != "INR"));
    }

    #[test]
    fn an_indian_business_sees_rupees_for_india_and_usd_elsewhere() {
        let cards = RateCatalog::published().for_currency("INR");
        let india = cards.card_for(Some("919812345678"));
        assert_eq!((india.currency.as_str(), india.per_message[&Category::Marketing]), ("INR", 78));
        assert_eq!(cards.card_for(Some("5511999990000")).currency, "USD");
    }

    #[test]
    fn a_price_below_one_minor_unit_still_costs_one() {
        assert_eq!(to_minor(1_400, "USD"), 1);
        assert_eq!(to_minor(0, "USD"), 0);
        assert_eq!(to_minor(784_600, "INR"), 78);
        assert_eq!(to_minor(2_500_000, "IDR"), 3, "whole rupiah");
    }
}
