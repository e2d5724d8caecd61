//! Where a business day begins and ends: at local midnight in the business's
//! IANA time zone, daylight saving included, or, until a zone is chosen, at a
//! fixed offset from UTC taken from the settings.

use super::task::end_of_day;
use super::timestamp::Millis;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use std::ops::Add;

/// The business's calendar, for "today" and for day buckets.
#[derive(Debug, Clone)]
pub enum BusinessDay {
    /// Clocks run this many minutes ahead of UTC all year round.
    FixedOffset(i64),
    /// An IANA zone, whose offset changes with daylight saving.
    Zone(TimeZone),
}

/// A zone name the compiled-in zone database does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the time zone database has no zone of that name")]
pub struct UnknownZone;

impl BusinessDay {
    /// The calendar of an IANA zone (`Asia/Kolkata`), from the zone database
    /// compiled into the binary: no file system is read.
    pub fn in_zone(name: &str) -> Result<Self, UnknownZone> {
        TimeZone::get(name).map(BusinessDay::Zone).map_err(|_| UnknownZone)
    }

    /// The first instant of the business day after the one containing `now`.
    /// On a day whose midnight a clock change skips, the next day starts at
    /// the first local time that exists.
    pub fn end_of_day(&self, now: Millis) -> Millis {
        match self {
            BusinessDay::FixedOffset(minutes) => end_of_day(now, *minutes),
            BusinessDay::Zone(zone) => Self::next_local_midnight(zone, now).unwrap_or_else(|| end_of_day(now, 0)),
        }
    }

    /// The business's calendar date (`2026-11-24`) at `at`.
    pub fn day_of(&self, at: Millis) -> String {
        match self {
            BusinessDay::FixedOffset(minutes) => Millis(at.0 + minutes * 60_000).utc_date(),
            BusinessDay::Zone(zone) => Timestamp::from_millisecond(at.0)
                .map(|t| t.to_zoned(zone.clone()).date().to_string())
                .unwrap_or_else(|_| at.utc_date()),
        }
    }

    /// The instants a calendar date (`2026-11-24`) runs between in this
    /// calendar: its first, and the next day's first. `None` for text that
    /// is not a date.
    pub fn span_of(&self, day: &str) -> Option<(Millis, Millis)> {
        let date: jiff::civil::Date = day.parse().ok()?;
        let start = match self {
            BusinessDay::FixedOffset(minutes) => {
                let midnight = date.to_zoned(TimeZone::UTC).ok()?.timestamp().as_millisecond();
                Millis(midnight - minutes * 60_000)
            }
            BusinessDay::Zone(zone) => {
                Millis(date.to_zoned(zone.clone()).ok()?.start_of_day().ok()?.timestamp().as_millisecond())
            }
        };
        Some((start, self.end_of_day(start)))
    }

    /// `hour`:00 local time on the day `days_after` the business day holding
    /// `now` (a local time a clock change skips moves on to one that exists).
    pub fn at_local_hour(&self, now: Millis, days_after: i64, hour: i8) -> Millis {
        const DAY: i64 = 86_400_000;
        let fixed = |minutes: i64| {
            let offset = minutes * 60_000;
            let local_day = (now.0 + offset).div_euclid(DAY);
            Millis((local_day + days_after) * DAY + i64::from(hour) * 3_600_000 - offset)
        };
        match self {
            BusinessDay::FixedOffset(minutes) => fixed(*minutes),
            BusinessDay::Zone(zone) => Self::zoned_hour(zone, now, days_after, hour).unwrap_or_else(|| fixed(0)),
        }
    }

    /// Days since the last Monday of the business week holding `now`
    /// (Monday 0 … Sunday 6).
    pub fn weekday_from_monday(&self, now: Millis) -> i64 {
        match self {
            // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday.
            BusinessDay::FixedOffset(minutes) => (now.0 + minutes * 60_000).div_euclid(86_400_000).add(3).rem_euclid(7),
            BusinessDay::Zone(zone) => Timestamp::from_millisecond(now.0)
                .map(|t| i64::from(t.to_zoned(zone.clone()).weekday().to_monday_zero_offset()))
                .unwrap_or(0),
        }
    }

    fn zoned_hour(zone: &TimeZone, now: Millis, days_after: i64, hour: i8) -> Option<Millis> {
        let today = Timestamp::from_millisecond(now.0).ok()?.to_zoned(zone.clone()).date();
        let day = today.checked_add(jiff::Span::new().days(days_after)).ok()?;
        let local = day.at(hour, 0, 0, 0).to_zoned(zone.clone()).ok()?;
        Some(Millis(local.timestamp().as_millisecond()))
    }

    /// `None` only for instants outside the years the zone database covers.
    fn next_local_midnight(zone: &TimeZone, now: Millis) -> Option<Millis> {
        let today = Timestamp::from_millisecond(now.0).ok()?.to_zoned(zone.clone());
        let next = today.date().tomorrow().ok()?.to_zoned(zone.clone()).ok()?.start_of_day().ok()?;
        Some(Millis(next.timestamp().as_millisecond()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> Millis {
        Millis::parse_rfc3339(rfc3339).unwrap()
    }

    fn zone(name: &str) -> BusinessDay {
        BusinessDay::in_zone(name).unwrap()
    }

    #[test]
    fn kolkata_days_end_at_1830_utc_all_year() {
        let india = zone("Asia/Kolkata");
        // 01:30 on the 24th in India is still the evening of the 23rd in UTC.
        assert_eq!(india.end_of_day(at("2026-11-23T20:00:00Z")).to_rfc3339(), "2026-11-24T18:30:00Z");
        assert_eq!(india.end_of_day(at("2026-07-01T18:29:59Z")).to_rfc3339(), "2026-07-01T18:30:00Z");
        assert_eq!(india.end_of_day(at("2026-07-01T18:30:00Z")).to_rfc3339(), "2026-07-02T18:30:00Z");
        assert_eq!(india.day_of(at("2026-11-23T20:00:00Z")), "2026-11-24");
        // The same as the fixed offset the settings carried.
        assert_eq!(
            BusinessDay::FixedOffset(330).end_of_day(at("2026-11-23T20:00:00Z")),
            india.end_of_day(at("2026-11-23T20:00:00Z"))
        );
    }

    #[test]
    fn london_days_follow_summer_time() {
        let london = zone("Europe/London");
        // Winter: GMT, midnight is 00:00Z.
        assert_eq!(london.end_of_day(at("2026-01-15T12:00:00Z")).to_rfc3339(), "2026-01-16T00:00:00Z");
        // Summer: BST, midnight is 23:00Z the day before; 23:30Z is already tomorrow.
        assert_eq!(london.end_of_day(at("2026-07-15T12:00:00Z")).to_rfc3339(), "2026-07-15T23:00:00Z");
        assert_eq!(london.day_of(at("2026-07-15T23:30:00Z")), "2026-07-16");
        // The day the clocks go forward (29 March 2026) has 23 hours.
        let start = at("2026-03-29T00:00:00Z");
        assert_eq!(london.end_of_day(start).0 - start.0, 23 * Millis::HOUR);
        // A fixed winter offset gets the summer wrong by an hour.
        assert_ne!(
            BusinessDay::FixedOffset(0).end_of_day(at("2026-07-15T12:00:00Z")),
            london.end_of_day(at("2026-07-15T12:00:00Z"))
        );
    }

    #[test]
    fn sao_paulo_day_without_a_midnight_starts_at_one() {
        // On 4 November 2018 Brazil's clocks jumped from 00:00 to 01:00
        // (-03:00 to -02:00): the 4th began at 01:00 local, 03:00Z.
        let sao_paulo = zone("America/Sao_Paulo");
        assert_eq!(sao_paulo.end_of_day(at("2018-11-03T15:00:00Z")).to_rfc3339(), "2018-11-04T03:00:00Z");
        // And that day ended at midnight -02:00.
        assert_eq!(sao_paulo.end_of_day(at("2018-11-04T12:00:00Z")).to_rfc3339(), "2018-11-05T02:00:00Z");
        assert_eq!(sao_paulo.day_of(at("2018-11-04T02:59:59Z")), "2018-11-03");
        assert_eq!(sao_paulo.day_of(at("2018-11-04T03:00:00Z")), "2018-11-04");
    }

    #[test]
    fn a_date_spans_from_its_local_midnight_to_the_next() {
        let india = zone("Asia/Kolkata");
        assert_eq!(india.span_of("2026-12-07"), Some((at("2026-12-06T18:30:00Z"), at("2026-12-07T18:30:00Z"))));
        // The autumn's clock change makes London's day 25 hours long.
        let london = zone("Europe/London");
        assert_eq!(london.span_of("2026-10-25"), Some((at("2026-10-24T23:00:00Z"), at("2026-10-26T00:00:00Z"))));
        let fixed = BusinessDay::FixedOffset(-180);
        assert_eq!(fixed.span_of("2026-12-07"), Some((at("2026-12-07T03:00:00Z"), at("2026-12-08T03:00:00Z"))));
        assert_eq!(india.span_of("7 December"), None);
        assert_eq!(india.span_of("2026-02-30"), None);
    }

    #[test]
    fn unknown_zones_are_refused() {
        assert_eq!(BusinessDay::in_zone("Asia/Atlantis").unwrap_err(), UnknownZone);
        assert!(BusinessDay::in_zone("UTC").is_ok());
    }
}
