//! The customer's tap on a quotation's "Accept" button accepts it, as
//! staff's Accept does (the deal takes the quote's value and is Won), and
//! is recorded as the customer's. "Ask a question" needs nothing more: the
//! tap is a message like any other, waiting on the team.

use super::quote_delivery::QuoteAnswer;
use super::quotes::{QuoteError, Quotes};
use super::reactions::{Reaction, ReactionError};
use crate::domain::message_content::InteractiveKind;
use crate::domain::{Event, MessageContent};
use crate::ports::ConversationStore;
use async_trait::async_trait;
use std::sync::Arc;

/// The reaction on `message.received`.
pub struct QuoteReplies {
    contacts: Arc<dyn ConversationStore>,
    quotes: Quotes,
}

impl QuoteReplies {
    /// Over the timeline (the tapped message) and the quotes use case.
    pub fn new(contacts: Arc<dyn ConversationStore>, quotes: Quotes) -> Self {
        QuoteReplies { contacts, quotes }
    }
}

/// The id of the reply button a message is a tap on, if it is one.
fn tapped(content: &MessageContent) -> Option<&str> {
    match content {
        MessageContent::Interactive { reply: InteractiveKind::ButtonReply, id: Some(id), .. } => Some(id),
        MessageContent::Button { payload: Some(payload), .. } => Some(payload),
        _ => None,
    }
}

#[async_trait]
impl Reaction for QuoteReplies {
    fn name(&self) -> &'static str {
        "quote_replies"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        let Some(reference) = event.received_message() else { return Ok(()) };
        let contact = &reference.contact;
        let message = self.contacts.message_at(&reference).await?;
        let Some(button) = message.as_ref().and_then(|m| m.content.as_ref()).and_then(tapped) else { return Ok(()) };
        let Some((quote_id, QuoteAnswer::Accept)) = QuoteAnswer::parse(button) else { return Ok(()) };
        match self.quotes.accept_for_customer(contact, quote_id).await {
            Ok(accepted) => {
                tracing::info!(contact_id = %contact, quote = quote_id, accepted, "the customer tapped Accept");
                Ok(())
            }
            Err(QuoteError::Store(e)) => Err(e.into()),
            Err(QuoteError::Conflict) => Err(ReactionError::Store(crate::ports::StoreError::Unavailable(
                "the quote changed while the customer's Accept was applied".to_owned(),
            ))),
            Err(e) => Err(ReactionError::Permanent(e.to_string())),
        }
    }
}
