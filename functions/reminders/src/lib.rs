//! The every-minute schedule: sweeps the outbox so nothing stays `queued`,
//! and flags sends whose outcome is unknown.

use parley::adapters::aws::{self, SdkConfig};
use parley::adapters::dynamo::DynamoStore;
use parley::app::sweep::{Sweep, SweepPolicy};
use parley::config::secrets::{AppSecrets, SecretName, SecretSource, SecretsError};
use parley::config::{ConfigError, Environment};
use parley::ports::{Clock, OutboundQueue, SystemClock};
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
    queue: Arc<dyn OutboundQueue>,
    clock: Arc<dyn Clock>,
    policy: SweepPolicy,
) -> Sweep {
    Sweep::new(store, queue, clock, policy)
}

/// Builds the sweep from settings and the loaded secrets, with clients made
/// here, once per container (on Lambda: at the first run).
pub fn build(settings: &RemindersSettings, sdk: &SdkConfig, secrets: &AppSecrets) -> Result<Sweep, SecretsError> {
    let store = Arc::new(aws::store(sdk, &settings.table, secrets.contact_id_key()?));
    let queue = Arc::new(aws::outbound_queue(sdk, &settings.outbound_queue_url));
    Ok(sweep(store, queue, Arc::new(SystemClock), settings.sweep))
}
