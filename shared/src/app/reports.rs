//! Reports for managers: response times, workload, funnel, message volume.

use super::business_calendar::BusinessCalendar;
use super::deals::{DealError, Deals};
use crate::domain::metrics::{first_response, funnel, FunnelStep, ResponseStats};
use crate::domain::Millis;
use crate::domain::Session;
use crate::ports::{Clock, ReportStore, StoreError};
use std::sync::Arc;

/// Why a report was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Agents do not read reports.
    #[error("only managers and administrators read reports")]
    Forbidden,
    /// A deals failure (unknown pipeline, values too large to total…).
    #[error(transparent)]
    Deals(#[from] DealError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Right-now workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workload {
    /// Open conversations nobody owns.
    pub unassigned: u64,
    /// Waiting on us longer than the SLA.
    pub overdue: u64,
    /// Team follow-ups due by the end of today.
    pub tasks_due_today: u64,
    /// Team follow-ups past due.
    pub tasks_overdue: u64,
}

/// The reports use case.
pub struct Reports {
    store: Arc<dyn ReportStore>,
    clock: Arc<dyn Clock>,
    sla_minutes: i64,
    calendar: BusinessCalendar,
}

impl Reports {
    /// Wires the use case.
    pub fn new(
        store: Arc<dyn ReportStore>,
        clock: Arc<dyn Clock>,
        sla_minutes: i64,
        calendar: BusinessCalendar,
    ) -> Self {
        Reports { store, clock, sla_minutes, calendar }
    }

    fn check(actor: &Session) -> Result<(), ReportError> {
        if actor.role.supervises() {
            Ok(())
        } else {
            Err(ReportError::Forbidden)
        }
    }

    /// First-response times by agent and by the day the customer first
    /// wrote, from the pre-aggregated figures of the days in `[from, to]`.
    pub async fn first_response(
        &self,
        actor: &Session,
        from: &str,
        to: &str,
    ) -> Result<(Vec<ResponseStats>, Vec<ResponseStats>), ReportError> {
        Self::check(actor)?;
        Ok(first_response(&self.store.first_responses(from, to).await?))
    }

    /// Unassigned and overdue conversations, follow-ups due and overdue.
    pub async fn workload(&self, actor: &Session) -> Result<Workload, ReportError> {
        Self::check(actor)?;
        let now = self.clock.now();
        Ok(Workload {
            unassigned: self.store.count_unassigned().await?,
            overdue: self.store.count_waiting_since(Millis(now.0 - self.sla_minutes * 60_000)).await?,
            tasks_due_today: self
                .store
                .count_team_tasks(Some(now), self.calendar.current().await?.end_of_day(now))
                .await?,
            tasks_overdue: self.store.count_team_tasks(None, now).await?,
        })
    }

    /// The business dates (`YYYY-MM-DD`, business time zone) from `days`
    /// ago to today: the range a report shows when none is asked for.
    pub async fn last_days(&self, days: i64) -> Result<(String, String), ReportError> {
        let calendar = self.calendar.current().await?;
        let now = self.clock.now();
        Ok((calendar.day_of(Millis(now.0 - days * 86_400_000)), calendar.day_of(now)))
    }

    /// Messages in and out per day.
    pub async fn messages(
        &self,
        actor: &Session,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, u64, u64)>, ReportError> {
        Self::check(actor)?;
        Ok(self.store.message_counts(from, to).await?)
    }

    /// The funnel of a pipeline and its won value (one Query per stage page).
    pub async fn funnel(
        &self,
        actor: &Session,
        deals: &Deals,
        pipeline: &str,
    ) -> Result<(Vec<FunnelStep>, i64), ReportError> {
        Self::check(actor)?;
        let pipeline = deals.pipeline(pipeline).await?;
        let all = deals.all_in(&pipeline).await?;
        Ok(funnel(&pipeline, &all).map_err(DealError::from)?)
    }
}
