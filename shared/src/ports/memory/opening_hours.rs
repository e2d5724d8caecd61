//! Opening hours a test sets directly.

use crate::domain::{BusinessNumber, Millis};
use crate::ports::{OpenState, OpeningHours, StoreError};
use async_trait::async_trait;
use std::sync::Mutex;

/// Closed between the pairs of instants the test sets, open otherwise.
#[derive(Debug, Default)]
pub struct FixedOpeningHours(Mutex<Vec<(Millis, Millis)>>);

impl FixedOpeningHours {
    /// Closes every number from `from` until `until`.
    pub fn close(&self, from: Millis, until: Millis) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((from, until));
    }
}

#[async_trait]
impl OpeningHours for FixedOpeningHours {
    async fn state_at(&self, _: &BusinessNumber, at: Millis) -> Result<OpenState, StoreError> {
        let closed = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(closed
            .iter()
            .find(|(from, until)| *from <= at && at < *until)
            .map_or(OpenState::Open, |(from, until)| OpenState::Closed { since: *from, reopens: Some(*until) }))
    }
}
