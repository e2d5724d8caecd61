//! Counters kept exact under bursts.

use super::StoreError;
use async_trait::async_trait;

/// Counters kept exact under bursts: every counted event writes its own
/// pending entry, and the sweep folds those into the counters.
#[async_trait]
pub trait CounterStore: Send + Sync {
    /// Folds pending entries into their counters (about `limit` at most);
    /// how many were folded. Safe to overlap with another fold.
    async fn fold_counters(&self, limit: usize) -> Result<usize, StoreError>;
}
