//! Data migrations on deploy. A version of Parley that changes how items are
//! written ships a backfill step that moves the items written before it to
//! the new shape ([`BackfillStep`], in version order); each deploy asks
//! that the steps not yet done be run. They run in the reminders function a
//! bounded page at a time (re-arming themselves), each write conditional and
//! each step closed by a done marker, so a deploy run twice, or a rollback
//! followed by a redeploy, moves nothing twice. Until a step is done the
//! lists may miss old items; nothing is lost or rewritten wrongly.

use crate::domain::scheduled_job::ScheduledJob;
use crate::ports::{BackfillProgress, BackfillStep, Clock, IndexBackfillStore, Scheduler, StoreError};
use std::sync::Arc;

/// Where the table's data stands after a deploy asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrationStatus {
    /// Every step is done: the table is in this version's shape.
    UpToDate {
        /// The newest step's version.
        version: u32,
    },
    /// These steps are not done yet; their run has been scheduled now.
    Started {
        /// Their names, oldest first.
        pending: Vec<&'static str>,
    },
}

/// The deploy's migration use case.
pub struct Migrations {
    store: Arc<dyn IndexBackfillStore>,
    scheduler: Arc<dyn Scheduler>,
    clock: Arc<dyn Clock>,
}

impl Migrations {
    /// Wires the use case.
    pub fn new(store: Arc<dyn IndexBackfillStore>, scheduler: Arc<dyn Scheduler>, clock: Arc<dyn Clock>) -> Self {
        Migrations { store, scheduler, clock }
    }

    /// What a deploy calls: schedules the backfill at once when any step is
    /// not done. Asking again before it finishes only moves that one wake-up.
    pub async fn on_deploy(&self) -> Result<MigrationStatus, StoreError> {
        let pending: Vec<&'static str> =
            pending_steps(self.store.as_ref()).await?.into_iter().map(|s| s.name()).collect();
        if pending.is_empty() {
            return Ok(MigrationStatus::UpToDate { version: BackfillStep::newest_version() });
        }
        self.scheduler.schedule(self.clock.now(), &ScheduledJob::IndexBackfill).await?;
        tracing::info!(pending = ?pending, "data migrations scheduled");
        Ok(MigrationStatus::Started { pending })
    }
}

/// The steps not done yet, oldest first: one read each.
pub async fn pending_steps(store: &dyn IndexBackfillStore) -> Result<Vec<BackfillStep>, StoreError> {
    let mut pending = Vec::new();
    for step in BackfillStep::ALL {
        if store.backfill_progress(step).await? != BackfillProgress::Done {
            pending.push(step);
        }
    }
    Ok(pending)
}
