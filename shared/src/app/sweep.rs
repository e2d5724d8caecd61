//! The scheduled sweep: nothing stays `queued` forever, and nothing stays
//! `sending` without staff being told the outcome is unknown.

use crate::domain::Millis;
use crate::ports::{Clock, OutboundQueue, OutboxStore, StoreError, StuckState};
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

/// What a sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepReport {
    /// Re-enqueued.
    pub requeued: usize,
    /// Flagged as outcome unknown.
    pub flagged: usize,
}

/// The sweep use case.
pub struct Sweep {
    outbox: Arc<dyn OutboxStore>,
    queue: Arc<dyn OutboundQueue>,
    clock: Arc<dyn Clock>,
    policy: SweepPolicy,
}

impl Sweep {
    /// Wires the use case.
    pub fn new(
        outbox: Arc<dyn OutboxStore>,
        queue: Arc<dyn OutboundQueue>,
        clock: Arc<dyn Clock>,
        policy: SweepPolicy,
    ) -> Self {
        Sweep { outbox, queue, clock, policy }
    }

    /// One pass; safe to overlap with another (the sender's claim decides).
    pub async fn run(&self) -> Result<SweepReport, StoreError> {
        let now = self.clock.now();
        let mut report = SweepReport::default();
        for message in self.outbox.stuck(StuckState::Queued, Millis(now.0 - self.policy.queued_after_ms), 100).await? {
            if self.queue.enqueue(&message).await.is_ok() {
                report.requeued += 1;
            }
        }
        for message in self.outbox.stuck(StuckState::Sending, Millis(now.0 - self.policy.sending_after_ms), 100).await?
        {
            self.outbox.mark_unknown(&message).await?;
            report.flagged += 1;
        }
        if report != SweepReport::default() {
            tracing::info!(requeued = report.requeued, flagged = report.flagged, "outbox swept");
        }
        Ok(report)
    }
}
