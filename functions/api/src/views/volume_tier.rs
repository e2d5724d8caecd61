//! A volume tier Meta put an account in, with the rate-card line it calls
//! for.

use parley::domain::rate_catalog::RateCatalog;
use parley::domain::volume_tier::VolumeTierReached;
use schemars::JsonSchema;
use serde::Serialize;

/// Meta's `VOLUME_BASED_PRICING_TIER_UPDATE`: from the month's `tier_from`th
/// message of `category` to one `market`, the account pays the tier's price.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "MetaVolumeTier")]
pub struct MetaVolumeTierView {
    /// The WhatsApp Business Account's id.
    account: String,
    /// `utility` or `authentication`.
    category: String,
    /// Meta's region name, as sent.
    region: String,
    /// The market's calling-code prefix on the rate card (null: Meta's
    /// card prices that region with others, so an admin picks the prefix).
    market: Option<String>,
    tier_from: u64,
    /// Null for the top tier.
    tier_to: Option<u64>,
    /// The `after` of the rate-card line that prices this tier.
    after: u64,
    /// `YYYY-MM`.
    effective_month: String,
    /// RFC 3339.
    reached_at: String,
}

impl From<VolumeTierReached> for MetaVolumeTierView {
    fn from(tier: VolumeTierReached) -> Self {
        MetaVolumeTierView {
            market: RateCatalog::published().market_named(&tier.region).map(str::to_owned),
            after: tier.after(),
            account: tier.account,
            category: tier.category.as_str().to_owned(),
            region: tier.region,
            tier_from: tier.from,
            tier_to: tier.to,
            effective_month: tier.month,
            reached_at: tier.at.to_rfc3339(),
        }
    }
}
