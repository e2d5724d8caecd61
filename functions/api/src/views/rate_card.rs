//! The rate card send estimates are priced with.

use super::MetaVolumeTierView;
use parley::domain::pricing::{RateCard, RateCards};
use parley::domain::rate_catalog::RateCatalog;
use parley::domain::rate_overrides::RateOverrides;
use parley::domain::volume_tier::VolumeTierReached;
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
    /// The volume tiers Meta says the business's accounts reached, each with
    /// the line that prices it (admins only; empty for others).
    meta_volume_tiers: Vec<MetaVolumeTierView>,
}

/// One market's prices per delivered template, in minor units.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "RateCardLine")]
pub struct RateCardLineView {
    /// ISO 4217.
    currency: String,
    /// `marketing`, `utility`, `authentication` → minor units.
    per_message: BTreeMap<String, u64>,
    /// The volume tiers the business entered, lowest count first: the spend
    /// report prices each month's messages band by band through them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    volume_tiers: Vec<VolumeTierView>,
}

/// From the message after the month's first `after` onward, `amount_minor`.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "VolumeTier")]
pub struct VolumeTierView {
    category: String,
    after: u64,
    amount_minor: u64,
}

impl From<&RateCard> for RateCardLineView {
    fn from(card: &RateCard) -> Self {
        RateCardLineView {
            currency: card.currency.clone(),
            per_message: card.per_message.iter().map(|(c, p)| (c.as_str().to_owned(), *p)).collect(),
            volume_tiers: card
                .tiers
                .iter()
                .flat_map(|(category, tiers)| {
                    tiers.iter().map(|(after, amount_minor)| VolumeTierView {
                        category: category.as_str().to_owned(),
                        after: *after,
                        amount_minor: *amount_minor,
                    })
                })
                .collect(),
        }
    }
}

impl RateCardView {
    /// The view of `cards`, with the tiers Meta reported.
    pub fn new(cards: &RateCards, overrides: RateOverrides, meta_volume_tiers: Vec<VolumeTierReached>) -> Self {
        let published = RateCatalog::published();
        RateCardView {
            by_prefix: cards.by_prefix.iter().map(|(p, c)| (p.clone(), c.into())).collect(),
            fallback: (&cards.fallback).into(),
            overrides,
            published_source: published.source.clone(),
            published_effective: published.effective.clone(),
            meta_volume_tiers: meta_volume_tiers.into_iter().map(MetaVolumeTierView::from).collect(),
        }
    }
}
