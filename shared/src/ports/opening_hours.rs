//! Whether a business number is open at an instant.

use super::StoreError;
use crate::domain::{BusinessNumber, Millis};
use async_trait::async_trait;

/// Open or closed, and since when it has been closed: the start of a closed
/// period tells one evening (or one holiday) from the next, so that an away
/// message goes out at most once per conversation per closed period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenState {
    /// Inside opening hours.
    Open,
    /// Outside them.
    Closed {
        /// When this closed period began.
        since: Millis,
        /// When it next opens, if it ever does.
        reopens: Option<Millis>,
    },
}

/// Each business number's opening hours (weekly hours, holidays, an IANA
/// time zone), applied to an instant.
#[async_trait]
pub trait OpeningHours: Send + Sync {
    /// Whether `number` is open at `at`. A number with no hours set is always open.
    async fn state_at(&self, number: &BusinessNumber, at: Millis) -> Result<OpenState, StoreError>;
}

impl From<crate::domain::business_hours::HoursState> for OpenState {
    fn from(state: crate::domain::business_hours::HoursState) -> Self {
        use crate::domain::business_hours::HoursState;
        match state {
            HoursState::Open => OpenState::Open,
            HoursState::Closed { since, reopens } => OpenState::Closed { since, reopens },
        }
    }
}
