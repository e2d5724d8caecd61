//! The API's JSON shapes.

use parley::domain::conversation::is_overdue;
use parley::domain::{Contact, Message, Millis};
use parley::ports::Page;
use serde::Serialize;
use serde_json::Value;

mod business_profile;
mod link;
mod link_accepted;
mod opt_out;
mod password_changed;
mod queued;
mod rate_card;
mod read_marker;
mod signed_in;
mod spend;
mod task;
mod templates_synced;
mod user;

pub use business_profile::BusinessProfileView;
pub use link::LinkView;
pub use link_accepted::LinkAcceptedView;
pub use opt_out::OptOutView;
pub use password_changed::PasswordChangedView;
pub use queued::{QueuedView, RequeuedView};
pub use rate_card::RateCardView;
pub use read_marker::ReadMarkerView;
pub use signed_in::SignedInView;
pub use spend::SpendView;
pub use task::TaskView;
pub use templates_synced::TemplatesSyncedView;
pub use user::UserView;

/// `{"items": [...], "next_cursor": …}`.
#[derive(Serialize)]
pub struct PageView<T> {
    items: Vec<T>,
    next_cursor: Option<String>,
}

impl<T> PageView<T> {
    /// Maps a store page to its view.
    pub fn from_page<U>(page: Page<U>, view: impl FnMut(U) -> T) -> Self {
        PageView { items: page.items.into_iter().map(view).collect(), next_cursor: page.next_cursor }
    }

    /// A list the API returns whole: `next_cursor` is always `null`.
    pub fn whole(items: Vec<T>) -> Self {
        PageView { items, next_cursor: None }
    }
}

/// A contact as the API shows it.
#[derive(Serialize)]
pub struct ContactView {
    id: String,
    phone: Option<String>,
    wa_id: Option<String>,
    user_id: Option<String>,
    name: Option<String>,
    phone_number_id: String,
    last_activity_at: Option<String>,
    last_inbound_at: Option<String>,
    window: WindowView,
    created_at: String,
    opted_out: bool,
    owner: Option<String>,
    status: Option<&'static str>,
    awaiting_since: Option<String>,
    overdue: bool,
    first_response_seconds: Option<i64>,
    profile_name: Option<String>,
    tags: Vec<String>,
    fields: std::collections::BTreeMap<String, String>,
    /// Other records of the same person, for staff to merge.
    merge_suggested: Vec<String>,
    /// The customer wrote after the caller last read it (lists only).
    unread: bool,
}

/// The service window, stated before any send is tried.
#[derive(Serialize)]
pub struct WindowView {
    open: bool,
    closes_at: Option<String>,
}

impl ContactView {
    /// The view of `contact` at `now`.
    pub fn new(contact: Contact, now: Millis, sla_minutes: i64) -> Self {
        let conversation = &contact.conversation;
        let shown_name = contact.shown_name().map(str::to_owned);
        let overdue = conversation.awaiting_since.is_some_and(|since| is_overdue(since, sla_minutes, now));
        ContactView {
            owner: conversation.owner.clone(),
            status: conversation.status.map(|s| s.as_str()),
            awaiting_since: conversation.awaiting_since.map(Millis::to_rfc3339),
            overdue,
            first_response_seconds: conversation.first_response_ms.map(|ms| ms / 1000),
            profile_name: contact.name.clone(),
            tags: contact.tags.clone(),
            fields: contact.fields.clone(),
            merge_suggested: contact.merge_suggested.iter().map(ToString::to_string).collect(),
            phone: contact.phone(),
            id: contact.id.to_string(),
            wa_id: contact.wa_id,
            user_id: contact.user_id,
            name: shown_name,
            phone_number_id: contact.phone_number_id,
            last_activity_at: contact.last_activity_at.map(Millis::to_rfc3339),
            last_inbound_at: contact.last_inbound_at.map(Millis::to_rfc3339),
            window: WindowView {
                open: contact.window.is_open(now),
                closes_at: contact.window.closes_at().map(Millis::to_rfc3339),
            },
            created_at: contact.created_at.to_rfc3339(),
            opted_out: contact.opted_out,
            unread: false,
        }
    }

    /// Says whether the caller has unread messages here.
    pub fn with_unread(mut self, unread: bool) -> Self {
        self.unread = unread;
        self
    }
}

/// A message as the API shows it.
#[derive(Serialize)]
pub struct MessageView {
    id: String,
    direction: &'static str,
    #[serde(rename = "type")]
    type_name: String,
    text: Option<String>,
    status: Option<&'static str>,
    at: String,
    content: Option<Value>,
    context: Option<Value>,
    referral: Option<Value>,
    errors: Option<Value>,
    pricing: Option<Value>,
    attempts: Option<u32>,
    outcome_unknown: bool,
    estimate: Option<Value>,
}

fn json(text: Option<String>) -> Option<Value> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

impl From<Message> for MessageView {
    fn from(m: Message) -> Self {
        MessageView {
            id: m.id,
            direction: m.direction.as_str(),
            type_name: m.type_name,
            text: m.text,
            status: m.status.map(|s| s.as_str()),
            at: m.at.to_rfc3339(),
            content: m.content.and_then(|c| serde_json::to_value(c).ok()),
            context: json(m.context),
            referral: json(m.referral),
            errors: json(m.errors),
            pricing: json(m.pricing),
            attempts: m.attempts,
            outcome_unknown: m.outcome_unknown,
            estimate: json(m.estimate),
        }
    }
}
