//! The events handler over a scripted bus and scripted reactions: what is
//! published, what is reacted to, and which record Lambda must deliver
//! again when something fails.

use async_trait::async_trait;
use events::bus::{BusError, EventBus};
use events::stream::{StreamBatch, StreamChange, StreamRecord};
use events::EventsHandler;
use parley::app::reactions::{Reaction, ReactionError};
use parley::domain::Event;
use parley::ports::StoreError;
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

fn record(n: usize) -> StreamRecord {
    let id = format!("task.created:t{n}");
    let image = json!({
        "pk": {"S": "E#2026-12-01#3"},
        "sk": {"S": format!("001796000000000#{id}")},
        "id": {"S": id},
        "kind": {"S": "task.created"},
        "v": {"N": "1"},
        "payload": {"S": json!({"task": format!("t{n}")}).to_string()},
        "at": {"N": "1796000000000"},
    });
    StreamRecord {
        event_name: "INSERT".into(),
        dynamodb: StreamChange { new_image: image, sequence_number: format!("seq-{n:03}") },
    }
}

fn batch(n: usize) -> StreamBatch {
    StreamBatch { records: (0..n).map(record).collect() }
}

/// Accepts every entry except those it is told to refuse, a number of times.
#[derive(Default)]
struct ScriptedBus {
    refusals: Mutex<HashMap<String, usize>>,
    calls: Mutex<Vec<Vec<String>>>,
    accepted: Mutex<Vec<String>>,
}

impl ScriptedBus {
    fn refusing(id: &str, times: usize) -> Self {
        let bus = ScriptedBus::default();
        bus.refusals.lock().unwrap().insert(id.to_owned(), times);
        bus
    }
}

#[async_trait]
impl EventBus for ScriptedBus {
    async fn put(&self, events: &[Event]) -> Result<Vec<bool>, BusError> {
        assert!(events.len() <= 10, "PutEvents takes at most ten entries");
        self.calls.lock().unwrap().push(events.iter().map(|e| e.id.clone()).collect());
        let mut refusals = self.refusals.lock().unwrap();
        Ok(events
            .iter()
            .map(|e| match refusals.get_mut(&e.id) {
                Some(left) if *left > 0 => {
                    *left -= 1;
                    false
                }
                _ => {
                    self.accepted.lock().unwrap().push(e.id.clone());
                    true
                }
            })
            .collect())
    }
}

/// Records what it saw; fails on chosen events.
struct ScriptedReaction {
    seen: Mutex<Vec<String>>,
    transient_on: Option<String>,
    permanent_on: Option<String>,
}

impl ScriptedReaction {
    fn new(transient_on: Option<&str>, permanent_on: Option<&str>) -> Arc<Self> {
        Arc::new(ScriptedReaction {
            seen: Mutex::default(),
            transient_on: transient_on.map(str::to_owned),
            permanent_on: permanent_on.map(str::to_owned),
        })
    }
}

#[async_trait]
impl Reaction for ScriptedReaction {
    fn name(&self) -> &'static str {
        "scripted"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        self.seen.lock().unwrap().push(event.id.clone());
        if self.transient_on.as_deref() == Some(event.id.as_str()) {
            return Err(StoreError::Unavailable("throttled".into()).into());
        }
        if self.permanent_on.as_deref() == Some(event.id.as_str()) {
            return Err(ReactionError::Permanent("the rule's template is gone".into()));
        }
        Ok(())
    }
}

#[tokio::test]
async fn a_batch_goes_to_the_bus_ten_at_a_time_in_order_and_each_event_to_every_reaction() {
    let bus = Arc::new(ScriptedBus::refusing("task.created:t4", 1));
    let reaction = ScriptedReaction::new(None, None);
    let handler = EventsHandler::new(bus.clone(), vec![reaction.clone()]);
    let handled = handler.handle(batch(23)).await;
    assert_eq!(handled.published, 23);
    assert!(handled.response.batch_item_failures.is_empty(), "{:?}", handled.response);
    let calls = bus.calls.lock().unwrap().clone();
    let sizes: Vec<usize> = calls.iter().map(Vec::len).collect();
    assert_eq!(sizes, [10, 1, 10, 3], "a refused entry is offered again on its own");
    assert_eq!(calls[1], ["task.created:t4"]);
    let expected: Vec<String> = (0..23).map(|n| format!("task.created:t{n}")).collect();
    assert_eq!(*reaction.seen.lock().unwrap(), expected, "each event reacted to once, in stream order");
}

#[tokio::test]
async fn an_entry_the_bus_keeps_refusing_is_delivered_again_from_there() {
    let bus = Arc::new(ScriptedBus::refusing("task.created:t12", usize::MAX));
    let reaction = ScriptedReaction::new(None, None);
    let handler = EventsHandler::new(bus.clone(), vec![reaction.clone()]);
    let handled = handler.handle(batch(15)).await;
    assert_eq!(handled.published, 12, "the events before it");
    let failures: Vec<&str> = handled.response.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
    assert_eq!(failures, ["seq-012"]);
    assert_eq!(reaction.seen.lock().unwrap().len(), 12, "nothing after it is acted on yet");
}

#[tokio::test]
async fn a_transient_reaction_failure_redelivers_from_its_event_and_a_permanent_one_is_skipped() {
    let bus = Arc::new(ScriptedBus::default());
    let first = ScriptedReaction::new(None, Some("task.created:t1"));
    let second = ScriptedReaction::new(Some("task.created:t3"), None);
    let handler = EventsHandler::new(bus, vec![first.clone(), second.clone()]);
    let handled = handler.handle(batch(6)).await;
    let failures: Vec<&str> = handled.response.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
    assert_eq!(failures, ["seq-003"]);
    let seen = |r: &ScriptedReaction| r.seen.lock().unwrap().clone();
    assert_eq!(seen(&first).len(), 4, "t1's permanent failure did not stop the batch");
    assert_eq!(seen(&second).last().map(String::as_str), Some("task.created:t3"));
    assert_eq!(seen(&second).len(), 4, "a reaction still runs for the event another refused for good");
}

#[tokio::test]
async fn records_that_are_not_event_inserts_are_skipped_without_failing_the_batch() {
    let bus = Arc::new(ScriptedBus::default());
    let reaction = ScriptedReaction::new(None, None);
    let handler = EventsHandler::new(bus.clone(), vec![reaction.clone()]);
    let mut records = vec![record(0)];
    let mut modify = record(1);
    modify.event_name = "MODIFY".into();
    records.push(modify);
    let mut contact = record(2);
    contact.dynamodb.new_image = json!({"pk": {"S": "C#0123456789abcdef01234567"}, "sk": {"S": "PROFILE"}});
    records.push(contact);
    let mut broken = record(3);
    broken.dynamodb.new_image["payload"] = json!({"S": "not json"});
    records.push(broken);
    records.push(record(4));
    let handled = handler.handle(StreamBatch { records }).await;
    assert_eq!((handled.published, handled.skipped), (2, 3));
    assert!(handled.response.batch_item_failures.is_empty());
    assert_eq!(*reaction.seen.lock().unwrap(), ["task.created:t0", "task.created:t4"]);
}

#[test]
fn the_answer_is_the_shape_lambda_reads() {
    let response = events::stream::BatchResponse {
        batch_item_failures: vec![events::stream::ItemFailure { item_identifier: "seq-1".into() }],
    };
    assert_eq!(serde_json::to_value(&response).unwrap(), json!({"batchItemFailures": [{"itemIdentifier": "seq-1"}]}));
    let lambda: StreamBatch = serde_json::from_value(json!({"Records": [{
        "eventID": "1", "eventName": "INSERT", "eventSource": "aws:dynamodb",
        "dynamodb": {"Keys": {"pk": {"S": "E#x"}}, "NewImage": {"pk": {"S": "E#x"}}, "SequenceNumber": "111", "StreamViewType": "NEW_IMAGE"}
    }]}))
    .unwrap();
    assert_eq!(lambda.records[0].dynamodb.sequence_number, "111");
}
