//! The month's end projected from the month so far, linearly by days
//! elapsed: a month half gone with 40 billable messages forecasts 80.
//! Simple on purpose (no weekday or campaign seasonality), and the report
//! says so.

use thiserror::Error;

/// How far into a month a day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthProgress {
    /// Days counted so far, today included; the whole month for a past
    /// month, 0 for a month not yet begun.
    pub days_elapsed: u32,
    /// Days in the month (28 to 31).
    pub days_in_month: u32,
}

/// A month or day that is not `YYYY-MM` / `YYYY-MM-DD`.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("not a calendar month or day: {0}")]
pub struct BadDate(pub String);

fn year_month(month: &str) -> Result<(i32, u32), BadDate> {
    let bad = || BadDate(month.to_owned());
    let (year, number) = month.split_once('-').ok_or_else(bad)?;
    let year: i32 = year.parse().map_err(|_| bad())?;
    let number: u32 = number.parse().map_err(|_| bad())?;
    if year.to_string().len() != 4 || !(1..=12).contains(&number) {
        return Err(bad());
    }
    Ok((year, number))
}

/// Days in `month` (`YYYY-MM`), leap years included.
pub fn days_in_month(month: &str) -> Result<u32, BadDate> {
    let (year, number) = year_month(month)?;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    Ok(match number {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    })
}

/// How far `today` (`YYYY-MM-DD`) is into `month` (`YYYY-MM`).
pub fn month_progress(month: &str, today: &str) -> Result<MonthProgress, BadDate> {
    let days_in_month = days_in_month(month)?;
    let this_month = today.get(..7).ok_or_else(|| BadDate(today.to_owned()))?;
    year_month(this_month)?;
    let day: u32 = today.get(8..).and_then(|d| d.parse().ok()).ok_or_else(|| BadDate(today.to_owned()))?;
    // `YYYY-MM` strings order as the months do.
    let days_elapsed = match month.cmp(this_month) {
        std::cmp::Ordering::Less => days_in_month,
        std::cmp::Ordering::Equal => day.clamp(1, days_in_month),
        std::cmp::Ordering::Greater => 0,
    };
    Ok(MonthProgress { days_elapsed, days_in_month })
}

impl MonthProgress {
    /// `so_far` scaled to the whole month, rounded to the nearest unit
    /// (`so_far` itself once the month is over; 0 before it starts).
    pub fn project(&self, so_far: u64) -> u64 {
        if self.days_elapsed == 0 {
            return 0;
        }
        let whole = u128::from(so_far) * u128::from(self.days_in_month);
        let elapsed = u128::from(self.days_elapsed);
        u64::try_from((whole + elapsed / 2) / elapsed).unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_half_gone_doubles() {
        let progress = month_progress("2026-11", "2026-11-15").unwrap();
        assert_eq!(progress, MonthProgress { days_elapsed: 15, days_in_month: 30 });
        assert_eq!(progress.project(40), 80);
        assert_eq!(progress.project(7), 14);
    }

    #[test]
    fn rounds_to_the_nearest_unit() {
        let progress = month_progress("2026-12", "2026-12-03").unwrap();
        assert_eq!(progress.project(10), 103, "10 × 31 / 3 = 103.3");
        assert_eq!(progress.project(2), 21, "2 × 31 / 3 = 20.7");
    }

    #[test]
    fn a_past_month_forecasts_what_it_counted_and_a_future_one_nothing() {
        assert_eq!(month_progress("2026-10", "2026-12-03").unwrap().project(123), 123);
        assert_eq!(month_progress("2027-01", "2026-12-03").unwrap().project(5), 0);
    }

    #[test]
    fn february_knows_leap_years() {
        assert_eq!(days_in_month("2028-02"), Ok(29));
        assert_eq!(days_in_month("2100-02"), Ok(28));
        assert_eq!(days_in_month("2000-02"), Ok(29));
        assert_eq!(month_progress("2026-02", "2026-02-14").unwrap().project(10), 20);
    }

    #[test]
    fn bad_dates_are_refused() {
        assert!(month_progress("2026-13", "2026-12-03").is_err());
        assert!(month_progress("2026-12", "yesterday").is_err());
        assert!(days_in_month("26-1").is_err());
    }
}
