//! The lead-source report: for each first-touch source (an ad, writing in,
//! a lead source, an import, staff) and each click-to-WhatsApp ad, how
//! many leads came, how many conversations started, and how many deals
//! were won for how much.
//!
//! A contact's source is where it was first seen (`whatsapp` or `ad` when
//! it wrote first, `lead:<id>`, `import`, `staff` or `staff:<what staff
//! typed>`), and its ad the first ad it came from; a deal is credited to
//! its contact's. Per source, a conversation is a contact's first message;
//! per ad it is every chat the ad started, a returning customer's too.

use serde::{Deserialize, Serialize};

/// A line of the report.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Attribution {
    /// A first-touch source.
    Source(String),
    /// A click-to-WhatsApp ad, by Meta's ad id.
    Ad(String),
}

impl Attribution {
    /// How the line is keyed in storage.
    pub fn key(&self) -> String {
        match self {
            Attribution::Source(source) => format!("source:{source}"),
            Attribution::Ad(ad) => format!("ad:{ad}"),
        }
    }

    /// The line a storage key names.
    pub fn parse(key: &str) -> Option<Attribution> {
        if let Some(source) = key.strip_prefix("source:") {
            return Some(Attribution::Source(source.to_owned()));
        }
        key.strip_prefix("ad:").map(|ad| Attribution::Ad(ad.to_owned()))
    }
}

/// What a count adds to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SourceMeasure {
    /// New contacts.
    Leads,
    /// Conversations started.
    Conversations,
    /// Deals won.
    Won,
    /// Their value, in minor units of the deal's currency.
    WonValue,
}

impl SourceMeasure {
    /// The counter's attribute name.
    pub fn field(self) -> &'static str {
        match self {
            SourceMeasure::Leads => "leads",
            SourceMeasure::Conversations => "conversations",
            SourceMeasure::Won => "won",
            SourceMeasure::WonValue => "won_minor",
        }
    }

    /// The measure an attribute name holds.
    pub fn parse(field: &str) -> Option<SourceMeasure> {
        [SourceMeasure::Leads, SourceMeasure::Conversations, SourceMeasure::Won, SourceMeasure::WonValue]
            .into_iter()
            .find(|m| m.field() == field)
    }
}

/// One change to one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceCount {
    /// The line.
    pub line: Attribution,
    /// What changes.
    pub measure: SourceMeasure,
    /// By how much (negative when a won deal is reopened).
    pub by: i64,
}

/// Where a contact came from, as its record keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstTouch {
    /// Its first-touch source (`None` for contacts older than the report).
    pub source: Option<String>,
    /// The first ad it came from.
    pub ad: Option<String>,
}

impl FirstTouch {
    /// The lines a contact's figures go to: its source's, and its ad's.
    fn lines(&self) -> Vec<Attribution> {
        let source = self.source.clone().unwrap_or_else(|| UNKNOWN_SOURCE.to_owned());
        std::iter::once(Attribution::Source(source)).chain(self.ad.clone().map(Attribution::Ad)).collect()
    }

    /// A new contact.
    pub fn lead(&self) -> Vec<SourceCount> {
        self.each(SourceMeasure::Leads, 1)
    }

    /// The contact's first message.
    pub fn first_conversation(&self) -> Vec<SourceCount> {
        let source = self.source.clone().unwrap_or_else(|| UNKNOWN_SOURCE.to_owned());
        vec![SourceCount { line: Attribution::Source(source), measure: SourceMeasure::Conversations, by: 1 }]
    }

    /// A deal of the contact won (`won`), or taken back out of won.
    pub fn deal_won(&self, value_minor: i64, won: bool) -> Vec<SourceCount> {
        let sign = if won { 1 } else { -1 };
        let mut counts = self.each(SourceMeasure::Won, sign);
        if value_minor != 0 {
            counts.extend(self.each(SourceMeasure::WonValue, sign * value_minor));
        }
        counts
    }

    fn each(&self, measure: SourceMeasure, by: i64) -> Vec<SourceCount> {
        self.lines().into_iter().map(|line| SourceCount { line, measure, by }).collect()
    }
}

/// A chat an ad started (per ad, a returning customer's too).
pub fn ad_conversation(ad_id: &str) -> SourceCount {
    SourceCount { line: Attribution::Ad(ad_id.to_owned()), measure: SourceMeasure::Conversations, by: 1 }
}

/// The source of contacts from before sources were kept.
pub const UNKNOWN_SOURCE: &str = "unknown";

/// One line's figures over a period.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceTotals {
    /// New contacts.
    pub leads: i64,
    /// Conversations started.
    pub conversations: i64,
    /// Deals won.
    pub won: i64,
    /// Their value, in minor units of the business currency.
    pub won_minor: i64,
}

impl SourceTotals {
    /// Adds one counter's value.
    pub fn add(&mut self, measure: SourceMeasure, by: i64) {
        let slot = match measure {
            SourceMeasure::Leads => &mut self.leads,
            SourceMeasure::Conversations => &mut self.conversations,
            SourceMeasure::Won => &mut self.won,
            SourceMeasure::WonValue => &mut self.won_minor,
        };
        *slot += by;
    }

    /// Won deals per lead, in percent (none without leads).
    pub fn win_rate_percent(&self) -> Option<f64> {
        (self.leads > 0).then(|| (self.won as f64) * 100.0 / (self.leads as f64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_ad() -> FirstTouch {
        FirstTouch { source: Some("ad".into()), ad: Some("120200".into()) }
    }

    #[test]
    fn a_lead_from_an_ad_counts_for_the_ads_source_and_the_ad() {
        let lines: Vec<String> = from_ad().lead().iter().map(|c| c.line.key()).collect();
        assert_eq!(lines, ["source:ad", "ad:120200"]);
    }

    #[test]
    fn a_first_message_counts_for_the_source_only_the_ad_counts_its_own_chats() {
        let counts = from_ad().first_conversation();
        assert_eq!(counts.len(), 1);
        assert_eq!(counts[0].line, Attribution::Source("ad".into()));
        assert_eq!(ad_conversation("9").line.key(), "ad:9");
    }

    #[test]
    fn a_reopened_deal_takes_its_win_back() {
        let touch = FirstTouch { source: Some("lead:website".into()), ad: None };
        let mut totals = SourceTotals::default();
        for count in touch.deal_won(450_000, true).into_iter().chain(touch.deal_won(450_000, false)) {
            totals.add(count.measure, count.by);
        }
        assert_eq!(totals, SourceTotals::default());
        let won = touch.deal_won(450_000, true);
        assert_eq!(won.len(), 2);
        assert!(won.iter().all(|c| c.line == Attribution::Source("lead:website".into())));
    }

    #[test]
    fn contacts_from_before_sources_were_kept_count_as_unknown() {
        let counts = FirstTouch { source: None, ad: None }.lead();
        assert_eq!(counts[0].line.key(), "source:unknown");
    }

    #[test]
    fn keys_and_fields_read_back() {
        for line in [Attribution::Source("staff:exhibition".into()), Attribution::Ad("1:2".into())] {
            assert_eq!(Attribution::parse(&line.key()), Some(line));
        }
        assert_eq!(Attribution::parse("other:1"), None);
        assert_eq!(SourceMeasure::parse("won_minor"), Some(SourceMeasure::WonValue));
        assert_eq!(SourceMeasure::parse("x"), None);
        let totals = SourceTotals { leads: 4, won: 1, ..SourceTotals::default() };
        assert_eq!(totals.win_rate_percent(), Some(25.0));
        assert_eq!(SourceTotals::default().win_rate_percent(), None);
    }
}
