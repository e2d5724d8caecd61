//! The lead-source report's counters: one item per business day and line
//! (`<day>#source:<source>` or `<day>#ad:<ad id>`) in a partition per
//! month, added to through the pending entries of [`super::tally`], so an
//! event redelivered is counted once and a burst of leads never conflicts.
//! The ads the report names are kept under `ADS`, one item each.

use super::item::{get_s, key, n, s, Item};
use super::tally::Counter;
use super::{unavailable, DynamoStore};
use crate::domain::ad_referral::AdReferral;
use crate::domain::source_figures::{Attribution, SourceCount, SourceMeasure, SourceTotals};
use crate::domain::Millis;
use crate::ports::StoreError;
use std::collections::BTreeMap;

const ADS: &str = "ADS";

/// A month's partition of the counters.
fn month_pk(month: &str) -> String {
    format!("STATS#SRC#{month}")
}

/// The months `[from, to]` (days, `YYYY-MM-DD`) touch, in order.
fn months_between(from: &str, to: &str) -> Vec<String> {
    let (Some(first), Some(last)) = (from.get(..7), to.get(..7)) else { return Vec::new() };
    let parse = |m: &str| -> Option<(i32, u32)> { Some((m.get(..4)?.parse().ok()?, m.get(5..7)?.parse().ok()?)) };
    let (Some(mut at), Some(end)) = (parse(first), parse(last)) else { return Vec::new() };
    let mut months = Vec::new();
    while at <= end && months.len() < 120 {
        months.push(format!("{:04}-{:02}", at.0, at.1));
        at = if at.1 == 12 { (at.0 + 1, 1) } else { (at.0, at.1 + 1) };
    }
    months
}

fn ad_from(item: &Item) -> Option<AdReferral> {
    Some(AdReferral {
        ad_id: get_s(item, super::keys::SK)?,
        source_type: get_s(item, "source_type").unwrap_or_else(|| "ad".to_owned()),
        headline: get_s(item, "headline"),
        source_url: get_s(item, "source_url"),
        ctwa_clid: None,
    })
}

#[async_trait::async_trait]
impl crate::ports::SourceFigureStore for DynamoStore {
    async fn count_source(&self, event: &str, at: Millis, counts: &[SourceCount]) -> Result<(), StoreError> {
        if counts.is_empty() {
            return Ok(());
        }
        let day = self.report_day_of(at).await;
        let pk = month_pk(day.get(..7).unwrap_or_default());
        let amounts: Vec<(Counter, i64)> = counts
            .iter()
            .map(|c| {
                let counter = Counter {
                    pk: pk.clone(),
                    sk: format!("{day}#{}", c.line.key()),
                    field: c.measure.field().to_owned(),
                };
                (counter, c.by)
            })
            .collect();
        self.tally_amounts_once(&amounts, &format!("source|{event}")).await?;
        Ok(())
    }

    async fn source_totals(&self, from: &str, to: &str) -> Result<Vec<(Attribution, SourceTotals)>, StoreError> {
        let mut totals: BTreeMap<Attribution, SourceTotals> = BTreeMap::new();
        for month in months_between(from, to) {
            let tallies = self.read_tallies(&month_pk(&month), from, &format!("{to}#~")).await?;
            for ((sk, field), value) in tallies.counted {
                let line = sk.split_once('#').and_then(|(_, line)| Attribution::parse(line));
                if let (Some(line), Some(measure)) = (line, SourceMeasure::parse(&field)) {
                    totals.entry(line).or_default().add(measure, value);
                }
            }
        }
        Ok(totals.into_iter().collect())
    }

    async fn note_ad(&self, ad: &AdReferral) -> Result<(), StoreError> {
        let mut item = key(ADS, &ad.ad_id);
        item.insert("source_type".to_owned(), s(&ad.source_type));
        item.insert("noted_at".to_owned(), n(crate::ports::Clock::now(&crate::ports::SystemClock).0));
        if let Some(headline) = &ad.headline {
            item.insert("headline".to_owned(), s(headline));
        }
        if let Some(url) = &ad.source_url {
            item.insert("source_url".to_owned(), s(url));
        }
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(unavailable)?;
        Ok(())
    }

    async fn ads(&self, ids: &[String]) -> Result<Vec<AdReferral>, StoreError> {
        let items = self.batch_read(ids.iter().map(|id| key(ADS, id)).collect(), None).await?;
        let mut found: Vec<AdReferral> = items.iter().filter_map(ad_from).collect();
        found.sort_by(|a, b| a.ad_id.cmp(&b.ad_id));
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::months_between;

    #[test]
    fn a_range_reads_each_month_it_touches() {
        assert_eq!(months_between("2026-11-20", "2027-01-05"), ["2026-11", "2026-12", "2027-01"]);
        assert_eq!(months_between("2026-11-20", "2026-11-21"), ["2026-11"]);
        assert!(months_between("2026-12-01", "2026-11-01").is_empty());
        assert!(months_between("bad", "2026-11-01").is_empty());
    }
}
