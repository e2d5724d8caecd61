//! Arms the "gone quiet" check: when a deal enters a stage with an idle
//! limit, a wake-up is set for when the limit runs out; a later move makes
//! it stale, and moves it (same name).

use super::reactions::{Reaction, ReactionError};
use crate::domain::scheduled_job::ScheduledJob;
use crate::domain::{Event, EventKind, Millis};
use crate::ports::{DealStore, Scheduler};
use async_trait::async_trait;
use std::sync::Arc;

const DAY_MS: i64 = 86_400_000;

/// The reaction on `deal.created` and `deal.stage_changed`.
pub struct DealIdleWatch {
    deals: Arc<dyn DealStore>,
    scheduler: Arc<dyn Scheduler>,
}

impl DealIdleWatch {
    /// Over the deals and pipelines (re-read) and the scheduler.
    pub fn new(deals: Arc<dyn DealStore>, scheduler: Arc<dyn Scheduler>) -> Self {
        DealIdleWatch { deals, scheduler }
    }
}

#[async_trait]
impl Reaction for DealIdleWatch {
    fn name(&self) -> &'static str {
        "deal_idle_watch"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        if !matches!(event.kind, EventKind::DealCreated | EventKind::DealStageChanged) {
            return Ok(());
        }
        let deal_id = event.data.get("deal").or_else(|| event.data.get("deal_id")).and_then(|v| v.as_str());
        let Some(deal_id) = deal_id else { return Ok(()) };
        let Some(deal) = self.deals.deal(deal_id).await? else { return Ok(()) };
        let since = deal.history.iter().rev().find(|c| c.to == deal.stage).map_or(deal.created_at, |c| c.at);
        let pipelines = self.deals.pipelines().await?;
        let stage =
            pipelines.iter().find(|p| p.id == deal.pipeline).and_then(|p| p.stages.iter().find(|s| s.id == deal.stage));
        let job = ScheduledJob::DealIdle { deal_id: deal.id.clone(), stage: deal.stage.clone(), since };
        match stage.and_then(|s| s.idle_days) {
            Some(days) => self.scheduler.schedule(Millis(since.0 + i64::from(days) * DAY_MS), &job).await?,
            // Moved to a stage without a limit: the old wake-up has nothing to watch.
            None => self.scheduler.cancel(&job.name()).await?,
        }
        Ok(())
    }
}
