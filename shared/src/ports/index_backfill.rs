//! Moving items written before the list indexes were sharded onto their
//! shards, and indexing tags written before the tag index, a bounded page
//! at a time.

use super::StoreError;

/// The passes of the backfill, in the order they run: the tag index is
/// filled from the contacts' activity lists, which must be sharded first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackfillStep {
    /// Items still under the unsharded list keys move onto their shards.
    IndexShards,
    /// Tags written before the tag index existed get their membership items.
    TagIndex,
}

impl BackfillStep {
    /// Every step, oldest first: the order they run in.
    pub const ALL: [BackfillStep; 2] = [BackfillStep::IndexShards, BackfillStep::TagIndex];

    /// The data version the step brings a table to.
    pub fn version(self) -> u32 {
        match self {
            BackfillStep::IndexShards => 1,
            BackfillStep::TagIndex => 2,
        }
    }

    /// The data version a table is at once every step is done.
    pub fn newest_version() -> u32 {
        BackfillStep::ALL.iter().map(|s| s.version()).max().unwrap_or(0)
    }

    /// Its name in logs and deploy output.
    pub fn name(self) -> &'static str {
        match self {
            BackfillStep::IndexShards => "index-shards",
            BackfillStep::TagIndex => "tag-index",
        }
    }
}

/// Where the backfill stands between runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackfillProgress {
    /// Nothing is left to move: runs cost one read.
    Done,
    /// A pass over the unsharded keys is under way.
    Running {
        /// Where the pass continues (`None`: at its start), as the store
        /// wrote it.
        at: Option<String>,
        /// Whether this pass has found anything to move so far (only a pass
        /// that found nothing proves the work finished).
        found: bool,
    },
}

/// What one page of the backfill did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackfillPage {
    /// Items whose index keys were rewritten.
    pub moved: usize,
    /// Items changed meanwhile by someone else (left for the next pass).
    pub conflicts: usize,
    /// Where the pass continues; `None` at its end.
    pub next: Option<String>,
}

/// The unsharded index keys and the backfill's progress.
#[async_trait::async_trait]
pub trait IndexBackfillStore: Send + Sync {
    /// Where the backfill stands (`Running` from the start when it never ran).
    async fn backfill_progress(&self, step: BackfillStep) -> Result<BackfillProgress, StoreError>;

    /// Rewrites the index keys of the items of one page of up to `limit`,
    /// starting `at`; each item is rewritten only if it still holds the old
    /// keys it was read with, so a concurrent update is never lost.
    /// For [`BackfillStep::TagIndex`], "rewrites" is a conditional write of
    /// each missing membership item (`moved` counts those written).
    async fn backfill_page(&self, step: BackfillStep, at: Option<&str>, limit: i32)
        -> Result<BackfillPage, StoreError>;

    /// Records where the backfill stands.
    async fn save_backfill_progress(&self, step: BackfillStep, progress: &BackfillProgress) -> Result<(), StoreError>;
}
