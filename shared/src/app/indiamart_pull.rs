//! The IndiaMART pull: every five minutes (IndiaMART's limit) while an
//! IndiaMART source is set up, the enquiries since the last good pull are
//! read and each taken as a lead. Each run schedules the next, so nothing
//! runs in a deployment without IndiaMART, and a run that fails leaves the
//! window where it was for the next to read again (each lead is taken once
//! by its query id, however often it is read).

use super::lead_intake::{LeadError, LeadIntake};
use crate::domain::indiamart::{next_window, IndiaMartAnswer, MIN_INTERVAL_MS};
use crate::domain::lead_feed_status::FeedOutcome;
use crate::domain::lead_source::{LeadAuth, INDIAMART};
use crate::domain::scheduled_job::ScheduledJob;
use crate::domain::Millis;
use crate::ports::{Clock, FeedRun, IndiaMartApi, LeadFeedStore, LeadSourceStore, Scheduler, StoreError};
use std::sync::Arc;

/// How far back each window reaches into the last one: IndiaMART lists
/// some enquiries a few minutes after their time.
pub const WINDOW_OVERLAP_MS: i64 = 15 * 60_000;

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pulled {
    /// No IndiaMART source is set up: nothing pulled, nothing scheduled.
    Off,
    /// The last call was under five minutes ago: the next run is scheduled.
    TooSoon,
    /// IndiaMART was called.
    Ran {
        /// What came of it.
        outcome: FeedOutcome,
        /// Leads new to Parley.
        taken: u64,
        /// Leads that could not be taken (no usable phone number).
        refused: u64,
    },
}

/// The IndiaMART pull use case.
pub struct IndiaMartPull {
    /// `None` when the key is not in the stack's secrets.
    api: Option<Arc<dyn IndiaMartApi>>,
    intake: Arc<LeadIntake>,
    sources: Arc<dyn LeadSourceStore>,
    feeds: Arc<dyn LeadFeedStore>,
    scheduler: Arc<dyn Scheduler>,
    clock: Arc<dyn Clock>,
}

impl IndiaMartPull {
    /// Wires the use case; `api` is `None` without a key.
    pub fn new(
        api: Option<Arc<dyn IndiaMartApi>>,
        intake: Arc<LeadIntake>,
        sources: Arc<dyn LeadSourceStore>,
        feeds: Arc<dyn LeadFeedStore>,
        scheduler: Arc<dyn Scheduler>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        IndiaMartPull { api, intake, sources, feeds, scheduler, clock }
    }

    /// One run, then the next scheduled (unless the source is gone). An
    /// `Err` is storage failing: the job's own retry runs it again.
    pub async fn run(&self) -> Result<Pulled, StoreError> {
        let configured =
            self.sources.lead_source(INDIAMART).await?.is_some_and(|s| s.source.auth == LeadAuth::IndiaMart);
        if !configured {
            return Ok(Pulled::Off);
        }
        let now = self.clock.now();
        let status = self.feeds.feed_status(INDIAMART).await?.unwrap_or_default();
        if let Some(last) = status.last_call_at.filter(|last| now.0 - last.0 < MIN_INTERVAL_MS) {
            self.scheduler.schedule(Millis(last.0 + MIN_INTERVAL_MS), &ScheduledJob::LeadPull).await?;
            return Ok(Pulled::TooSoon);
        }
        let Some(api) = &self.api else {
            let run = FeedRun {
                at: now,
                outcome: FeedOutcome::NoKey,
                detail: Some("add indiamart_crm_key to the stack's secrets, then save the source again".into()),
                cursor: None,
                taken: 0,
                refused: 0,
            };
            self.feeds.record_feed_run(INDIAMART, &run).await?;
            return Ok(Pulled::Ran { outcome: FeedOutcome::NoKey, taken: 0, refused: 0 });
        };
        let (start, end) = next_window(status.cursor, now, WINDOW_OVERLAP_MS);
        let mut run = FeedRun { at: now, outcome: FeedOutcome::Ok, detail: None, cursor: None, taken: 0, refused: 0 };
        match api.enquiries(start, end).await {
            Ok(IndiaMartAnswer::Leads(leads)) => {
                for lead in &leads {
                    match self.intake.receive_fed(LeadAuth::IndiaMart, lead).await {
                        Ok(outcome) => run.taken += u64::from(outcome.created),
                        // The window stays; the next run takes the rest.
                        Err(LeadError::Store(e)) => return Err(e),
                        Err(e) => {
                            tracing::warn!(error = %e, "IndiaMART lead refused");
                            run.refused += 1;
                            run.detail = Some(e.to_string());
                        }
                    }
                }
                run.cursor = Some(end);
            }
            Ok(IndiaMartAnswer::NoLeads) => run.cursor = Some(end),
            Ok(IndiaMartAnswer::RateLimited) => run.outcome = FeedOutcome::RateLimited,
            Ok(IndiaMartAnswer::KeyRejected(why)) => {
                tracing::error!(detail = %why, "IndiaMART refused the CRM key; generate a new one in its Lead Manager");
                run.outcome = FeedOutcome::KeyRejected;
                run.detail = Some(why);
            }
            Ok(IndiaMartAnswer::Failed(why)) => {
                run.outcome = FeedOutcome::Failed;
                run.detail = Some(why);
            }
            Err(e) => {
                run.outcome = FeedOutcome::Failed;
                run.detail = Some(e.to_string());
            }
        }
        self.feeds.record_feed_run(INDIAMART, &run).await?;
        self.scheduler.schedule(Millis(now.0 + MIN_INTERVAL_MS), &ScheduledJob::LeadPull).await?;
        tracing::info!(outcome = ?run.outcome, taken = run.taken, refused = run.refused, "IndiaMART pulled");
        Ok(Pulled::Ran { outcome: run.outcome, taken: run.taken, refused: run.refused })
    }
}
