//! Snoozing a task to a moment named in business time: staff say "tomorrow
//! morning", and the business's clock (not the browser's) decides when.

use super::Millis;

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
/// Mornings start at 9:00 business time.
const MORNING_HOURS: i64 = 9;

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

    /// The new due time, for a business whose clocks run
    /// `utc_offset_minutes` ahead of UTC.
    pub fn until(self, now: Millis, utc_offset_minutes: i64) -> Millis {
        let offset = utc_offset_minutes * 60_000;
        let local_day = (now.0 + offset).div_euclid(DAY);
        let morning = |day: i64| Millis(day * DAY + MORNING_HOURS * HOUR - offset);
        match self {
            Snooze::Hour => Millis(now.0 + HOUR),
            Snooze::Tomorrow => morning(local_day + 1),
            // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday.
            Snooze::NextWeek => morning(local_day + 7 - (local_day + 3).rem_euclid(7)),
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
        assert_eq!(Snooze::Hour.until(now, 330).to_rfc3339(), "2026-11-24T21:00:00Z");
        assert_eq!(Snooze::Tomorrow.until(now, 0).to_rfc3339(), "2026-11-25T09:00:00Z");
        assert_eq!(Snooze::Tomorrow.until(now, 330).to_rfc3339(), "2026-11-26T03:30:00Z", "Thursday 9:00 IST");
        assert_eq!(Snooze::NextWeek.until(now, 0).to_rfc3339(), "2026-11-30T09:00:00Z", "Monday");
        assert_eq!(Snooze::NextWeek.until(now, 330).to_rfc3339(), "2026-11-30T03:30:00Z");
        let sunday_night = Millis::parse_rfc3339("2026-11-29T23:00:00Z").unwrap();
        assert_eq!(Snooze::NextWeek.until(sunday_night, 0).to_rfc3339(), "2026-11-30T09:00:00Z");
        let monday = Millis::parse_rfc3339("2026-11-30T08:00:00Z").unwrap();
        assert_eq!(Snooze::NextWeek.until(monday, 0).to_rfc3339(), "2026-12-07T09:00:00Z", "a week, not an hour");
    }
}
