//! Snoozing a task to a moment named in business time: staff say "tomorrow
//! morning", and the business's clock (not the browser's) decides when.

use super::business_day::BusinessDay;
use super::Millis;

const HOUR: i64 = 3_600_000;
/// Mornings start at 9:00 business time.
const MORNING_HOUR: i8 = 9;

/// A snooze preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Snooze {
    /// An hour from now.
    Hour,
    /// 9:00 on the next business day.
    Tomorrow,
    /// 9:00 on the coming Monday.
    NextWeek,
}

impl Snooze {
    /// `hour`, `tomorrow` or `next_week`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "hour" => Some(Snooze::Hour),
            "tomorrow" => Some(Snooze::Tomorrow),
            "next_week" => Some(Snooze::NextWeek),
            _ => None,
        }
    }

    /// The new due time on the business's calendar.
    pub fn until(self, now: Millis, calendar: &BusinessDay) -> Millis {
        match self {
            Snooze::Hour => Millis(now.0 + HOUR),
            Snooze::Tomorrow => calendar.at_local_hour(now, 1, MORNING_HOUR),
            Snooze::NextWeek => calendar.at_local_hour(now, 7 - calendar.weekday_from_monday(now), MORNING_HOUR),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mornings_are_in_business_time() {
        // 2026-11-24T20:00Z: Tuesday 20:00 in London, Wednesday 01:30 in India.
        let now = Millis::parse_rfc3339("2026-11-24T20:00:00Z").unwrap();
        let (india, utc) = (BusinessDay::FixedOffset(330), BusinessDay::FixedOffset(0));
        assert_eq!(Snooze::Hour.until(now, &india).to_rfc3339(), "2026-11-24T21:00:00Z");
        assert_eq!(Snooze::Tomorrow.until(now, &utc).to_rfc3339(), "2026-11-25T09:00:00Z");
        assert_eq!(Snooze::Tomorrow.until(now, &india).to_rfc3339(), "2026-11-26T03:30:00Z", "Thursday 9:00 IST");
        assert_eq!(Snooze::NextWeek.until(now, &utc).to_rfc3339(), "2026-11-30T09:00:00Z", "Monday");
        assert_eq!(Snooze::NextWeek.until(now, &india).to_rfc3339(), "2026-11-30T03:30:00Z");
        let sunday_night = Millis::parse_rfc3339("2026-11-29T23:00:00Z").unwrap();
        assert_eq!(Snooze::NextWeek.until(sunday_night, &utc).to_rfc3339(), "2026-11-30T09:00:00Z");
        let monday = Millis::parse_rfc3339("2026-11-30T08:00:00Z").unwrap();
        assert_eq!(Snooze::NextWeek.until(monday, &utc).to_rfc3339(), "2026-12-07T09:00:00Z", "a week, not an hour");
    }

    #[test]
    fn mornings_follow_summer_time_in_a_zone() {
        let london = BusinessDay::in_zone("Europe/London").unwrap();
        // Saturday 2026-03-28 evening: Sunday the 29th clocks go forward, so
        // Monday 9:00 is 08:00Z, while Sunday's would have been 09:00Z in winter.
        let saturday = Millis::parse_rfc3339("2026-03-28T20:00:00Z").unwrap();
        assert_eq!(Snooze::Tomorrow.until(saturday, &london).to_rfc3339(), "2026-03-29T08:00:00Z");
        assert_eq!(Snooze::NextWeek.until(saturday, &london).to_rfc3339(), "2026-03-30T08:00:00Z");
        let india = BusinessDay::in_zone("Asia/Kolkata").unwrap();
        assert_eq!(
            Snooze::Tomorrow.until(saturday, &india),
            Snooze::Tomorrow.until(saturday, &BusinessDay::FixedOffset(330))
        );
    }
}
