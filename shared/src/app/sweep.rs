//! The scheduled sweep: nothing stays `queued` forever, nothing stays
//! `sending` without staff being told the outcome is unknown, and counted
//! events are folded into their counters.

use crate::domain::Millis;
use crate::ports::{Clock, CounterStore, OutboundQueue, OutboxStore, StoreError, StuckState};
use std::sync::Arc;

/// How long before a message counts as stuck.
#[derive(Debug, Clone, Copy)]
pub struct SweepPolicy {
    /// `queued` for longer than this was never enqueued (or lost): enqueue it.
    pub queued_after_ms: i64,
    /// `sending` for longer than this: the sender died mid-send; flag it.
    pub sending_after_ms: i64,
}

impl Default for SweepPolicy {
    fn default() -> Self {
        SweepPolicy { queued_after_ms: 15 * 60_000, sending_after_ms: 5 * 60_000 }
    }
}

/// Counter entries one sweep folds at most: a minute's worth for a busy
/// shop; a burst beyond it is folded over the next runs (reads stay exact).
const FOLD_LIMIT: usize = 2_000;

/// What a sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepReport {
    /// Re-enqueued.
    pub requeued: usize,
    /// Flagged as outcome unknown.
    pub flagged: usize,
    /// Counter entries folded into their counters.
    pub folded: usize,
}

/// The sweep use case.
pub struct Sweep {
    outbox: Arc<dyn OutboxStore>,
    counters: Arc<dyn CounterStore>,
    queue: Arc<dyn OutboundQueue>,
    clock: Arc<dyn Clock>,
    policy: SweepPolicy,
}

impl Sweep {
    /// Wires the use case.
    pub fn new(
        outbox: Arc<dyn OutboxStore>,
        counters: Arc<dyn CounterStore>,
        queue: Arc<dyn OutboundQueue>,
        clock: Arc<dyn Clock>,
        policy: SweepPolicy,
    ) -> Self {
        Sweep { outbox, counters, queue, clock, policy }
    }

    /// One pass; safe to overlap with another (the sender's claim decides).
    pub async fn run(&self) -> Result<SweepReport, StoreError> {
        let now = self.clock.now();
        let mut report = SweepReport::default();
        for message in self.outbox.stuck(StuckState::Queued, Millis(now.0 - self.policy.queued_after_ms), 100).await? {
            if self.queue.enqueue(&message).await.is_ok() {
                self.outbox.restamp_queued(&message, now).await?;
                report.requeued += 1;
            }
        }
        for message in self.outbox.stuck(StuckState::Sending, Millis(now.0 - self.policy.sending_after_ms), 100).await?
        {
            self.outbox.mark_unknown(&message).await?;
            report.flagged += 1;
        }
        report.folded = self.counters.fold_counters(FOLD_LIMIT).await?;
        if report != SweepReport::default() {
            tracing::info!(
                requeued = report.requeued,
                flagged = report.flagged,
                folded = report.folded,
                "outbox swept"
            );
        }
        Ok(report)
    }
}
