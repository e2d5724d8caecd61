//! The every-minute schedule: sweeps the outbox so nothing stays `queued`,
//! and flags sends whose outcome is unknown.

use parley::adapters::dynamo::DynamoStore;
use parley::adapters::request_counter::RequestCounter;
use parley::adapters::sqs::SqsQueue;
use parley::app::sweep::{Sweep, SweepPolicy};
use parley::ports::SystemClock;
use std::sync::Arc;

/// Builds the sweep from the environment (`TABLE_NAME`, `OUTBOUND_QUEUE_URL`).
pub async fn from_env() -> Result<Sweep, Box<dyn std::error::Error + Send + Sync>> {
    let table = parley::config::table_name()?;
    let queue_url = parley::config::required("OUTBOUND_QUEUE_URL")?;
    let sdk = parley::adapters::aws::load_config().await;
    let store =
        Arc::new(DynamoStore::new(parley::adapters::aws::dynamo_client(&sdk, &RequestCounter::default()), table));
    let queue = Arc::new(SqsQueue::new(aws_sdk_sqs::Client::new(&sdk), queue_url));
    Ok(Sweep::new(store, queue, Arc::new(SystemClock), SweepPolicy::default()))
}
