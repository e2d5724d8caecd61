//! A WhatsApp Flow used as a lead form: the customer's completed form
//! (`nfm_reply`) goes through the lead intake of the flow source its
//! `flow_token` names, so it becomes a lead like a website form's: the
//! contact's fields, a deal in the source's pipeline and stage, its owner
//! and tags, and the "new lead" rules.

use super::lead_intake::{LeadError, LeadIntake};
use super::reactions::{Reaction, ReactionError};
use crate::domain::message_content::InteractiveKind;
use crate::domain::{Event, MessageContent};
use crate::ports::ConversationStore;
use async_trait::async_trait;
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// The reaction on `message.received` for a completed Flow.
pub struct FlowLeads {
    conversations: Arc<dyn ConversationStore>,
    intake: Arc<LeadIntake>,
}

impl FlowLeads {
    /// Over the contacts (the reply and its sender are re-read) and the
    /// lead intake.
    pub fn new(conversations: Arc<dyn ConversationStore>, intake: Arc<LeadIntake>) -> Self {
        FlowLeads { conversations, intake }
    }
}

/// The lead a completed form is, in the intake's own shape: the reply's
/// wamid is the lead id (so a redelivery is the same lead), the sender's
/// number the phone, every answer a field and also at the top level, where
/// a source's mapping can name it.
pub fn flow_lead(wamid: &str, wa_id: &str, profile_name: Option<&str>, answers: &Map<String, Value>) -> Value {
    let mut lead = answers.clone();
    lead.insert("lead_id".to_owned(), json!(wamid));
    lead.insert("phone".to_owned(), json!(format!("+{wa_id}")));
    if !answers.contains_key("name") {
        lead.insert("name".to_owned(), json!(profile_name));
    }
    lead.insert("fields".to_owned(), Value::Object(answers.clone()));
    Value::Object(lead)
}

#[async_trait]
impl Reaction for FlowLeads {
    fn name(&self) -> &'static str {
        "flow_leads"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        let (Some("interactive"), Some(reference)) = (event.received_type(), event.received_message()) else {
            return Ok(());
        };
        let Some(message) = self.conversations.message_at(&reference).await? else { return Ok(()) };
        let (contact_id, wamid) = (&reference.contact, message.id.as_str());
        let Some(MessageContent::Interactive {
            reply: InteractiveKind::NfmReply,
            flow_token: Some(token),
            answers,
            ..
        }) = message.content
        else {
            return Ok(());
        };
        let Some(contact) = self.conversations.contact(contact_id).await? else { return Ok(()) };
        let Some(wa_id) = contact.wa_id.as_deref() else { return Ok(()) };
        let answers: Map<String, Value> = answers.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
        let lead = flow_lead(wamid, wa_id, contact.name.as_deref(), &answers);
        match self.intake.receive_flow(&token, &contact.phone_number_id, &lead).await {
            Ok(Some(outcome)) => {
                tracing::info!(contact_id = %outcome.contact, deal = %outcome.deal, created = outcome.created, "flow lead taken");
                Ok(())
            }
            // A form of no flow source: its answers stay on the timeline.
            Ok(None) => Ok(()),
            Err(LeadError::Store(e)) => Err(ReactionError::Store(e)),
            Err(other) => Err(ReactionError::Permanent(format!("flow {token}: {other}"))),
        }
    }
}
