//! The event each kind of change publishes: its id (derived from the change,
//! so a retried or redelivered write carries the same id) and its payload
//! (ids, names and flags only: never a phone number, a name typed by a
//! customer, or a message body).

use super::message::InboundMessage;
use super::pipeline::Deal;
use super::task::Task;
use super::{ContactId, Event, EventKind, MessageRef, Millis, Pricing, StatusUpdate};
use serde_json::json;

/// Whether a message is short enough to be a consent keyword (STOP,
/// रोकें, a tapped "Stop promotions"): only those are read back to check,
/// so a long message costs the keyword check nothing.
fn is_keyword_candidate(message: &InboundMessage) -> bool {
    let short = |text: &str| text.chars().count() <= 2 * super::consent_policy::MAX_KEYWORD_CHARS;
    match &message.content {
        super::MessageContent::Text { body } => short(body),
        super::MessageContent::Button { text: Some(text), .. } => short(text),
        _ => false,
    }
}

/// A customer message was stored; one per wamid. `from_ad` says it came
/// from a click-to-WhatsApp ad (a lead source).
pub fn message_received(message: &InboundMessage, contact: &ContactId) -> Event {
    // The ad without its click id: events reach registered webhooks.
    let ad = message.ad().map(|ad| ad.without_click());
    let data = json!({
        "wamid": message.wamid,
        "message_type": message.type_name,
        "business_number": message.phone_number_id,
        "from_ad": message.referral.is_some(),
        "ad": ad,
        "reply_to": message.context.is_some(),
        "keyword_candidate": is_keyword_candidate(message),
    });
    Event::new(EventKind::MessageReceived, format!("message.received:{}", message.wamid), message.at, data)
        .about(contact)
}

/// The business wrote to the customer from the WhatsApp Business app;
/// one per wamid.
pub fn message_sent_from_phone_app(message: &InboundMessage, contact: &ContactId) -> Event {
    let data = json!({
        "wamid": message.wamid,
        "message_type": message.type_name,
        "business_number": message.phone_number_id,
    });
    let id = format!("message.sent_from_phone_app:{}", message.wamid);
    Event::new(EventKind::MessageSentFromPhoneApp, id, message.at, data).about(contact)
}

/// A customer's WhatsApp call began to ring; one per call.
pub fn call_ringing(message: &InboundMessage, contact: &ContactId, call_id: &str) -> Event {
    let data = json!({"call_id": call_id, "business_number": message.phone_number_id});
    Event::new(EventKind::CallRinging, format!("call.ringing:{call_id}"), message.at, data).about(contact)
}

/// `by` answered the customer's call `call_id` at `at`; a call is answered
/// once.
pub fn call_answered(contact: &ContactId, call_id: &str, by: &str, at: Millis) -> Event {
    let data = json!({"call_id": call_id});
    Event::new(EventKind::CallAnswered, format!("call.answered:{call_id}"), at, data).about(contact).by(by)
}

/// An outbound message (Parley's `message_id`) moved to a new status;
/// statuses only ever move forward, so each (wamid, status) happens at
/// most once.
pub fn message_status_changed(update: &StatusUpdate, contact: &ContactId, message_id: &str) -> Event {
    let errors: Vec<i64> = update.errors.iter().map(|e| e.code).collect();
    let data = json!({
        "wamid": update.wamid,
        "message_id": message_id,
        "status": update.status.as_str(),
        "business_number": update.phone_number_id,
        "error_codes": errors,
    });
    let id = format!("message.status_changed:{}:{}", update.wamid, update.status.as_str());
    Event::new(EventKind::MessageStatusChanged, id, update.at, data).about(contact)
}

/// Meta priced an outbound message. Its id is the wamid's alone: the
/// caller writes it once per wamid, with the spend it counts, whichever
/// status carried the pricing first.
pub fn message_priced(update: &StatusUpdate, pricing: &Pricing, message: &MessageRef) -> Event {
    let data = json!({
        "wamid": update.wamid,
        "message_id": message.message_id(),
        // Where the message is, for the reactions that read it (who sent it).
        "locator": message.locator(),
        "business_number": update.phone_number_id,
        // The recipient's calling code: the market Meta's rate card prices by.
        "market": update.recipient_id.as_deref().and_then(super::country::calling_code_of),
        "billable": pricing.billable,
        "category": pricing.category,
        "pricing_type": pricing.pricing_type,
    });
    let id = format!("message.priced:{}", update.wamid);
    Event::new(EventKind::MessagePriced, id, update.at, data).about(&message.contact)
}

/// A conversation got a new owner (`None`: back to the unassigned queue).
pub fn conversation_assigned(contact: &ContactId, from: Option<&str>, to: Option<&str>, at: Millis) -> Event {
    let id = format!("conversation.assigned:{contact}:{}", at.0);
    Event::new(EventKind::ConversationAssigned, id, at, json!({"from": from, "to": to})).about(contact)
}

/// A conversation was closed.
pub fn conversation_closed(contact: &ContactId, owner: Option<&str>, at: Millis) -> Event {
    let id = format!("conversation.closed:{contact}:{}", at.0);
    Event::new(EventKind::ConversationClosed, id, at, json!({"owner": owner})).about(contact)
}

/// A deal was opened (once per deal id).
pub fn deal_created(deal: &Deal) -> Event {
    let data = json!({
        "deal": deal.id,
        "pipeline": deal.pipeline,
        "stage": deal.stage,
        "value_minor": deal.value_minor,
        "currency": deal.currency,
        "owner": deal.owner,
    });
    Event::new(EventKind::DealCreated, format!("deal.created:{}", deal.id), deal.created_at, data)
        .about(&deal.contact_id)
}

/// The payload both task events carry (the title is free text staff may
/// have filled with a customer's details, so it stays out).
fn task_data(task: &Task) -> serde_json::Value {
    json!({"task": task.id, "owner": task.owner, "due_at": task.due_at.0, "deal": task.deal_id})
}

/// A task or follow-up was created (once per task id).
pub fn task_created(task: &Task) -> Event {
    let event =
        Event::new(EventKind::TaskCreated, format!("task.created:{}", task.id), task.created_at, task_data(task));
    let event = event.by(&task.created_by);
    match &task.contact_id {
        Some(contact) => event.about(contact),
        None => event,
    }
}

/// A task was completed at `at` (a task reopened and done again is a new
/// completion, so the instant is part of the id).
pub fn task_done(task: &Task, at: Millis) -> Event {
    let id = format!("task.done:{}:{}", task.id, at.0);
    let event = Event::new(EventKind::TaskDone, id, at, task_data(task));
    match &task.contact_id {
        Some(contact) => event.about(contact),
        None => event,
    }
}

/// A contact that wrote first: its source is `ad` (with the ad's id) when
/// the message came from an ad, else `whatsapp`.
pub fn contact_wrote_first(message: &InboundMessage, contact: &ContactId) -> Event {
    let mut event = contact_created(contact, &message.phone_number_id, message.first_touch_source(), message.at);
    if let Some(ad) = message.ad() {
        event.data["ad"] = json!(ad.ad_id);
    }
    event
}

/// A contact appeared; `source` says how (`staff` for one added by hand).
pub fn contact_created(contact: &ContactId, business_number: &str, source: &str, at: Millis) -> Event {
    let data = json!({"business_number": business_number, "source": source});
    // A number erased and added again is a new contact under the same id.
    let id = format!("contact.created:{contact}:{}", at.0);
    Event::new(EventKind::ContactCreated, id, at, data).about(contact)
}

/// `from` was merged into `into` (a merged-away record never comes back).
pub fn contact_merged(into: &ContactId, from: &ContactId, at: Millis) -> Event {
    let id = format!("contact.merged:{from}");
    Event::new(EventKind::ContactMerged, id, at, json!({"into": into, "from": from})).about(into)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::message_content::MessageContent;
    use crate::domain::CustomerIdentity;

    fn inbound(wamid: &str, at: i64) -> InboundMessage {
        InboundMessage {
            wamid: wamid.into(),
            phone_number_id: "pn-1".into(),
            from: CustomerIdentity::new(Some("919812345678".into()), None).expect("an identity"),
            profile_name: Some("Asha".into()),
            username: None,
            at: Millis(at),
            type_name: "text".into(),
            content: MessageContent::Text { body: "my number is 919812345678".into() },
            context: None,
            referral: Some("{}".into()),
            raw: "{}".into(),
            arrival: Default::default(),
        }
    }

    #[test]
    fn a_redelivered_message_yields_the_same_event_and_no_personal_data() {
        let contact = ContactId::parse("0123456789abcdef01234567").expect("an id");
        let first = message_received(&inbound("wamid.A", 1_000), &contact);
        let again = message_received(&inbound("wamid.A", 1_000), &contact);
        assert_eq!(first.id, again.id);
        assert_ne!(first.id, message_received(&inbound("wamid.B", 1_000), &contact).id);
        let text = serde_json::to_string(&first).unwrap_or_default();
        assert!(!text.contains("919812345678"), "no phone number: {text}");
        assert!(!text.contains("Asha"), "no customer name: {text}");
        assert_eq!(first.data["from_ad"], true);
        assert_eq!(first.contact_id.as_ref(), Some(&contact));
    }
}
