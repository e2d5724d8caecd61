//! Meta's word that a WhatsApp Business Account reached a volume tier:
//! the `account_update` event `VOLUME_BASED_PRICING_TIER_UPDATE`, sent when
//! the month's utility or authentication messages to one market pass a
//! threshold of Meta's. It names the tier as a range of the month's message
//! count (`"25000001:50000000"`), not its price, so it tells an admin which
//! line of their rate card to price, and from which count.

use super::template::Category;
use super::Millis;

/// One tier Meta moved an account to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeTierReached {
    /// The WhatsApp Business Account (the webhook entry's id).
    pub account: String,
    /// Utility or authentication.
    pub category: Category,
    /// Meta's region name (`India`, `INDIA`, `Rest of Africa`), as sent.
    pub region: String,
    /// The month's message count the tier starts at (1-based).
    pub from: u64,
    /// Where it ends; `None` for the top tier.
    pub to: Option<u64>,
    /// The month it applies to, `YYYY-MM`.
    pub month: String,
    /// When the account reached it.
    pub at: Millis,
}

impl VolumeTierReached {
    /// Reads Meta's `volume_tier_info` parts; `None` when the range or the
    /// category is not one Meta documents.
    pub fn new(
        account: &str,
        category: &str,
        region: &str,
        tier: &str,
        month: &str,
        at: Millis,
    ) -> Option<VolumeTierReached> {
        let category =
            Category::parse(category).filter(|c| matches!(c, Category::Utility | Category::Authentication))?;
        let (from, to) = tier.split_once(':').unwrap_or((tier, ""));
        let from: u64 = from.trim().parse().ok()?;
        let to = match to.trim() {
            "" => None,
            to => Some(to.parse::<u64>().ok().filter(|to| *to >= from)?),
        };
        let valid_month = month.len() == 7 && month.as_bytes().get(4) == Some(&b'-');
        (valid_month && !region.trim().is_empty() && !account.is_empty()).then(|| VolumeTierReached {
            account: account.to_owned(),
            category,
            region: region.trim().to_owned(),
            from,
            to,
            month: month.to_owned(),
            at,
        })
    }

    /// The tier as Meta writes it, `"25000001:50000000"` (`"50000001:"` for
    /// the top tier): what [`VolumeTierReached::new`] reads back.
    pub fn range(&self) -> String {
        match self.to {
            Some(to) => format!("{}:{to}", self.from),
            None => format!("{}:", self.from),
        }
    }

    /// The rate-card line's `after` for this tier: the month's messages
    /// before its first.
    pub fn after(&self) -> u64 {
        self.from.saturating_sub(1)
    }

    /// The key one account's latest word per category and region is kept
    /// under (a later month's tier replaces the earlier one).
    pub fn slot(&self) -> String {
        format!("{}#{}#{}", self.account, self.category.as_str(), self.region.to_ascii_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metas_documented_tier_reads_with_the_count_a_rate_card_line_starts_after() {
        let tier =
            VolumeTierReached::new("102290129340398", "UTILITY", "India", "25000001:50000000", "2025-11", Millis(1))
                .unwrap();
        assert_eq!(
            (tier.category, tier.from, tier.to, tier.after()),
            (Category::Utility, 25_000_001, Some(50_000_000), 25_000_000)
        );
        let top = VolumeTierReached::new("1", "authentication", "Brazil", "50000001:", "2025-11", Millis(1)).unwrap();
        assert_eq!(top.to, None);
        assert_eq!((tier.range().as_str(), top.range().as_str()), ("25000001:50000000", "50000001:"));
        assert_eq!(tier.slot(), "102290129340398#utility#india");
    }

    #[test]
    fn a_marketing_tier_a_reversed_range_or_a_bad_month_is_not_read() {
        let read = |category: &str, tier: &str, month: &str| {
            VolumeTierReached::new("1", category, "India", tier, month, Millis(1))
        };
        assert_eq!(read("MARKETING", "1:2", "2025-11"), None, "Meta tiers utility and authentication only");
        assert_eq!(read("UTILITY", "50:2", "2025-11"), None);
        assert_eq!(read("UTILITY", "lots", "2025-11"), None);
        assert_eq!(read("UTILITY", "1:2", "November"), None);
        assert!(read("UTILITY", "1:2", "2025-11").is_some());
    }
}
