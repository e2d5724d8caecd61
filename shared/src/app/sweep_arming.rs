//! Arms the outbox sweep from the send path, so a message stuck in `queued`
//! or `sending` is swept with no periodic run: every enqueue makes sure a
//! sweep is scheduled after the stuck threshold. Debounced per container:
//! while this container's last armed sweep is still ahead, a send makes no
//! Scheduler call, so a burst of sends costs one call. The sweep re-arms
//! itself while anything is still in flight, so a later message is covered
//! even when another container's arming moved the wake-up.

use crate::domain::scheduled_job::ScheduledJob;
use crate::domain::{MessageRef, Millis};
use crate::ports::{Clock, OutboundQueue, QueueError, Scheduler};
use async_trait::async_trait;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// An [`OutboundQueue`] that arms the sweep after each enqueue.
pub struct SweepArming {
    queue: Arc<dyn OutboundQueue>,
    scheduler: Arc<dyn Scheduler>,
    clock: Arc<dyn Clock>,
    wait_ms: i64,
    armed_until: AtomicI64,
}

impl SweepArming {
    /// Wraps `queue`; the sweep is set `wait_ms` after a send (the stuck threshold).
    pub fn new(
        queue: Arc<dyn OutboundQueue>,
        scheduler: Arc<dyn Scheduler>,
        clock: Arc<dyn Clock>,
        wait_ms: i64,
    ) -> Self {
        SweepArming { queue, scheduler, clock, wait_ms, armed_until: AtomicI64::new(i64::MIN) }
    }
}

#[async_trait]
impl OutboundQueue for SweepArming {
    async fn enqueue(&self, message: &MessageRef) -> Result<(), QueueError> {
        // Armed before the enqueue: a message that made it into the queue
        // (or stayed `queued` because the enqueue failed) is always covered.
        let now = self.clock.now().0;
        let armed = self.armed_until.load(Ordering::Acquire);
        if armed <= now
            && self.armed_until.compare_exchange(armed, now + self.wait_ms, Ordering::AcqRel, Ordering::Acquire).is_ok()
        {
            if let Err(error) = self.scheduler.schedule(Millis(now + self.wait_ms), &ScheduledJob::OutboxSweep).await {
                // The next send tries again.
                self.armed_until.store(i64::MIN, Ordering::Release);
                tracing::warn!(error = %error, "could not arm the outbox sweep");
            }
        }
        self.queue.enqueue(message).await
    }
}
