//! The every-minute schedule: sweeps the outbox so nothing stays `queued`,
//! and flags sends whose outcome is unknown; then moves a bounded step of
//! the items written before the list indexes were sharded (one read a run
//! once that is done).

use parley::adapters::aws::{self, SdkConfig};
use parley::adapters::dynamo::DynamoStore;
use parley::app::index_backfill::{BackfillReport, IndexBackfill};
use parley::app::sweep::{Sweep, SweepPolicy, SweepReport};
use parley::config::secrets::{AppSecrets, SecretName, SecretSource, SecretsError};
use parley::config::{ConfigError, Environment};
use parley::ports::{Clock, OutboundQueue, StoreError, SystemClock};
use std::sync::Arc;

/// What the schedule function runs with.
#[derive(Debug, Clone)]
pub struct RemindersSettings {
    /// `TABLE_NAME`.
    pub table: String,
    /// `OUTBOUND_QUEUE_URL`.
    pub outbound_queue_url: String,
    /// When a message counts as stuck.
    pub sweep: SweepPolicy,
    /// The contact-id key (the store needs it even though the sweep derives no ids).
    pub secrets: SecretSource,
}

impl RemindersSettings {
    /// Reads the settings; a missing one is an error naming it.
    pub fn from_environment(env: &Environment) -> Result<Self, ConfigError> {
        Ok(RemindersSettings {
            table: env.required("TABLE_NAME")?,
            outbound_queue_url: env.required("OUTBOUND_QUEUE_URL")?,
            sweep: SweepPolicy::default(),
            secrets: SecretSource::from_environment(env, &[SecretName::ContactIdKey])?,
        })
    }
}

/// The sweep over one store and queue: what both Lambda and the local runner use.
pub fn sweep(
    store: Arc<DynamoStore>,
    counters: Arc<DynamoStore>,
    queue: Arc<dyn OutboundQueue>,
    clock: Arc<dyn Clock>,
    policy: SweepPolicy,
) -> Sweep {
    Sweep::new(store, counters, queue, clock, policy)
}

/// Pages of the index backfill one run reads (up to 100 items each, each a
/// conditional write when it must move): well inside the function's timeout.
const BACKFILL_PAGES_PER_RUN: u32 = 3;

/// What one scheduled run does.
pub struct Scheduled {
    sweep: Sweep,
    backfill: IndexBackfill,
}

/// What one scheduled run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduledReport {
    /// The sweep's.
    pub sweep: SweepReport,
    /// The index backfill's step.
    pub backfill: BackfillReport,
}

impl Scheduled {
    /// The sweep, then a step of the index backfill over `store`.
    pub fn new(sweep: Sweep, store: Arc<DynamoStore>) -> Self {
        Scheduled { sweep, backfill: IndexBackfill::new(store, BACKFILL_PAGES_PER_RUN) }
    }

    /// One run: the sweep first, so a backfill failure never holds it up.
    pub async fn run(&self) -> Result<ScheduledReport, StoreError> {
        let sweep = self.sweep.run().await?;
        let backfill = self.backfill.run().await?;
        Ok(ScheduledReport { sweep, backfill })
    }
}

/// Builds the scheduled work from settings and the loaded secrets, with
/// clients made here, once per container (on Lambda: at the first run).
pub fn build(settings: &RemindersSettings, sdk: &SdkConfig, secrets: &AppSecrets) -> Result<Scheduled, SecretsError> {
    let store = Arc::new(aws::store(sdk, &settings.table, secrets.contact_id_key()?));
    let queue = Arc::new(aws::outbound_queue(sdk, &settings.outbound_queue_url));
    Ok(Scheduled::new(sweep(store.clone(), store.clone(), queue, Arc::new(SystemClock), settings.sweep), store))
}
