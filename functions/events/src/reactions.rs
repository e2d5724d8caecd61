//! What Parley does with each published event, in order. The other areas'
//! reactions (rules, notifications, outbound webhooks, live push) are added
//! to this list; each must be idempotent on the event id.

use parley::app::reactions::{Reaction, ReactionError};
use parley::domain::Event;
use std::sync::Arc;

/// Every reaction, in the order they run for each event.
pub fn reactions() -> Vec<Arc<dyn Reaction>> {
    vec![Arc::new(PublishedLog)]
}

/// Logs each event it is handed (ids and kind only: an event holds no
/// phone number or message body, and the log keeps it that way).
pub struct PublishedLog;

#[async_trait::async_trait]
impl Reaction for PublishedLog {
    fn name(&self) -> &'static str {
        "published_log"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        tracing::info!(event_id = %event.id, kind = event.kind.as_str(), "event published");
        Ok(())
    }
}
