//! The event bus the events function publishes to: Amazon EventBridge in
//! AWS and in the local stack (moto), one `PutEvents` per ten events.

use async_trait::async_trait;
use parley::adapters::aws_json::{JsonProtocol, EVENTBRIDGE};
use parley::domain::Event;
use serde::Deserialize;
use serde_json::{json, Value};

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

/// An EventBridge bus, spoken to over EventBridge's JSON protocol rather
/// than the SDK's client (see `parley::adapters::aws_json`).
#[derive(Debug, Clone)]
pub struct EventBridgeBus {
    eventbridge: JsonProtocol,
    bus_name: String,
}

impl EventBridgeBus {
    /// The bus `bus_name`, with `config`'s region, credentials, retries and
    /// EventBridge endpoint. Nothing is sent yet.
    pub fn new(config: &parley::adapters::aws::SdkConfig, bus_name: impl Into<String>) -> Self {
        let eventbridge = JsonProtocol::new(&EVENTBRIDGE, config, parley::adapters::aws::connector(config));
        EventBridgeBus { eventbridge, bus_name: bus_name.into() }
    }
}

/// The entry for `event`: `DetailType` is the kind's public name and
/// `Detail` the event's JSON, so rules can match on `detail.data`.
pub fn entry(bus_name: &str, event: &Event) -> Result<Value, BusError> {
    let detail = serde_json::to_string(event).map_err(|e| BusError(format!("event {}: {e}", event.id)))?;
    Ok(json!({ "EventBusName": bus_name, "Source": SOURCE, "DetailType": event.kind.as_str(), "Detail": detail }))
}

/// What `PutEvents` answers: an entry per event, in order.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct PutEventsAnswer {
    entries: Vec<PutEventsResult>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct PutEventsResult {
    error_code: Option<String>,
}

/// Whether each of `count` events was accepted: an entry with an error
/// code was not, and neither was one the answer left out.
fn accepted(answer: &[u8], count: usize) -> Result<Vec<bool>, BusError> {
    let answer: PutEventsAnswer =
        serde_json::from_slice(answer).map_err(|e| BusError(format!("PutEvents: an unreadable answer: {e}")))?;
    let mut accepted: Vec<bool> = answer.entries.iter().map(|e| e.error_code.is_none()).collect();
    accepted.resize(count, false);
    Ok(accepted)
}

#[async_trait]
impl EventBus for EventBridgeBus {
    async fn put(&self, events: &[Event]) -> Result<Vec<bool>, BusError> {
        let entries = events.iter().map(|e| entry(&self.bus_name, e)).collect::<Result<Vec<_>, _>>()?;
        let body = json!({ "Entries": entries }).to_string();
        let answer = self
            .eventbridge
            .call("AWSEvents.PutEvents", body.into())
            .await
            .map_err(|failure| BusError(format!("PutEvents: {failure}")))?;
        accepted(&answer, events.len())
    }
}

#[cfg(test)]
mod tests {
    use super::accepted;

    #[test]
    fn an_entry_with_an_error_code_or_left_out_was_not_accepted() {
        let answer = br#"{"FailedEntryCount":1,"Entries":[{"EventId":"e1"},{"ErrorCode":"InternalFailure","ErrorMessage":"x"}]}"#;
        assert_eq!(accepted(answer, 3).unwrap(), [true, false, false]);
        assert!(accepted(b"not json", 1).is_err());
    }
}
