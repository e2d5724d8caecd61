//! Plays EventBridge Scheduler: each one-time wake-up is a timer in this
//! process, replaced when the same name is scheduled again and dropped on
//! cancel; when it fires, the job goes to the reminders driver, as
//! Scheduler would invoke the function with it.

use parley::domain::scheduled_job::ScheduledJob;
use parley::domain::Millis;
use parley::ports::{Clock, Scheduler, StoreError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

/// A wake-up not yet fired: its time, its job, and the timer that fires it.
type Pending = HashMap<String, (Millis, ScheduledJob, JoinHandle<()>)>;

/// The in-process scheduler.
pub struct LocalScheduler {
    clock: Arc<dyn Clock>,
    fire: UnboundedSender<ScheduledJob>,
    pending: Mutex<Pending>,
}

impl LocalScheduler {
    /// Fires jobs into `fire` at their time by `clock`.
    pub fn new(clock: Arc<dyn Clock>, fire: UnboundedSender<ScheduledJob>) -> Arc<Self> {
        Arc::new(LocalScheduler { clock, fire, pending: Mutex::new(HashMap::new()) })
    }

    /// The wake-ups not yet fired, by name (for tests).
    pub fn pending(&self) -> HashMap<String, (Millis, ScheduledJob)> {
        self.lock().iter().map(|(name, (at, job, _))| (name.clone(), (*at, job.clone()))).collect()
    }

    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait::async_trait]
impl Scheduler for LocalScheduler {
    async fn schedule(&self, at: Millis, job: &ScheduledJob) -> Result<(), StoreError> {
        let wait = Duration::from_millis(u64::try_from(at.0 - self.clock.now().0).unwrap_or(0));
        let (fire, fired) = (self.fire.clone(), job.clone());
        let timer = tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            let _ = fire.send(fired);
        });
        if let Some((_, _, old)) = self.lock().insert(job.name(), (at, job.clone(), timer)) {
            old.abort();
        }
        Ok(())
    }

    async fn cancel(&self, name: &str) -> Result<(), StoreError> {
        if let Some((_, _, timer)) = self.lock().remove(name) {
            timer.abort();
        }
        Ok(())
    }
}
