//! The rate card send estimates are priced with.

use parley::domain::pricing::{RateCard, RateCards};
use parley::domain::rate_catalog::RateCatalog;
use parley::domain::rate_overrides::RateOverrides;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

/// The cards by calling-code prefix (longest match wins) and the fallback.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "RateCard")]
pub struct RateCardView {
    by_prefix: BTreeMap<String, RateCardLineView>,
    fallback: RateCardLineView,
    /// The business's own prices, which the lines above already include.
    overrides: RateOverrides,
    /// Where Meta's published figures come from, and the day they took effect.
    published_source: String,
    published_effective: String,
}

/// One market's prices per delivered template, in minor units.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "RateCardLine")]
pub struct RateCardLineView {
    /// ISO 4217.
    currency: String,
    /// `marketing`, `utility`, `authentication` → minor units.
    per_message: BTreeMap<String, u64>,
}

impl From<&RateCard> for RateCardLineView {
    fn from(card: &RateCard) -> Self {
        RateCardLineView {
            currency: card.currency.clone(),
            per_message: card.per_message.iter().map(|(c, p)| (c.as_str().to_owned(), *p)).collect(),
        }
    }
}

impl RateCardView {
    /// The view of `cards`.
    pub fn new(cards: &RateCards, overrides: RateOverrides) -> Self {
        let published = RateCatalog::published();
        RateCardView {
            by_prefix: cards.by_prefix.iter().map(|(p, c)| (p.clone(), c.into())).collect(),
            fallback: (&cards.fallback).into(),
            overrides,
            published_source: published.source.clone(),
            published_effective: published.effective.clone(),
        }
    }
}
