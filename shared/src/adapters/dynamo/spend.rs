//! Spend counters: one per month and pricing category, kept by the tally.

use super::keys;
use super::DynamoStore;
use crate::domain::spend::SpendKey;
use crate::domain::template::Category;
use crate::domain::SpendLine;
use crate::ports::StoreError;

#[async_trait::async_trait]
impl crate::ports::SpendStore for DynamoStore {
    async fn spend(&self, month: &str) -> Result<Vec<SpendLine>, StoreError> {
        // Category names are lower-case words: all sort between these.
        let tallies = self.read_tallies(&keys::spend_pk(month), " ", "~").await?;
        let mut lines: std::collections::BTreeMap<SpendKey, (u64, u64)> = std::collections::BTreeMap::new();
        for ((sk, field), value) in tallies.counted {
            let counts = lines.entry(spend_key_of(&sk)).or_default();
            let value = u64::try_from(value).unwrap_or(0);
            match field.as_str() {
                "billable" => counts.0 += value,
                "free" => counts.1 += value,
                _ => {}
            }
        }
        Ok(lines.into_iter().map(|(key, (billable, free))| key.line(month, billable, free)).collect())
    }
}

/// A counter's sort key: `<category>#<market>#<number>` (either may be
/// empty); counters from before markets and numbers were kept are the
/// category alone.
pub(super) fn spend_sk(key: &SpendKey) -> String {
    format!("{}#{}#{}", key.category, key.market.as_deref().unwrap_or(""), key.number.as_deref().unwrap_or(""))
}

fn spend_key_of(sk: &str) -> SpendKey {
    let mut parts = sk.splitn(3, '#');
    let category = parts.next().unwrap_or_default().to_owned();
    let mut part = || parts.next().filter(|p| !p.is_empty()).map(str::to_owned);
    let (market, number) = (part(), part());
    SpendKey { category, market, number }
}

/// The category a priced status belongs to in the spend report.
pub(super) fn spend_category(category: Option<&str>) -> String {
    category
        .and_then(Category::parse)
        .map_or_else(|| category.unwrap_or("unknown").to_owned(), |c| c.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counter_key_reads_back_and_old_ones_are_the_category_alone() {
        let key = SpendKey {
            category: "marketing".into(),
            market: Some("91".into()),
            number: Some("106540352242922".into()),
        };
        assert_eq!(spend_key_of(&spend_sk(&key)), key);
        let unknown = SpendKey { category: "utility".into(), market: None, number: Some("1".into()) };
        assert_eq!(spend_key_of(&spend_sk(&unknown)), unknown);
        assert_eq!(spend_key_of("service"), SpendKey { category: "service".into(), market: None, number: None });
    }
}
