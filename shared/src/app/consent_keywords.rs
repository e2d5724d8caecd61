//! A customer who sends STOP (or रोकें, PARAR, SAIR…) is opted out of
//! marketing, and one who sends START opted back in; each hears back once,
//! in the language of the word they used.

use super::reactions::{Reaction, ReactionError};
use super::send_message::{SendCommand, SendError, SendMessage};
use crate::domain::consent::{Consent, ConsentCategory, ConsentMethod};
use crate::domain::consent_policy::KeywordKind;
use crate::domain::outbound::{OutboundContent, SendRefusal};
use crate::domain::{AuditEntry, ContactId, Event, EventKind, MessageRef};
use crate::ports::{ConsentPolicyStore, ConsentStore, ConversationStore, KeywordApplied, KeywordChange, StoreError};
use std::sync::Arc;

/// The keyword reaction.
pub struct ConsentKeywords {
    conversations: Arc<dyn ConversationStore>,
    consent: Arc<dyn ConsentStore>,
    policies: Arc<dyn ConsentPolicyStore>,
    send: Arc<SendMessage>,
}

impl ConsentKeywords {
    /// Wires the reaction; replies go out through `send` like any message.
    pub fn new(
        conversations: Arc<dyn ConversationStore>,
        consent: Arc<dyn ConsentStore>,
        policies: Arc<dyn ConsentPolicyStore>,
        send: Arc<SendMessage>,
    ) -> Self {
        ConsentKeywords { conversations, consent, policies, send }
    }

    /// The text of the message `event` announces, when it could be a keyword
    /// (one GetItem, only for short messages), and the contact that holds
    /// it now: a merge since the message came moved it to the survivor.
    async fn candidate_text(&self, event: &Event) -> Result<Option<(ContactId, String)>, StoreError> {
        let candidate = event.data.get("keyword_candidate").and_then(serde_json::Value::as_bool) == Some(true);
        let (EventKind::MessageReceived, true, Some(contact), Some(wamid)) =
            (event.kind, candidate, &event.contact_id, event.data.get("wamid").and_then(serde_json::Value::as_str))
        else {
            return Ok(None);
        };
        let mut contact = contact.clone();
        for _ in 0..=MAX_MERGES {
            let message = self.conversations.message_at(&MessageRef::new(contact.clone(), event.at, wamid)).await?;
            if let Some(message) = message {
                return Ok(message.text.map(|text| (contact, text)));
            }
            match self.conversations.merged_into(&contact).await? {
                Some(survivor) => contact = survivor,
                // Erased, or never stored: nothing to act on.
                None => return Ok(None),
            }
        }
        Ok(None)
    }
}

/// Merges followed from the contact a message came to, to the one that
/// holds it now.
const MAX_MERGES: usize = 4;

#[async_trait::async_trait]
impl Reaction for ConsentKeywords {
    fn name(&self) -> &'static str {
        "consent_keywords"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        let Some((mut contact, text)) = self.candidate_text(event).await? else { return Ok(()) };
        let policy = self.policies.consent_policy().await?.unwrap_or_default();
        let Some(hit) = policy.keyword(&text) else { return Ok(()) };
        let (change, action) = match hit.kind {
            KeywordKind::OptOut => (KeywordChange::OptOut, "opt_out"),
            KeywordKind::OptIn => {
                let everything = [ConsentCategory::Marketing, ConsentCategory::Utility];
                (KeywordChange::OptIn(Consent::new(event.at, ConsentMethod::Keyword, everything)), "opt_in")
            }
        };
        let mut applied = KeywordApplied::NoContact;
        for _ in 0..=MAX_MERGES {
            // At the message's time, so each delivery of the event writes the same line.
            let audit = AuditEntry {
                at: event.at,
                actor: "customer".to_owned(),
                action: action.to_owned(),
                contact: Some(contact.clone()),
                detail: serde_json::json!({"method": "keyword", "language": hit.language, "event": event.id})
                    .to_string(),
            };
            applied = self.consent.apply_keyword(&contact, &change, &event.id, &audit).await?;
            if applied != KeywordApplied::NoContact {
                break;
            }
            // Merged away between the read and the change: the survivor stands for them.
            match self.conversations.merged_into(&contact).await? {
                Some(survivor) => contact = survivor,
                None => break,
            }
        }
        if applied != KeywordApplied::Changed {
            return Ok(());
        }
        tracing::info!(contact_id = %contact, event_id = %event.id, action, language = %hit.language, "consent keyword applied");
        let command = SendCommand {
            contact: contact.clone(),
            content: OutboundContent::Text { text: hit.reply },
            reply_to: None,
            // One reply per keyword message, however often its event comes.
            idempotency_key: Some(format!("consent-{}", event.id)),
            actor: "system".to_owned(),
        };
        match self.send.send(command).await {
            Ok(_) => Ok(()),
            Err(SendError::Store(e)) => Err(e.into()),
            // Redelivered after the window closed: the change stands, the
            // reply can no longer go as a free-form text.
            Err(SendError::Refused(SendRefusal::WindowClosed { .. })) => {
                tracing::warn!(contact_id = %contact, event_id = %event.id, "consent reply not sent: the window closed");
                Ok(())
            }
            Err(other) => Err(ReactionError::Permanent(other.to_string())),
        }
    }
}
