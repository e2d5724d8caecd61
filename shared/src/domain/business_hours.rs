//! A business number's opening hours: weekly intervals (several a day, and
//! overnight ones that close the next morning), holidays, and the IANA zone
//! they are read in, so that daylight saving moves them with the clocks.

use super::timestamp::Millis;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// How far back and ahead a closed period's edges are looked for: longer
/// than any closure a shop keeps (a year of holidays).
const HORIZON_DAYS: i64 = 400;

/// One opening, in local wall-clock time (`"09:00"`–`"18:00"`); a close at
/// or before the open is the next day's (`"22:00"`–`"02:00"`), `"24:00"` is
/// midnight at the end of the day.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interval {
    /// `HH:MM`, 00:00–23:59.
    pub open: String,
    /// `HH:MM`, 00:00–24:00.
    pub close: String,
}

/// A day the business is closed all day (its openings do not start).
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    /// `YYYY-MM-DD`, local.
    pub date: String,
    /// What staff call it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A number's weekly hours, holidays and time zone.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessHours {
    /// IANA zone (`Asia/Kolkata`).
    pub time_zone: String,
    /// Seven days, Monday first, each with its openings.
    pub weekly: Vec<Vec<Interval>>,
    /// Closed days.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<Holiday>,
}

/// Open or closed at an instant, with the closed period's edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoursState {
    /// Inside an opening.
    Open,
    /// Outside every opening.
    Closed {
        /// When the last opening ended (the epoch when none did within
        /// the horizon).
        since: Millis,
        /// When the next opening starts, if one does within the horizon.
        reopens: Option<Millis>,
    },
}

/// Why hours cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    /// Not a zone of the compiled-in database.
    #[error("time zone must be an IANA name such as Asia/Kolkata")]
    TimeZone,
    /// Not seven days.
    #[error("weekly hours list seven days, Monday first")]
    Week,
    /// A time that is not `HH:MM`.
    #[error("opening times are HH:MM, from 00:00 to 24:00")]
    Time,
    /// An opening that opens and closes at the same time.
    #[error("an opening must last longer than no time")]
    Empty,
    /// A holiday that is not a date.
    #[error("holidays are dates, YYYY-MM-DD")]
    Holiday,
    /// Too much to be a shop's hours.
    #[error("at most 6 openings a day and 400 holidays")]
    TooMany,
}

/// Minutes since midnight of `HH:MM` (24:00 allowed as the day's end).
fn minutes(text: &str) -> Option<u16> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

fn parse_date(text: &str) -> Option<Date> {
    (text.len() == 10).then(|| text.parse().ok()).flatten()
}

impl BusinessHours {
    /// Checks every part, so that a saved one always applies.
    pub fn validate(&self) -> Result<(), HoursError> {
        TimeZone::get(&self.time_zone).map_err(|_| HoursError::TimeZone)?;
        if self.weekly.len() != 7 {
            return Err(HoursError::Week);
        }
        if self.weekly.iter().any(|day| day.len() > 6) || self.holidays.len() > 400 {
            return Err(HoursError::TooMany);
        }
        for interval in self.weekly.iter().flatten() {
            let (open, close) = (minutes(&interval.open), minutes(&interval.close));
            let (Some(open), Some(close)) = (open, close) else { return Err(HoursError::Time) };
            if open >= 24 * 60 {
                return Err(HoursError::Time);
            }
            if open == close {
                return Err(HoursError::Empty);
            }
        }
        if self.holidays.iter().any(|h| parse_date(&h.date).is_none()) {
            return Err(HoursError::Holiday);
        }
        Ok(())
    }

    /// Open or closed at `at`, with the closed period's start and the next
    /// opening. Hours that do not validate are read as always open.
    pub fn state_at(&self, at: Millis) -> HoursState {
        let Ok(zone) = TimeZone::get(&self.time_zone) else { return HoursState::Open };
        let Ok(now) = Timestamp::from_millisecond(at.0) else { return HoursState::Open };
        let today = now.to_zoned(zone.clone()).date();
        let on = |offset: i64| -> Vec<(i64, i64)> {
            today.checked_add(jiff::Span::new().days(offset)).map(|d| self.openings_on(d, &zone)).unwrap_or_default()
        };
        if [-1, 0].iter().flat_map(|o| on(*o)).any(|(start, end)| start <= at.0 && at.0 < end) {
            return HoursState::Open;
        }
        // The latest end before now: an opening of an earlier day can end
        // after a later day's (overnight), so one more day is read past the
        // first that had one.
        let mut since: Option<i64> = None;
        let mut found_on = None;
        for offset in (-HORIZON_DAYS..=0).rev() {
            if found_on.is_some_and(|found: i64| offset < found - 1) {
                break;
            }
            if let Some(end) = on(offset).into_iter().map(|(_, end)| end).filter(|end| *end <= at.0).max() {
                since = Some(since.map_or(end, |s| s.max(end)));
                found_on.get_or_insert(offset);
            }
        }
        let reopens = (0..=HORIZON_DAYS)
            .find_map(|offset| on(offset).into_iter().map(|(start, _)| start).filter(|s| *s > at.0).min());
        HoursState::Closed { since: Millis(since.unwrap_or(0)), reopens: reopens.map(Millis) }
    }

    /// The openings that start on local `date`, as UTC millisecond ranges
    /// (none on a holiday). A wall-clock time a clock change skips is read
    /// as the first one after it.
    fn openings_on(&self, date: Date, zone: &TimeZone) -> Vec<(i64, i64)> {
        if self.holidays.iter().any(|h| parse_date(&h.date) == Some(date)) {
            return Vec::new();
        }
        let weekday = usize::try_from(date.weekday().to_monday_zero_offset()).unwrap_or(0);
        let instant = |day: Date, minute: u16| -> Option<i64> {
            let local = if minute >= 24 * 60 {
                day.tomorrow().ok()?.to_datetime(Time::midnight())
            } else {
                day.to_datetime(Time::new(i8::try_from(minute / 60).ok()?, i8::try_from(minute % 60).ok()?, 0, 0).ok()?)
            };
            Some(local.to_zoned(zone.clone()).ok()?.timestamp().as_millisecond())
        };
        self.weekly
            .get(weekday)
            .into_iter()
            .flatten()
            .filter_map(|interval| {
                let (open, close) = (minutes(&interval.open)?, minutes(&interval.close)?);
                let start = instant(date, open)?;
                let end = if close > open { instant(date, close)? } else { instant(date.tomorrow().ok()?, close)? };
                (end > start).then_some((start, end))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> Millis {
        Millis::parse_rfc3339(rfc3339).unwrap()
    }

    fn interval(open: &str, close: &str) -> Interval {
        Interval { open: open.into(), close: close.into() }
    }

    /// Monday to Friday `open`–`close`, weekends closed.
    fn weekdays(zone: &str, open: &str, close: &str) -> BusinessHours {
        let mut weekly = vec![vec![interval(open, close)]; 5];
        weekly.extend([vec![], vec![]]);
        BusinessHours { time_zone: zone.into(), weekly, holidays: vec![] }
    }

    fn closed(since: &str, reopens: &str) -> HoursState {
        HoursState::Closed { since: at(since), reopens: Some(at(reopens)) }
    }

    #[test]
    fn kolkata_evenings_and_weekends_are_closed_periods() {
        let hours = weekdays("Asia/Kolkata", "09:00", "18:00");
        hours.validate().unwrap();
        // Tuesday 1 December 2026, 10:00 IST.
        assert_eq!(hours.state_at(at("2026-12-01T04:30:00Z")), HoursState::Open);
        // 23:00 IST Tuesday: closed since 18:00, open at 09:00 Wednesday.
        assert_eq!(hours.state_at(at("2026-12-01T17:30:00Z")), closed("2026-12-01T12:30:00Z", "2026-12-02T03:30:00Z"));
        // Saturday noon: closed since Friday 18:00 until Monday 09:00.
        assert_eq!(hours.state_at(at("2026-12-05T06:30:00Z")), closed("2026-12-04T12:30:00Z", "2026-12-07T03:30:00Z"));
        // The instant it closes is closed; the instant it opens is open.
        assert!(matches!(hours.state_at(at("2026-12-01T12:30:00Z")), HoursState::Closed { .. }));
        assert_eq!(hours.state_at(at("2026-12-02T03:30:00Z")), HoursState::Open);
    }

    #[test]
    fn london_hours_follow_the_clocks_across_a_dst_change() {
        let hours = weekdays("Europe/London", "09:00", "17:00");
        // Friday 27 March 2026 (GMT): 09:00 is 09:00Z. Clocks go forward on
        // Sunday the 29th; Monday the 30th (BST) opens at 08:00Z.
        assert_eq!(hours.state_at(at("2026-03-27T09:00:00Z")), HoursState::Open);
        assert_eq!(hours.state_at(at("2026-03-28T12:00:00Z")), closed("2026-03-27T17:00:00Z", "2026-03-30T08:00:00Z"));
        assert_eq!(hours.state_at(at("2026-03-30T08:30:00Z")), HoursState::Open, "09:30 BST");
        assert!(matches!(hours.state_at(at("2026-03-30T16:30:00Z")), HoursState::Closed { .. }), "17:30 BST");
        // And back in October: Monday 26th is GMT again.
        assert_eq!(
            hours.state_at(at("2026-10-26T08:30:00Z")),
            HoursState::Closed { since: at("2026-10-23T16:00:00Z"), reopens: Some(at("2026-10-26T09:00:00Z")) }
        );
    }

    #[test]
    fn sao_paulo_opening_at_a_skipped_midnight_starts_at_one() {
        // 4 November 2018: Brazil's clocks jumped from 00:00 to 01:00 (-03 to -02).
        let hours = BusinessHours {
            time_zone: "America/Sao_Paulo".into(),
            weekly: vec![vec![interval("00:00", "06:00")]; 7],
            holidays: vec![],
        };
        // Midnight did not exist: the day's opening starts at 01:00 -02:00 (03:00Z).
        assert_eq!(hours.state_at(at("2018-11-04T02:30:00Z")), closed("2018-11-03T09:00:00Z", "2018-11-04T03:00:00Z"));
        assert_eq!(hours.state_at(at("2018-11-04T03:00:00Z")), HoursState::Open);
        // It closes at 06:00 -02:00, 08:00Z: an hour shorter.
        assert!(matches!(hours.state_at(at("2018-11-04T08:00:00Z")), HoursState::Closed { .. }));
    }

    #[test]
    fn overnight_openings_and_several_a_day() {
        let mut hours = weekdays("UTC", "09:00", "13:00");
        for day in hours.weekly.iter_mut().take(5) {
            day.push(interval("14:00", "18:00"));
        }
        // Friday night: a bar's 22:00–02:00.
        hours.weekly[4].push(interval("22:00", "02:00"));
        hours.validate().unwrap();
        assert_eq!(
            hours.state_at(at("2026-12-04T13:30:00Z")),
            closed("2026-12-04T13:00:00Z", "2026-12-04T14:00:00Z"),
            "lunch"
        );
        assert_eq!(hours.state_at(at("2026-12-05T01:00:00Z")), HoursState::Open, "Friday's night runs into Saturday");
        assert_eq!(hours.state_at(at("2026-12-05T03:00:00Z")), closed("2026-12-05T02:00:00Z", "2026-12-07T09:00:00Z"));
    }

    #[test]
    fn a_holiday_is_one_closed_period_with_the_nights_around_it() {
        let mut hours = weekdays("Asia/Kolkata", "09:00", "18:00");
        hours.holidays.push(Holiday { date: "2026-12-25".into(), name: Some("Christmas".into()) });
        // Christmas is a Friday: closed from Thursday 18:00 IST to Monday 09:00 IST.
        let christmas = closed("2026-12-24T12:30:00Z", "2026-12-28T03:30:00Z");
        assert_eq!(hours.state_at(at("2026-12-25T06:30:00Z")), christmas);
        assert_eq!(hours.state_at(at("2026-12-26T06:30:00Z")), christmas, "the same period: one away message");
    }

    #[test]
    fn bad_hours_are_refused() {
        let good = weekdays("Asia/Kolkata", "09:00", "18:00");
        let with = |f: &dyn Fn(&mut BusinessHours)| {
            let mut h = good.clone();
            f(&mut h);
            h.validate()
        };
        assert_eq!(with(&|h| h.time_zone = "Mars/Base".into()), Err(HoursError::TimeZone));
        assert_eq!(with(&|h| h.weekly.pop().map(|_| ()).unwrap_or(())), Err(HoursError::Week));
        assert_eq!(with(&|h| h.weekly[0] = vec![interval("9:00", "18:00")]), Err(HoursError::Time));
        assert_eq!(with(&|h| h.weekly[0] = vec![interval("24:00", "02:00")]), Err(HoursError::Time));
        assert_eq!(with(&|h| h.weekly[0] = vec![interval("10:00", "10:00")]), Err(HoursError::Empty));
        assert_eq!(with(&|h| h.holidays.push(Holiday { date: "25/12".into(), name: None })), Err(HoursError::Holiday));
        assert_eq!(with(&|h| h.weekly[0] = vec![interval("00:00", "24:00")]), Ok(()));
        let never = BusinessHours { time_zone: "UTC".into(), weekly: vec![vec![]; 7], holidays: vec![] };
        assert_eq!(never.state_at(at("2026-12-01T00:00:00Z")), HoursState::Closed { since: Millis(0), reopens: None });
    }
}
