//! The business calendar the write paths bucket their report counters in
//! (message counts, first responses, spend), cached per container so the
//! inbound webhook stays one round trip: the profile is read on the first
//! counted write of a container's life and again once the copy is older than
//! [`MAX_AGE`]. A saved profile updates the saving container at once; other
//! containers follow within `MAX_AGE`.

use super::DynamoStore;
use crate::domain::{BusinessDay, BusinessProfile, Millis};
use crate::ports::BusinessProfileStore;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How stale another container's copy of the business time zone may be.
pub const MAX_AGE: Duration = Duration::from_secs(300);

/// One container's copy of the business calendar.
#[derive(Debug, Default)]
pub(super) struct ReportCalendar {
    cached: Mutex<Option<(BusinessDay, Instant)>>,
}

impl ReportCalendar {
    fn fresh(&self) -> Option<BusinessDay> {
        let cached = self.cached.lock().ok()?;
        cached.as_ref().filter(|(_, read)| read.elapsed() < MAX_AGE).map(|(day, _)| day.clone())
    }

    fn stale(&self) -> Option<BusinessDay> {
        self.cached.lock().ok()?.as_ref().map(|(day, _)| day.clone())
    }

    pub(super) fn remember(&self, profile: Option<&BusinessProfile>) -> BusinessDay {
        let day = calendar_of(profile);
        if let Ok(mut cached) = self.cached.lock() {
            *cached = Some((day.clone(), Instant::now()));
        }
        day
    }
}

fn calendar_of(profile: Option<&BusinessProfile>) -> BusinessDay {
    let default = BusinessProfile::default();
    let zone = profile.map_or(default.time_zone.as_str(), |p| p.time_zone.as_str());
    BusinessDay::in_zone(zone).unwrap_or_else(|_| {
        tracing::warn!(time_zone = %zone, "the business time zone is unknown; counting report days in UTC");
        BusinessDay::FixedOffset(0)
    })
}

impl DynamoStore {
    /// The business's calendar date of `at`, for a report counter's key.
    /// A failed profile read counts in the last known (or the default) zone
    /// rather than failing the write: a day bucket is not worth a message.
    pub(super) async fn report_day_of(&self, at: Millis) -> String {
        self.report_calendar().await.day_of(at)
    }

    /// The business's calendar month (`YYYY-MM`) of `at`.
    pub(super) async fn report_month_of(&self, at: Millis) -> String {
        let mut day = self.report_day_of(at).await;
        day.truncate(7);
        day
    }

    /// The business's calendar: the container's copy while fresh, else the
    /// profile read again.
    pub(super) async fn report_calendar(&self) -> BusinessDay {
        if let Some(day) = self.calendar.fresh() {
            return day;
        }
        match self.business_profile().await {
            Ok(profile) => self.calendar.remember(profile.as_ref()),
            Err(e) => {
                tracing::warn!(error = %e, "could not read the business time zone; keeping the last one");
                self.calendar.stale().unwrap_or_else(|| calendar_of(None))
            }
        }
    }

    /// Reads the business time zone now (a container's cold start), so the
    /// first counted write of its life needs no extra round trip.
    pub async fn warm_report_calendar(&self) {
        let _ = self.report_calendar().await;
    }
}
