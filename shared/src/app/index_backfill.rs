//! The backfill of the sharded list indexes: items written before the lists
//! were sharded still carry the old single index keys, so the lists do not
//! show them until they are moved. Each scheduled run moves a bounded number
//! of pages and saves where it stopped; a pass over the old keys that finds
//! nothing left to move writes the done marker, after which a run costs one
//! read. Every move is conditional, so overlapping runs and concurrent
//! updates are safe, and re-running is harmless.

use crate::ports::{BackfillProgress, IndexBackfillStore, StoreError};
use std::sync::Arc;

/// Items one page reads (each a conditional write when it must move).
const PAGE: i32 = 100;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BackfillReport {
    /// Items moved onto their shards.
    pub moved: usize,
    /// Items left for the next pass because they changed meanwhile.
    pub conflicts: usize,
    /// Whether the backfill is finished.
    pub done: bool,
}

/// The backfill use case.
pub struct IndexBackfill {
    store: Arc<dyn IndexBackfillStore>,
    pages_per_run: u32,
}

impl IndexBackfill {
    /// Wires the use case; a run reads at most `pages_per_run` pages.
    pub fn new(store: Arc<dyn IndexBackfillStore>, pages_per_run: u32) -> Self {
        IndexBackfill { store, pages_per_run }
    }

    /// One bounded run.
    pub async fn run(&self) -> Result<BackfillReport, StoreError> {
        let mut report = BackfillReport::default();
        let (mut at, mut found) = match self.store.backfill_progress().await? {
            BackfillProgress::Done => {
                report.done = true;
                return Ok(report);
            }
            BackfillProgress::Running { at, found } => (at, found),
        };
        let mut progress = None;
        for _ in 0..self.pages_per_run {
            let page = self.store.backfill_page(at.as_deref(), PAGE).await?;
            report.moved += page.moved;
            report.conflicts += page.conflicts;
            found |= page.moved > 0 || page.conflicts > 0;
            match page.next {
                Some(next) => at = Some(next),
                // Items written with old keys behind the pass (an old
                // instance still running) are only sure to be gone once a
                // whole pass found nothing.
                None if !found => {
                    progress = Some(BackfillProgress::Done);
                    break;
                }
                None => (at, found) = (None, false),
            }
        }
        let progress = progress.unwrap_or(BackfillProgress::Running { at, found });
        report.done = progress == BackfillProgress::Done;
        self.store.save_backfill_progress(&progress).await?;
        if report.moved > 0 || report.conflicts > 0 || report.done {
            tracing::info!(moved = report.moved, conflicts = report.conflicts, done = report.done, "index backfill");
        }
        Ok(report)
    }
}
