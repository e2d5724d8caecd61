//! Charges each priced message to the teammate who sent it, for the spend
//! report's "by teammate" view. The webhook counts the month's spend in its
//! one write and cannot read who sent a message without a second; this
//! reaction, off the customer's path, reads it once per priced message.

use super::reactions::{Reaction, ReactionError};
use crate::domain::spend::PricedMessage;
use crate::domain::Event;
use crate::ports::SpendStore;
use async_trait::async_trait;
use std::sync::Arc;

/// The reaction on `message.priced`.
pub struct SenderSpend {
    spend: Arc<dyn SpendStore>,
}

impl SenderSpend {
    /// Over the spend counters (which read the message's sender).
    pub fn new(spend: Arc<dyn SpendStore>) -> Self {
        SenderSpend { spend }
    }
}

#[async_trait]
impl Reaction for SenderSpend {
    fn name(&self) -> &'static str {
        "sender_spend"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        let Some(priced) = PricedMessage::of_event(event) else { return Ok(()) };
        self.spend.count_sender_spend(&priced).await?;
        Ok(())
    }
}
