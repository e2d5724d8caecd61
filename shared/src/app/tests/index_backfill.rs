//! The backfill's bookkeeping over a fake of the old index partitions: a
//! list of items still under old keys, read in pages by position.

use crate::app::index_backfill::{BackfillReport, IndexBackfill};
use crate::ports::{BackfillPage, BackfillProgress, BackfillStep, IndexBackfillStore, StoreError};
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct OldKeys {
    /// Items still under old keys, in index order.
    old: Vec<u32>,
    /// Items moved, in the order they were.
    moved: Vec<u32>,
    /// Items that change under the next attempt to move them.
    contended: Vec<u32>,
    /// An old writer's item that lands at the start of the partition once
    /// the pass has gone past it.
    late: Option<u32>,
    progress: Option<BackfillProgress>,
    pages_read: usize,
}

#[derive(Default)]
struct FakeStore(Mutex<OldKeys>);

#[async_trait::async_trait]
impl IndexBackfillStore for FakeStore {
    async fn backfill_progress(&self, step: BackfillStep) -> Result<BackfillProgress, StoreError> {
        let state = self.0.lock().unwrap();
        if step == BackfillStep::TagIndex {
            // The tag pass is another store's business: here it is done.
            return Ok(BackfillProgress::Done);
        }
        Ok(state.progress.clone().unwrap_or(BackfillProgress::Running { at: None, found: false }))
    }

    async fn backfill_page(
        &self,
        step: BackfillStep,
        at: Option<&str>,
        limit: i32,
    ) -> Result<BackfillPage, StoreError> {
        assert_eq!(step, BackfillStep::IndexShards);
        let mut state = self.0.lock().unwrap();
        state.pages_read += 1;
        let after: u32 = at.map_or(0, |a| a.parse().unwrap());
        let page: Vec<u32> =
            state.old.iter().copied().filter(|i| *i >= after).take(usize::try_from(limit).unwrap()).collect();
        let mut result = BackfillPage::default();
        for item in &page {
            if let Some(i) = state.contended.iter().position(|c| c == item) {
                state.contended.remove(i);
                result.conflicts += 1;
            } else {
                state.old.retain(|o| o != item);
                state.moved.push(*item);
                result.moved += 1;
            }
        }
        result.next = state.old.iter().find(|i| page.last().is_some_and(|last| *i > last)).map(u32::to_string);
        if let Some(late) = state.late.take() {
            state.old.insert(0, late);
        }
        Ok(result)
    }

    async fn save_backfill_progress(&self, step: BackfillStep, progress: &BackfillProgress) -> Result<(), StoreError> {
        assert_eq!(step, BackfillStep::IndexShards);
        self.0.lock().unwrap().progress = Some(progress.clone());
        Ok(())
    }
}

async fn run_until_done(backfill: &IndexBackfill) -> (Vec<BackfillReport>, bool) {
    let mut reports = Vec::new();
    for _ in 0..50 {
        let report = backfill.run().await.unwrap();
        reports.push(report);
        if report.done {
            return (reports, true);
        }
    }
    (reports, false)
}

#[tokio::test]
async fn runs_move_everything_a_few_pages_at_a_time_then_stop_reading() {
    let store = Arc::new(FakeStore::default());
    {
        let mut state = store.0.lock().unwrap();
        state.old = (1..=450).collect();
        state.contended = vec![7, 300];
        state.late = Some(0);
    }
    let backfill = IndexBackfill::new(store.clone(), 2);
    let (reports, done) = run_until_done(&backfill).await;
    assert!(done, "{reports:?}");
    let (pages, moved) = {
        let state = store.0.lock().unwrap();
        assert!(state.old.is_empty(), "nothing left under old keys: {:?}", state.old);
        assert_eq!(state.progress, Some(BackfillProgress::Done));
        (state.pages_read, state.moved.clone())
    };
    let mut moved = moved;
    moved.sort_unstable();
    assert_eq!(moved, (0..=450).collect::<Vec<_>>(), "each item moved once, the contended and the late too");
    assert_eq!(reports.iter().map(|r| r.moved).sum::<usize>(), 451);
    assert_eq!(reports.iter().map(|r| r.conflicts).sum::<usize>(), 2);
    assert!(reports.iter().all(|r| r.moved <= 200), "a run reads at most 2 pages of 100");

    assert_eq!(backfill.run().await.unwrap(), BackfillReport { moved: 0, tagged: 0, conflicts: 0, done: true });
    assert_eq!(store.0.lock().unwrap().pages_read, pages, "once done, a run reads no page");
}

#[tokio::test]
async fn a_pass_that_moved_something_is_followed_by_one_that_checks() {
    let store = Arc::new(FakeStore::default());
    store.0.lock().unwrap().old = vec![1, 2, 3];
    let backfill = IndexBackfill::new(store.clone(), 1);
    let first = backfill.run().await.unwrap();
    assert_eq!(first, BackfillReport { moved: 3, tagged: 0, conflicts: 0, done: false });
    let second = backfill.run().await.unwrap();
    assert_eq!(second, BackfillReport { moved: 0, tagged: 0, conflicts: 0, done: true });
}

#[tokio::test]
async fn a_deploy_wakes_the_backfill_while_a_step_is_left_and_only_reports_once_all_are_done() {
    use crate::app::migrations::{MigrationStatus, Migrations};
    use crate::ports::memory::{ManualClock, MemoryScheduler};
    let store = Arc::new(FakeStore::default());
    store.0.lock().unwrap().old = vec![1, 2];
    let scheduler = Arc::new(MemoryScheduler::default());
    let now = crate::domain::Millis(1_700_000_000_000);
    let migrations = Migrations::new(store.clone(), scheduler.clone(), Arc::new(ManualClock::at(now)));

    assert_eq!(migrations.on_deploy().await.unwrap(), MigrationStatus::Started { pending: vec!["index-shards"] });
    assert_eq!(scheduler.take_due(now), [crate::domain::scheduled_job::ScheduledJob::IndexBackfill]);
    run_until_done(&IndexBackfill::new(store.clone(), 1)).await;
    assert_eq!(migrations.on_deploy().await.unwrap(), MigrationStatus::UpToDate { version: 2 });
    assert!(scheduler.scheduled().is_empty(), "a deploy of the same data version wakes nothing");
}
