//! Opening hours until business hours are configured per number: always
//! open, as the `OpeningHours` port says of a number with no hours set.

use crate::domain::{BusinessNumber, Millis};
use crate::ports::{OpenState, OpeningHours, StoreError};
use async_trait::async_trait;

/// Every number open at every instant (the business-hours adapter replaces it).
#[derive(Debug, Clone, Copy, Default)]
pub struct AlwaysOpen;

#[async_trait]
impl OpeningHours for AlwaysOpen {
    async fn state_at(&self, _: &BusinessNumber, _: Millis) -> Result<OpenState, StoreError> {
        Ok(OpenState::Open)
    }
}
