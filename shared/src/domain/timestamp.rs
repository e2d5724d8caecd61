//! Instants as Unix epoch milliseconds: totally ordered, cheap to compare and
//! sortable as zero-padded strings inside DynamoDB sort keys.

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// An instant in Unix epoch milliseconds (UTC).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Millis(pub i64);

impl Millis {
    /// One hour.
    pub const HOUR: i64 = 3_600_000;

    /// From Unix seconds, as Meta sends them.
    pub fn from_unix_seconds(seconds: i64) -> Self {
        Millis(seconds.saturating_mul(1000))
    }

    /// Parses Meta's string timestamps (`"1504902988"`, Unix seconds).
    pub fn parse_unix_seconds(text: &str) -> Option<Self> {
        text.trim().parse::<i64>().ok().map(Self::from_unix_seconds)
    }

    /// Parses RFC 3339 (any offset).
    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        let t = OffsetDateTime::parse(text, &Rfc3339).ok()?;
        i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok().map(Millis)
    }

    /// This instant plus `hours`.
    pub fn plus_hours(self, hours: i64) -> Self {
        Millis(self.0.saturating_add(hours.saturating_mul(Self::HOUR)))
    }

    /// Zero-padded so that lexical order is time order (sort keys).
    pub fn sortable(self) -> String {
        // By hand: `format!`'s padding cost more than the rest of a key.
        const WIDTH: usize = 15;
        let mut digits = itoa::Buffer::new();
        let digits = digits.format(self.0.max(0));
        let mut text = String::with_capacity(WIDTH.max(digits.len()));
        text.extend(std::iter::repeat_n('0', WIDTH.saturating_sub(digits.len())));
        text.push_str(digits);
        text
    }

    /// The UTC month, `YYYY-MM` (reports group by it).
    pub fn month(self) -> String {
        let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        format!("{:04}-{:02}", t.year(), u8::from(t.month()))
    }

    /// The UTC date, `YYYY-MM-DD`: what the day-partitioned keys (audit
    /// lines, events, done tasks) are filed under, so their writers and
    /// readers agree on it.
    pub fn utc_date(self) -> String {
        let mut text = self.to_rfc3339();
        text.truncate(10);
        text
    }

    /// RFC 3339 in UTC with millisecond precision, as the API shows times.
    pub fn to_rfc3339(self) -> String {
        let nanos = i128::from(self.0) * 1_000_000;
        OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_meta_seconds_and_formats_rfc3339() {
        let t = Millis::parse_unix_seconds("1504902988").unwrap();
        assert_eq!(t, Millis(1_504_902_988_000));
        assert_eq!(t.to_rfc3339(), "2017-09-08T20:36:28Z");
        assert_eq!(t.utc_date(), "2017-09-08");
        assert_eq!(Millis::parse_unix_seconds("soon"), None);
    }

    #[test]
    fn sortable_is_zero_padded_to_fifteen_digits() {
        for value in [0, 7, 999, 1_000, 1_733_000_000_000, 999_999_999_999_999, 1_000_000_000_000_000, i64::MAX] {
            assert_eq!(Millis(value).sortable(), format!("{value:015}"));
        }
        assert_eq!(Millis(-5).sortable(), "000000000000000");
    }

    #[test]
    fn sortable_strings_sort_like_time() {
        let a = Millis(999).sortable();
        let b = Millis(1_000).sortable();
        assert!(a < b);
    }
}
