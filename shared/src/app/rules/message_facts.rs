//! What a `message.received` event leaves out and rules need. Events carry
//! no message bodies (they leave the stack through the bus and webhooks), so
//! before matching, the rules read the message and its contact back: the
//! text for keywords, the referral for new leads, a tapped quick reply's
//! payload for button conditions, and whether the message
//! began the conversation's current wait on us ("first").

use crate::domain::{Event, EventKind, MessageContent, MessageRef, Millis};
use crate::ports::{ConversationStore, StoreError};
use serde_json::{json, Value};

/// `event` with `text`, `referral`, `button_payload`, `first` and `phone_number_id` added to
/// its data when it is a `message.received` that lacks them; any other event
/// as it is. Costs one GetItem for the message and one for the contact.
pub async fn with_message_facts(contacts: &dyn ConversationStore, event: &Event) -> Result<Event, StoreError> {
    let mut event = event.clone();
    if event.kind != EventKind::MessageReceived || event.data.get("first").is_some() {
        return Ok(event);
    }
    let (Some(contact_id), Some(wamid)) = (event.contact_id.clone(), event.data["wamid"].as_str().map(str::to_owned))
    else {
        return Ok(event);
    };
    let message = contacts.message_at(&MessageRef::new(contact_id.clone(), event.at, &wamid)).await?;
    let contact = contacts.contact(&contact_id).await?;
    let data = event.data.as_object_mut();
    let Some(data) = data else { return Ok(event) };
    if let Some(message) = &message {
        if let Some(text) = &message.text {
            data.insert("text".into(), json!(text));
        }
        if let Some(MessageContent::Button { payload: Some(payload), .. }) = &message.content {
            data.insert("button_payload".into(), json!(payload));
        }
        if let Some(referral) = message.referral.as_deref().and_then(|r| serde_json::from_str::<Value>(r).ok()) {
            data.insert("referral".into(), referral);
        }
    }
    if let Some(contact) = &contact {
        data.insert("first".into(), json!(began_the_wait(contact, event.at)));
        data.insert("phone_number_id".into(), json!(contact.phone_number_id));
    }
    Ok(event)
}

/// A message opens a conversation when the contact is new with it, or when
/// nothing of the customer's was waiting for us before it (the wait on us
/// starts at this very message).
fn began_the_wait(contact: &crate::domain::Contact, at: Millis) -> bool {
    contact.created_at == at || contact.conversation.awaiting_since == Some(at)
}
