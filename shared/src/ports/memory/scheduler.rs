//! A scheduler the test inspects and fires by hand.

use crate::domain::scheduled_job::ScheduledJob;
use crate::domain::Millis;
use crate::ports::{Scheduler, StoreError};
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

/// Keeps wake-ups by name; a test asks what is due and runs it.
#[derive(Debug, Default)]
pub struct MemoryScheduler(Mutex<BTreeMap<String, (Millis, ScheduledJob)>>);

impl MemoryScheduler {
    /// Every wake-up set, by name.
    pub fn scheduled(&self) -> BTreeMap<String, (Millis, ScheduledJob)> {
        self.lock().clone()
    }

    /// Removes and returns the wake-ups due at `now`, earliest first, as
    /// EventBridge Scheduler deletes a one-time schedule once it has fired.
    pub fn take_due(&self, now: Millis) -> Vec<ScheduledJob> {
        let mut jobs = self.lock();
        let mut due: Vec<(Millis, String)> =
            jobs.iter().filter(|(_, (at, _))| *at <= now).map(|(name, (at, _))| (*at, name.clone())).collect();
        due.sort();
        due.into_iter().filter_map(|(_, name)| jobs.remove(&name).map(|(_, job)| job)).collect()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, (Millis, ScheduledJob)>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait]
impl Scheduler for MemoryScheduler {
    async fn schedule(&self, at: Millis, job: &ScheduledJob) -> Result<(), StoreError> {
        self.lock().insert(job.name(), (at, job.clone()));
        Ok(())
    }

    async fn cancel(&self, name: &str) -> Result<(), StoreError> {
        self.lock().remove(name);
        Ok(())
    }
}
