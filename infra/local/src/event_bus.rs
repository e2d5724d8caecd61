//! The local event bus: events go to moto's EventBridge (where a test or a
//! developer can attach rules), and the runner delivers each one to the
//! local extension functions whose rule pattern, read from template.yaml,
//! matches it, as EventBridge does on AWS.

use async_trait::async_trait;
use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use events::bus::{BusError, EventBridgeBus, EventBus, SOURCE};
use parley::domain::Event;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A local extension function: takes one EventBridge delivery.
pub type Extension = Arc<
    dyn Fn(EventBridgeEvent<serde_json::Value>) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>>
        + Send
        + Sync,
>;

/// moto's bus plus the local extensions.
pub struct LocalBus {
    bus: EventBridgeBus,
    extensions: Vec<(String, serde_json::Value, Extension)>,
}

impl LocalBus {
    /// Puts events on `bus` and delivers them to `extensions` (binary name,
    /// rule pattern, function).
    pub fn new(bus: EventBridgeBus, extensions: Vec<(String, serde_json::Value, Extension)>) -> Self {
        LocalBus { bus, extensions }
    }
}

#[async_trait]
impl EventBus for LocalBus {
    async fn put(&self, events: &[Event]) -> Result<Vec<bool>, BusError> {
        let accepted = self.bus.put(events).await?;
        for (event, _) in events.iter().zip(&accepted).filter(|(_, ok)| **ok) {
            let Ok(delivery) = envelope(event) else { continue };
            let Ok(as_json) = serde_json::to_value(&delivery) else { continue };
            for (name, pattern, function) in &self.extensions {
                if matches(pattern, &as_json) {
                    // EventBridge retries an extension on its own; its
                    // failure never fails the publication.
                    if let Err(error) = function(delivery.clone()).await {
                        tracing::warn!(extension = %name, event_id = %event.id, error = %error, "extension failed");
                    }
                }
            }
        }
        Ok(accepted)
    }
}

/// The EventBridge event an extension receives for `event`.
fn envelope(event: &Event) -> Result<EventBridgeEvent<serde_json::Value>, serde_json::Error> {
    let delivery = serde_json::json!({
        "version": "0",
        "id": event.id,
        "detail-type": event.kind.as_str(),
        "source": SOURCE,
        "account": "000000000000",
        "time": event.at.to_rfc3339(),
        "region": "us-east-1",
        "resources": [],
        "detail": serde_json::to_value(event)?,
    });
    serde_json::from_value(delivery)
}

/// EventBridge's matching for the patterns Parley's rules use: every field
/// of the pattern must be present; a list matches when the value (or any
/// element of a list value) equals one of its entries; an object recurses.
pub fn matches(pattern: &serde_json::Value, event: &serde_json::Value) -> bool {
    use serde_json::Value;
    match pattern {
        Value::Object(fields) => fields.iter().all(|(name, expected)| match event.get(name) {
            Some(actual) => matches(expected, actual),
            None => false,
        }),
        Value::Array(allowed) => match event {
            Value::Array(values) => values.iter().any(|v| allowed.contains(v)),
            value => allowed.contains(value),
        },
        exact => exact == event,
    }
}

#[cfg(test)]
mod tests {
    use super::matches;
    use serde_json::json;

    #[test]
    fn a_pattern_matches_as_eventbridge_does() {
        let pattern =
            json!({"source": ["parley"], "detail-type": ["deal.stage_changed"], "detail": {"data": {"won": [true]}}});
        let won = json!({"source": "parley", "detail-type": "deal.stage_changed", "detail": {"data": {"won": true, "deal": "d1"}}});
        assert!(matches(&pattern, &won));
        let lost = json!({"source": "parley", "detail-type": "deal.stage_changed", "detail": {"data": {"won": false}}});
        assert!(!matches(&pattern, &lost));
        let other = json!({"source": "parley", "detail-type": "deal.created", "detail": {"data": {"won": true}}});
        assert!(!matches(&pattern, &other));
        assert!(!matches(&pattern, &json!({"source": "parley", "detail-type": "deal.stage_changed"})));
    }
}
