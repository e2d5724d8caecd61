//! The event bus the events function publishes to: Amazon EventBridge in
//! AWS and in the local stack (moto), one `PutEvents` per ten events.

use async_trait::async_trait;
use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use parley::domain::Event;

/// EventBridge's `Source` of every Parley event (what rules match on).
pub const SOURCE: &str = "parley";

/// How many entries one `PutEvents` call takes.
pub const PUT_EVENTS_BATCH: usize = 10;

/// Why publishing failed as a whole (the bus was unreachable).
#[derive(Debug, thiserror::Error)]
#[error("event bus unavailable: {0}")]
pub struct BusError(pub String);

/// Somewhere to publish events.
#[async_trait]
pub trait EventBus: Send + Sync {
    /// Publishes up to [`PUT_EVENTS_BATCH`] events; answers, per event,
    /// whether the bus accepted it (a partial failure names the rest).
    async fn put(&self, events: &[Event]) -> Result<Vec<bool>, BusError>;
}

/// An EventBridge bus.
#[derive(Debug, Clone)]
pub struct EventBridgeBus {
    client: aws_sdk_eventbridge::Client,
    bus_name: String,
}

impl EventBridgeBus {
    /// The bus `bus_name`, through a client built once at cold start.
    pub fn new(client: aws_sdk_eventbridge::Client, bus_name: impl Into<String>) -> Self {
        EventBridgeBus { client, bus_name: bus_name.into() }
    }
}

/// The entry for `event`: `detail-type` is the kind's public name and
/// `detail` the event's JSON, so rules can match on `detail.data`.
pub fn entry(bus_name: &str, event: &Event) -> Result<PutEventsRequestEntry, BusError> {
    let detail = serde_json::to_string(event).map_err(|e| BusError(format!("event {}: {e}", event.id)))?;
    Ok(PutEventsRequestEntry::builder()
        .event_bus_name(bus_name)
        .source(SOURCE)
        .detail_type(event.kind.as_str())
        .detail(detail)
        .build())
}

#[async_trait]
impl EventBus for EventBridgeBus {
    async fn put(&self, events: &[Event]) -> Result<Vec<bool>, BusError> {
        let entries = events.iter().map(|e| entry(&self.bus_name, e)).collect::<Result<Vec<_>, _>>()?;
        let out = self
            .client
            .put_events()
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| BusError(parley::adapters::error_chain::text(&e)))?;
        // Entries answer in order; one with an error code was not accepted.
        let mut accepted: Vec<bool> = out.entries().iter().map(|e| e.error_code().is_none()).collect();
        accepted.resize(events.len(), false);
        Ok(accepted)
    }
}
