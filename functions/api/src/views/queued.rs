//! A send accepted onto the outbound queue (202): the Cloud API has not been
//! called yet, so the message's fate arrives later as status updates.

use parley::app::send_message::Queued;
use parley::domain::pricing::Estimate;
use schemars::JsonSchema;
use serde::Serialize;

/// A new send, or the replay of one whose Idempotency-Key was seen before.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Queued")]
pub struct QueuedView {
    id: String,
    #[schemars(extend("enum" = ["queued"]))]
    status: &'static str,
    /// True when the key was seen before and nothing new was queued.
    replayed: bool,
    /// The price shown before sending; `null` for a replay.
    estimate: Option<Estimate>,
}

impl From<Queued> for QueuedView {
    fn from(q: Queued) -> Self {
        QueuedView { id: q.id, status: "queued", replayed: q.replayed, estimate: q.estimate }
    }
}

/// A retried send: the same message id goes back on the queue.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Requeued")]
pub struct RequeuedView {
    id: String,
    #[schemars(extend("enum" = ["queued"]))]
    status: &'static str,
}

impl RequeuedView {
    /// The retry of message `id`.
    pub fn new(id: String) -> Self {
        RequeuedView { id, status: "queued" }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_replay_shows_a_null_estimate_and_a_retry_only_id_and_status() {
        let replay = QueuedView::from(Queued { id: "m1".into(), estimate: None, replayed: true });
        assert_eq!(
            serde_json::to_value(replay).ok(),
            Some(json!({"id": "m1", "status": "queued", "replayed": true, "estimate": null}))
        );
        assert_eq!(
            serde_json::to_value(RequeuedView::new("m2".into())).ok(),
            Some(json!({"id": "m2", "status": "queued"}))
        );
    }
}
