//! The backfill of the sharded list indexes: items written before the lists
//! were sharded still carry the old single index keys, so the lists do not
//! show them until they are moved. Each scheduled run moves a bounded number
//! of pages and saves where it stopped; a pass over the old keys that finds
//! nothing left to move writes the done marker, after which a run costs one
//! read. Every move is conditional, so overlapping runs and concurrent
//! updates are safe, and re-running is harmless.
//!
//! Once the shards are done, the same runs fill the tag index: tags written
//! before it existed have no membership item, so `#tag` search misses them.
//! That pass walks every contact (the sharded activity lists, a page at a
//! time) and writes each missing membership, only if it is still missing.

use crate::ports::{BackfillProgress, BackfillStep, IndexBackfillStore, StoreError};
use std::sync::Arc;

/// Items one page reads (each a conditional write when it must move).
const PAGE: i32 = 100;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BackfillReport {
    /// Items moved onto their shards.
    pub moved: usize,
    /// Tag membership items written for tags the index missed.
    pub tagged: usize,
    /// Items left for the next pass because they changed meanwhile.
    pub conflicts: usize,
    /// Whether the backfill (every step) is finished.
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

    /// One bounded run: the steps in order, each starting only once the one
    /// before is done, sharing the run's page budget.
    pub async fn run(&self) -> Result<BackfillReport, StoreError> {
        let mut report = BackfillReport::default();
        let mut pages_left = self.pages_per_run;
        for step in BackfillStep::ALL {
            let (changed, conflicts, done) = self.run_step(step, &mut pages_left).await?;
            match step {
                BackfillStep::IndexShards => report.moved += changed,
                BackfillStep::TagIndex => report.tagged += changed,
            }
            report.conflicts += conflicts;
            if !done {
                break;
            }
            report.done = step == BackfillStep::TagIndex;
        }
        if report.moved > 0 || report.tagged > 0 || report.conflicts > 0 || report.done {
            tracing::info!(
                moved = report.moved,
                tagged = report.tagged,
                conflicts = report.conflicts,
                done = report.done,
                "index backfill"
            );
        }
        Ok(report)
    }

    /// Up to `pages_left` pages of one step: (changed, conflicts, done).
    async fn run_step(&self, step: BackfillStep, pages_left: &mut u32) -> Result<(usize, usize, bool), StoreError> {
        let (mut at, mut found) = match self.store.backfill_progress(step).await? {
            BackfillProgress::Done => return Ok((0, 0, true)),
            BackfillProgress::Running { at, found } => (at, found),
        };
        if *pages_left == 0 {
            return Ok((0, 0, false));
        }
        let (mut changed, mut conflicts) = (0, 0);
        let mut progress = None;
        while *pages_left > 0 {
            *pages_left -= 1;
            let page = self.store.backfill_page(step, at.as_deref(), PAGE).await?;
            changed += page.moved;
            conflicts += page.conflicts;
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
        let done = progress == BackfillProgress::Done;
        self.store.save_backfill_progress(step, &progress).await?;
        Ok((changed, conflicts, done))
    }
}
