//! Which calendar "today" is read in: the business profile's IANA time zone,
//! that of the default profile (`Asia/Kolkata`) until an admin saves one.

use crate::domain::{BusinessDay, BusinessProfile};
use crate::ports::{BusinessProfileStore, StoreError};
use std::sync::Arc;

/// Resolves the business's calendar; one profile read per call.
#[derive(Clone)]
pub struct BusinessCalendar {
    profiles: Arc<dyn BusinessProfileStore>,
    unsaved: BusinessDay,
}

impl BusinessCalendar {
    /// The calendar of the saved profile, or of the default profile's zone.
    pub fn new(profiles: Arc<dyn BusinessProfileStore>) -> Self {
        let unsaved =
            BusinessDay::in_zone(&BusinessProfile::default().time_zone).unwrap_or(BusinessDay::FixedOffset(0));
        BusinessCalendar { profiles, unsaved }
    }

    /// The same, with `unsaved` in force until a profile is saved (tests
    /// that reason in UTC).
    pub fn with_unsaved(profiles: Arc<dyn BusinessProfileStore>, unsaved: BusinessDay) -> Self {
        BusinessCalendar { profiles, unsaved }
    }

    /// The calendar in force now.
    pub async fn current(&self) -> Result<BusinessDay, StoreError> {
        let Some(profile) = self.profiles.business_profile().await? else {
            return Ok(self.unsaved.clone());
        };
        Ok(BusinessDay::in_zone(&profile.time_zone).unwrap_or_else(|_| {
            // Saved profiles are validated against the same database, so
            // this is a zone a newer or older build dropped.
            tracing::warn!(time_zone = %profile.time_zone, "the business time zone is unknown; using UTC");
            BusinessDay::FixedOffset(0)
        }))
    }
}
