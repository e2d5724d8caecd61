//! A contact and its conversation.

use parley::domain::conversation::is_overdue;
use parley::domain::{Contact, Millis};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

/// A contact as the API shows it; times are RFC 3339.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Contact")]
pub struct ContactView {
    id: String,
    phone: Option<String>,
    wa_id: Option<String>,
    user_id: Option<String>,
    /// The name staff gave, else the one in the business's phone address
    /// book (WhatsApp Business app), else the WhatsApp profile name.
    name: Option<String>,
    phone_number_id: String,
    last_activity_at: Option<String>,
    last_inbound_at: Option<String>,
    window: WindowView,
    created_at: String,
    opted_out: bool,
    /// The opt-in on record (`inbound_message`, updates only, when the
    /// customer wrote first and nobody recorded more).
    consent: Option<super::ConsentView>,
    owner: Option<String>,
    #[schemars(extend("enum" = ["open", "waiting_on_us", "waiting_on_customer", "closed", null]))]
    status: Option<&'static str>,
    awaiting_since: Option<String>,
    overdue: bool,
    first_response_seconds: Option<i64>,
    profile_name: Option<String>,
    /// The name in the WhatsApp Business app's address book on the
    /// business's phone, synced under coexistence.
    address_book_name: Option<String>,
    /// The WhatsApp username the customer goes by, without the `@`.
    username: Option<String>,
    tags: Vec<String>,
    fields: BTreeMap<String, String>,
    /// Other records of the same person, for staff to merge.
    merge_suggested: Vec<String>,
    /// Where the contact was first seen: `whatsapp`, `ad`, `lead:<source
    /// id>`, `import`, `staff` or `staff:<what staff typed>` (none for
    /// contacts from before sources were kept).
    source: Option<String>,
    /// The first click-to-WhatsApp ad it came from.
    ad: Option<parley::domain::ad_referral::AdReferral>,
    /// The customer wrote after the caller last read it (lists only).
    unread: bool,
    /// The customer's WhatsApp call while it rings or is under way.
    ringing: Option<super::RingingCallView>,
}

/// The service window, stated before any send is tried.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ServiceWindow")]
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
            address_book_name: contact.address_book_name.clone(),
            username: contact.username.clone(),
            tags: contact.tags.clone(),
            fields: contact.fields.clone(),
            merge_suggested: contact.merge_suggested.iter().map(ToString::to_string).collect(),
            source: contact.source.clone(),
            ad: contact.first_ad.clone(),
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
            consent: contact.consent.as_ref().map(super::ConsentView::new),
            ringing: contact.ringing.map(Into::into),
            unread: false,
        }
    }

    /// Says whether the caller has unread messages here.
    pub fn with_unread(mut self, unread: bool) -> Self {
        self.unread = unread;
        self
    }
}
