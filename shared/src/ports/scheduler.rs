//! One-time wake-ups for work that falls due (EventBridge Scheduler in AWS,
//! the local runner's timer in `make dev`).

use super::StoreError;
use crate::domain::scheduled_job::ScheduledJob;
use crate::domain::Millis;
use async_trait::async_trait;

/// Sets, moves and removes one-time wake-ups. Each job has a stable name
/// ([`ScheduledJob::name`]), so scheduling it again moves it.
#[async_trait]
pub trait Scheduler: Send + Sync {
    /// Wakes the reminders function with `job` at `at` (at once when `at` has
    /// passed), replacing any earlier wake-up of the same name.
    async fn schedule(&self, at: Millis, job: &ScheduledJob) -> Result<(), StoreError>;
    /// Removes the wake-up named `name`; one that does not exist is not an error.
    async fn cancel(&self, name: &str) -> Result<(), StoreError>;
}
