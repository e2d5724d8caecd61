//! The customer record: one per WhatsApp identity on a business number.

use super::{ContactId, Millis, ServiceWindow};

/// A contact as the inbox lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    /// Parley's id.
    pub id: ContactId,
    /// The business number the customer talks to.
    pub phone_number_id: String,
    /// The phone-number based WhatsApp id, when known.
    pub wa_id: Option<String>,
    /// The business-scoped user id, when known.
    pub user_id: Option<String>,
    /// The WhatsApp profile name, kept current.
    pub name: Option<String>,
    /// The latest message either way.
    pub last_activity_at: Option<Millis>,
    /// The latest message from the customer.
    pub last_inbound_at: Option<Millis>,
    /// The customer service window.
    pub window: ServiceWindow,
    /// When the contact first wrote.
    pub created_at: Millis,
    /// Opted out of marketing (sent an opt-out keyword, or staff marked them).
    pub opted_out: bool,
    /// The latest opt-in on record, if any.
    pub consent: Option<super::consent::Consent>,
    /// Ownership, status and response times.
    pub conversation: super::conversation::Conversation,
    /// The name staff gave the contact (wins over the profile name).
    pub display_name: Option<String>,
    /// Labels (`vip`, `wholesale`…).
    pub tags: Vec<String>,
    /// Custom fields (company, city, source…).
    pub fields: std::collections::BTreeMap<String, String>,
    /// Other records that are the same person (they wrote with identities
    /// that two contacts held): for staff to merge.
    pub merge_suggested: Vec<ContactId>,
    /// Where the contact was first seen: `whatsapp` or `ad` (it wrote
    /// first), `lead:<source id>`, `import`, `staff` or `staff:<what staff
    /// typed>`; `None` for contacts from before sources were kept.
    pub source: Option<String>,
    /// The first click-to-WhatsApp ad it came from, click id included.
    pub first_ad: Option<super::ad_referral::AdReferral>,
    /// When its first message came (the first to arrive, if Meta sent
    /// them out of order).
    pub first_inbound_at: Option<Millis>,
    /// That message's wamid: two messages can share a second.
    pub first_wamid: Option<String>,
    /// The name the business saved them under in the WhatsApp Business
    /// app's address book (coexistence's `smb_app_state_sync`).
    pub address_book_name: Option<String>,
    /// The WhatsApp username the customer goes by (shown in the app in
    /// place of their number), as their latest message gave it.
    pub username: Option<String>,
    /// The wamid of the customer's latest message.
    pub last_inbound_wamid: Option<String>,
    /// The wamid the business last told the customer's phone it read
    /// (a read receipt), so opening the conversation again sends none.
    pub read_receipt_for: Option<String>,
    /// The customer's WhatsApp call while it rings or is under way.
    pub ringing: Option<super::ringing_call::RingingCall>,
}

impl Contact {
    /// A contact known only by its id and business number, first seen at
    /// `at`: what a store starts a new record from.
    pub fn blank(id: ContactId, phone_number_id: &str, at: Millis) -> Self {
        Contact {
            id,
            phone_number_id: phone_number_id.to_owned(),
            wa_id: None,
            user_id: None,
            name: None,
            last_activity_at: None,
            last_inbound_at: None,
            window: ServiceWindow::default(),
            created_at: at,
            opted_out: false,
            consent: None,
            conversation: super::conversation::Conversation::default(),
            display_name: None,
            tags: Vec::new(),
            fields: Default::default(),
            merge_suggested: Vec::new(),
            source: None,
            first_ad: None,
            first_inbound_at: None,
            first_wamid: None,
            address_book_name: None,
            username: None,
            last_inbound_wamid: None,
            read_receipt_for: None,
            ringing: None,
        }
    }

    /// The name to show: staff's, else the one in the business's phone
    /// address book, else WhatsApp's profile name.
    pub fn shown_name(&self) -> Option<&str> {
        self.display_name.as_deref().or(self.address_book_name.as_deref()).or(self.name.as_deref())
    }

    /// Whether a marketing template may go to them: never after an
    /// opt-out, and in strict mode only with a marketing opt-in on record.
    pub fn marketing_allowed(&self, strict: bool) -> Result<(), super::outbound::SendRefusal> {
        if self.opted_out {
            return Err(super::outbound::SendRefusal::OptedOut);
        }
        if strict && !self.consent.as_ref().is_some_and(super::consent::Consent::covers_marketing) {
            return Err(super::outbound::SendRefusal::NoMarketingConsent);
        }
        Ok(())
    }

    /// The phone in E.164, or `None` when Meta withheld the number.
    pub fn phone(&self) -> Option<String> {
        self.wa_id.as_deref().and_then(super::identity::e164)
    }

    /// Whether `wamid`, sent at `at`, is the contact's first message.
    /// Contacts that wrote before the wamid was kept never match: their
    /// first message is long past.
    pub fn is_first_message(&self, wamid: &str, at: Millis) -> bool {
        self.first_inbound_at == Some(at) && self.first_wamid.as_deref() == Some(wamid)
    }

    /// Its first touch, as the lead-source report credits it.
    pub fn first_touch(&self) -> super::source_figures::FirstTouch {
        super::source_figures::FirstTouch {
            source: self.source.clone(),
            ad: self.first_ad.as_ref().map(|ad| ad.ad_id.clone()),
        }
    }
}
