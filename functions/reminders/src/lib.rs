//! The every-minute schedule: sweeps the outbox so nothing stays `queued`,
//! and flags sends whose outcome is unknown.

use parley::adapters::aws;
use parley::app::sweep::{Sweep, SweepPolicy};
use parley::ports::SystemClock;
use std::sync::Arc;

/// Builds the sweep from the environment (`TABLE_NAME`, `OUTBOUND_QUEUE_URL`).
pub async fn from_env() -> Result<Sweep, Box<dyn std::error::Error + Send + Sync>> {
    let sdk = aws::load_config().await;
    let store = Arc::new(aws::store_from_env(&sdk)?);
    let queue = Arc::new(aws::outbound_queue_from_env(&sdk)?);
    Ok(Sweep::new(store.clone(), store, queue, Arc::new(SystemClock), SweepPolicy::default()))
}
