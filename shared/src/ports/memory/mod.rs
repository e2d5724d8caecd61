//! In-memory implementations of the ports, for use-case unit tests: a store
//! with the same semantics as the DynamoDB one for what the use cases rely
//! on (conditional claims, idempotency, monotonic statuses, visibility
//! filters, paging; keyed contact ids, merge suggestions and redirects,
//! complete erasure, DynamoDB's size limits), a queue that records what it
//! was asked to send, a scripted Cloud API and a clock the test moves.

mod account_tokens;
mod ai;
mod audit_trail;
mod calls;
mod campaigns;
mod clock;
mod coexistence;
mod consent;
mod contacts;
mod conversation_watch;
mod event_log;
mod exports;
mod imports;
mod inbox;
mod leads;
mod live_push;
mod media;
mod notifications;
mod number_profiles;
mod number_standings;
mod opening_hours;
mod outbox;
mod queue;
mod quotes;
mod rate_overrides;
mod records;
mod rules;
mod scheduler;
mod source_figures;
mod team;
mod webhook_poster;
mod webhook_queue;
mod webhooks;
mod whatsapp;

pub use account_tokens::MemoryAccountTokens;
pub use ai::{MemoryAiKey, MemoryAiSettings, ScriptedAssistant};
pub use calls::ScriptedCalls;
pub use campaigns::MemoryCampaignQueue;
pub use clock::ManualClock;
pub use exports::{MemoryExportQueue, MemoryFiles};
pub use imports::MemoryImportQueue;
pub use live_push::{MemoryLiveConnections, RecordingPush};
pub use media::{MemoryMediaQueue, MemoryMediaRecords, MemoryVault, MetaAnswer, ScriptedMediaSource};
pub use notifications::MemoryNotifications;
pub use opening_hours::FixedOpeningHours;
pub use queue::MemoryQueue;
pub use scheduler::MemoryScheduler;
pub use webhook_poster::{Posted, ScriptedPoster};
pub use webhook_queue::MemoryWebhookQueue;
pub use webhooks::MemoryWebhooks;
pub use whatsapp::ScriptedWhatsApp;

use super::{Clock, Page, PageRequest, StoreError, SystemClock};
use crate::domain::export::ExportJob;
use crate::domain::message::Message;
use crate::domain::outbound::OutboundContent;
use crate::domain::pipeline::{Deal, Pipeline};
use crate::domain::product::Product;
use crate::domain::quote::Quote;
use crate::domain::response_figures::ResponseFigures;
use crate::domain::task::Task;
use crate::domain::template::Template;
use crate::domain::unprocessable::UnprocessableItem;
use crate::domain::{
    AuditEntry, Contact, ContactId, ContactIdKey, Event, Invite, MessageRef, Millis, Note, Session, StatusUpdate, User,
};
use audit_trail::AuditTrail;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

/// The default page size, as the DynamoDB store's.
const PAGE: usize = 50;

/// The key this store derives contact ids with.
const CONTACT_ID_KEY: &str = "in-memory store's contact id key";

/// DynamoDB's largest partition key, in bytes: a longer wamid cannot be one.
const KEY_LIMIT: usize = 2048;

/// DynamoDB's largest item, in bytes.
const ITEM_LIMIT: usize = 400 * 1024;

/// Every store port over maps behind one lock: each call is atomic, as each
/// conditional write or transaction of the DynamoDB store is.
pub struct MemoryStore {
    state: Mutex<State>,
    /// Stamps the outbox index, as the DynamoDB store's own clock does.
    clock: Arc<dyn Clock>,
    /// Derives new contacts' ids.
    ids: ContactIdKey,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::with_clock(Arc::new(SystemClock))
    }
}

impl MemoryStore {
    /// An empty store on the machine's clock.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    /// An empty store whose outbox times come from `clock`.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        // A literal longer than the minimum: it cannot be refused.
        let ids = ContactIdKey::new(CONTACT_ID_KEY).expect("a long enough literal");
        MemoryStore { state: Mutex::new(State::default()), clock, ids }
    }

    /// While `failing`, every write of the webhook item `wamid` (a message or
    /// a status) fails as an outage would.
    pub fn outage_for(&self, wamid: &str, failing: bool) {
        let mut state = self.state();
        if failing {
            state.outages.insert(wamid.to_owned());
        } else {
            state.outages.remove(wamid);
        }
    }

    /// Every webhook item parked as unprocessable.
    pub fn parked_items(&self) -> Vec<UnprocessableItem> {
        self.state().unprocessable.values().cloned().collect()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding the lock has failed already.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Puts a contact as it is (a test's starting point).
    pub fn put_contact(&self, mut contact: Contact) {
        let mut state = self.state();
        // A contact that has written has a first message, as one stored by the inbound path.
        contact.first_inbound_at = contact.first_inbound_at.or(contact.last_inbound_at);
        let row = ContactRow { in_owner_queue: true, contact };
        state.contacts.insert(row.contact.id.clone(), row);
    }

    /// Every audit line, oldest first.
    pub fn audit_lines(&self) -> Vec<AuditEntry> {
        self.state().audit.lines()
    }

    /// How many messages were read back by their reference (what a
    /// DynamoDB store pays a GetItem for), to count a use case's reads.
    pub fn message_reads(&self) -> u64 {
        self.state().message_reads
    }

    /// Every domain event, oldest first.
    pub fn events(&self) -> Vec<Event> {
        self.state().events.clone()
    }

    /// The outbound message at `reference`, as the sender would claim it
    /// (without claiming it), and its status.
    pub fn message(&self, reference: &MessageRef) -> Option<Message> {
        let state = self.state();
        state.messages.get(&reference.contact)?.get(reference.locator()).map(|row| row.message.clone())
    }
}

/// A contact with what the DynamoDB item keeps beside the [`Contact`].
#[derive(Debug, Clone)]
struct ContactRow {
    contact: Contact,
    /// In its owner's (or the unassigned) queue; closed conversations leave it.
    in_owner_queue: bool,
}

/// A message with what the sender and the status path keep beside it.
#[derive(Debug, Clone)]
struct MessageRow {
    message: Message,
    outbound: Option<OutboundRow>,
    rank: Option<u8>,
    wamid: Option<String>,
    error_notes: BTreeSet<String>,
    spend_counted: bool,
}

#[derive(Debug, Clone)]
struct OutboundRow {
    phone_number_id: String,
    to: String,
    content: OutboundContent,
    reply_to: Option<String>,
    /// On the outbox index: `(state, since)`.
    outbox: Option<(&'static str, Millis)>,
    /// When the last send attempt started.
    claimed_at: Option<Millis>,
}

#[derive(Default)]
struct State {
    contacts: BTreeMap<ContactId, ContactRow>,
    /// Meta's word per business number.
    standings: BTreeMap<String, crate::domain::number_standing::NumberStanding>,
    volume_tiers: BTreeMap<String, crate::domain::volume_tier::VolumeTierReached>,
    /// The business's own prices.
    rate_overrides: Option<crate::domain::rate_overrides::RateOverrides>,
    /// The numbers admins set up, by `phone_number_id`.
    number_profiles: BTreeMap<String, crate::domain::number_profile::NumberProfile>,
    /// How many times a message was read back by its reference.
    message_reads: u64,
    identities: HashMap<(String, String), ContactId>,
    /// Per contact, by locator (which sorts like time).
    messages: BTreeMap<ContactId, BTreeMap<String, MessageRow>>,
    /// Wamids and Parley ids to their message.
    pointers: HashMap<String, MessageRef>,
    parked: HashMap<String, Vec<StatusUpdate>>,
    /// Scoped idempotency keys to the request's digest and the message id.
    idempotency: HashMap<String, (String, String)>,
    templates: BTreeMap<(String, String, Option<String>), Template>,
    spend: BTreeMap<(String, crate::domain::spend::SpendKey), (u64, u64)>,
    /// Wamids already charged to their sender.
    sender_spend_counted: BTreeSet<String>,
    message_counts: BTreeMap<String, (u64, u64)>,
    /// First-response figures by (day, agent).
    first_responses: BTreeMap<(String, String), ResponseFigures>,
    /// Export jobs by id.
    exports: BTreeMap<String, ExportJob>,
    users: BTreeMap<String, User>,
    sessions: HashMap<String, Session>,
    /// Links by token hash; a replaced or revoked one stays (until TTL in
    /// DynamoDB) but no longer matches its user's current link.
    invites: HashMap<String, Invite>,
    /// Each user's one current link: its token hash.
    links: HashMap<String, String>,
    /// Sign-in attempts by counter key and window start.
    attempts: HashMap<(String, Millis), u64>,
    audit: AuditTrail,
    turn: u64,
    pipelines: BTreeMap<String, Pipeline>,
    deals: BTreeMap<String, Deal>,
    events: Vec<Event>,
    /// Rules, their claims and logs.
    rules: rules::RuleState,
    notes: BTreeMap<ContactId, Vec<Note>>,
    tasks: BTreeMap<String, Task>,
    business_profile: Option<crate::domain::BusinessProfile>,
    consent_policy: Option<crate::domain::consent_policy::ConsentPolicy>,
    /// The event whose keyword last changed each contact's consent.
    keyword_events: HashMap<ContactId, String>,
    lead_sources: BTreeMap<String, crate::ports::StoredLeadSource>,
    lead_feeds: BTreeMap<String, crate::domain::lead_feed_status::LeadFeedStatus>,
    imports: BTreeMap<String, crate::domain::contact_import::ContactImport>,
    failing_import_steps: u32,
    campaigns: BTreeMap<String, crate::domain::campaign::Campaign>,
    failing_campaign_steps: u32,
    /// By (campaign, contact).
    recipients: BTreeMap<(String, ContactId), crate::domain::campaign::Recipient>,
    /// The campaigns that reached each contact, by campaign id (time-ordered).
    campaign_marks: BTreeMap<ContactId, BTreeMap<String, crate::domain::campaign::CampaignReach>>,
    /// The lead-source counters by (day, line key, field), the events
    /// counted, and the ads noted.
    source_counts: BTreeMap<(String, String, String), i64>,
    source_events: HashSet<String>,
    ads: BTreeMap<String, crate::domain::ad_referral::AdReferral>,
    /// Merged-away contacts, to the contact that absorbed them.
    merged_into: HashMap<ContactId, ContactId>,
    /// The contacts each contact absorbed (erasing it reaches them too).
    merged_from: BTreeMap<ContactId, BTreeSet<ContactId>>,
    /// Message ids (Parley's and Meta's) of erased messages.
    erased_ids: HashSet<String>,
    /// When each template translation's status last changed.
    template_status_at: HashMap<(String, String, Option<String>), Millis>,
    /// When each contact's address-book name last changed.
    address_book_at: HashMap<ContactId, Millis>,
    /// Webhook items no retry could store, one per (day, kind, wamid).
    unprocessable: BTreeMap<(String, &'static str, String), UnprocessableItem>,
    /// Wamids whose writes fail as an outage would.
    outages: HashSet<String>,
    products: BTreeMap<String, Product>,
    quotes: BTreeMap<String, Quote>,
    /// The last number issued in each series.
    series: HashMap<String, u64>,
}

impl State {
    /// Fails as an outage would for a wamid the test made unavailable.
    fn reachable(&self, wamid: &str) -> Result<(), StoreError> {
        if self.outages.contains(wamid) {
            return Err(StoreError::Unavailable("throttled".into()));
        }
        Ok(())
    }
}

/// Refuses for good what DynamoDB would: a wamid too long to be a key, an
/// item over its size limit.
fn storable(wamid: &str, item_bytes: usize) -> Result<(), StoreError> {
    if "W#".len() + wamid.len() > KEY_LIMIT {
        return Err(StoreError::Rejected("Size of hashkey has exceeded the maximum size limit of 2048 bytes".into()));
    }
    if item_bytes > ITEM_LIMIT {
        return Err(StoreError::Rejected("Item size has exceeded the maximum allowed size".into()));
    }
    Ok(())
}

/// One page of `items` (already in order): the cursor is the offset.
fn page_of<T>(items: Vec<T>, page: &PageRequest) -> Result<Page<T>, StoreError> {
    let start = match &page.cursor {
        Some(cursor) => cursor.parse::<usize>().map_err(|_| StoreError::BadCursor)?,
        None => 0,
    };
    let limit = page.limit.map_or(PAGE, |l| l.clamp(1, 200) as usize);
    let total = items.len();
    let items: Vec<T> = items.into_iter().skip(start).take(limit).collect();
    let end = start + items.len();
    Ok(Page { items, next_cursor: (end < total).then(|| end.to_string()) })
}

/// What an agent may see: unassigned and their own.
fn visible(contact: &Contact, me: Option<&str>) -> bool {
    me.is_none_or(|me| contact.conversation.owner.as_deref().is_none_or(|o| o == me))
}

/// Newest activity first, as the activity indexes order them.
fn by_activity(mut contacts: Vec<Contact>) -> Vec<Contact> {
    contacts.sort_by(|a, b| (b.last_activity_at, &b.id).cmp(&(a.last_activity_at, &a.id)));
    contacts
}
