//! Which calendar "today" is read in: the business profile's time zone once
//! an admin has saved one, else the fixed UTC offset from the settings (the
//! behaviour from before the profile existed).

use crate::domain::BusinessDay;
use crate::ports::{BusinessProfileStore, StoreError};
use std::sync::Arc;

/// Resolves the business's calendar; one profile read per call.
#[derive(Clone)]
pub struct BusinessCalendar {
    profiles: Arc<dyn BusinessProfileStore>,
    fallback_offset_minutes: i64,
}

impl BusinessCalendar {
    /// `fallback_offset_minutes` places the day until a profile is saved.
    pub fn new(profiles: Arc<dyn BusinessProfileStore>, fallback_offset_minutes: i64) -> Self {
        BusinessCalendar { profiles, fallback_offset_minutes }
    }

    /// The calendar in force now.
    pub async fn current(&self) -> Result<BusinessDay, StoreError> {
        let fallback = BusinessDay::FixedOffset(self.fallback_offset_minutes);
        let Some(profile) = self.profiles.business_profile().await? else {
            return Ok(fallback);
        };
        Ok(BusinessDay::in_zone(&profile.time_zone).unwrap_or_else(|_| {
            // Saved profiles are validated against the same database, so
            // this is a zone a newer or older build dropped.
            tracing::warn!(time_zone = %profile.time_zone, "the business time zone is unknown; using the fixed offset");
            fallback
        }))
    }
}
