//! The I/O the use cases need, as traits. Adapters implement them at the edge;
//! use cases and handlers only ever see these.

use crate::domain::message::InboundMessage;
use crate::domain::{Contact, ContactId, Message, Millis, Role, StatusUpdate, User};
use async_trait::async_trait;

/// A storage failure. Handlers turn `Unavailable` into a 5xx so that callers
/// (Meta, SQS, the UI) retry.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store could not be reached or refused the request.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// An item in the store does not have the shape Parley wrote.
    #[error("corrupt item: {0}")]
    Corrupt(String),
    /// A pagination cursor that Parley did not issue.
    #[error("invalid cursor")]
    BadCursor,
}

/// A page request: at most `limit` items after `cursor`.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size (the store clamps it).
    pub limit: Option<u32>,
}

/// One page of results.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pass back to get the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// What storing an inbound message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// Stored now, on this contact's timeline.
    New(ContactId),
    /// Already stored by an earlier delivery; nothing changed.
    Duplicate,
}

/// What applying a status did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusOutcome {
    /// The message moved to the new status.
    Applied,
    /// The message was already further along; pricing or errors were noted.
    Stale,
    /// The message is not known yet; the status is kept until it is.
    Pending,
}

/// Messages, contacts and their timelines.
#[async_trait]
pub trait ConversationStore: Send + Sync {
    /// Stores an inbound message once, creating or updating its contact and
    /// service window; idempotent on the wamid.
    async fn record_inbound(&self, message: &InboundMessage) -> Result<Recorded, StoreError>;

    /// Applies a status monotonically, or keeps it until its message is known.
    async fn apply_status(&self, update: &StatusUpdate) -> Result<StatusOutcome, StoreError>;

    /// Records Meta's id for the outbound message `(contact, sk)` and applies
    /// every status that arrived before it was known.
    async fn link_wamid(&self, contact: &ContactId, message_sk: &str, wamid: &str) -> Result<(), StoreError>;

    /// Contacts, most recent activity first.
    async fn list_contacts(&self, page: &PageRequest) -> Result<Page<Contact>, StoreError>;

    /// One contact.
    async fn contact(&self, id: &ContactId) -> Result<Option<Contact>, StoreError>;

    /// A contact's messages, oldest first.
    async fn timeline(&self, id: &ContactId, page: &PageRequest) -> Result<Page<Message>, StoreError>;
}

/// A signed-in staff session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the cookie token; the token itself is never stored.
    pub token_hash: String,
    /// Whose session.
    pub email: String,
    /// Their role when they signed in.
    pub role: Role,
    /// When it stops working.
    pub expires_at: Millis,
}

/// Staff and their sessions.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// A user by normalised e-mail.
    async fn user(&self, email: &str) -> Result<Option<User>, StoreError>;
    /// Creates `user` unless the e-mail is taken; `true` when created.
    async fn create_user(&self, user: &User) -> Result<bool, StoreError>;
    /// Stores a session.
    async fn put_session(&self, session: &Session) -> Result<(), StoreError>;
    /// A session by token hash (expired ones included; the caller checks).
    async fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError>;
    /// Ends a session.
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
}

/// The time, injectable so that rules about windows and expiry are testable.
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> Millis;
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Millis {
        let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        Millis(i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX))
    }
}

/// An outbound message as the sender needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboundMessage {
    /// Parley's id (`pm.…`), stable from the moment staff press send.
    pub id: String,
    /// Whose timeline.
    pub contact_id: ContactId,
    /// Its sort key (with the contact: its location).
    pub sk: String,
    /// The business number to send from.
    pub phone_number_id: String,
    /// The recipient (`wa_id`, or BSUID).
    pub to: String,
    /// What to send.
    pub content: crate::domain::outbound::OutboundContent,
    /// The wamid replied to.
    pub reply_to: Option<String>,
    /// Send attempts so far (including the one under way).
    pub attempts: u32,
    /// When staff pressed send.
    pub created_at: Millis,
}

/// The result of asking to send.
#[derive(Debug, Clone, PartialEq)]
pub enum Created {
    /// Stored as `queued` now.
    New,
    /// The same Idempotency-Key was used before: this is that message's id.
    Existing(String),
}

/// Outbound messages through their states, and the template catalog.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Stores a `queued` message (and the idempotency key, atomically).
    async fn create_outbound(
        &self,
        message: &OutboundMessage,
        text: &str,
        estimate: &crate::domain::pricing::Estimate,
        idempotency_key: Option<&str>,
    ) -> Result<Created, StoreError>;
    /// `queued → sending`; `None` when someone else has it or it is done.
    async fn claim(&self, contact: &ContactId, sk: &str) -> Result<Option<OutboundMessage>, StoreError>;
    /// `sending → sent` with Meta's id; applies statuses that came first.
    async fn mark_sent(&self, contact: &ContactId, sk: &str, wamid: &str) -> Result<(), StoreError>;
    /// `sending → queued` to try again later, noting why.
    async fn release(
        &self,
        contact: &ContactId,
        sk: &str,
        error: &crate::domain::DeliveryError,
    ) -> Result<(), StoreError>;
    /// `→ failed` with Meta's reasons.
    async fn mark_failed(
        &self,
        contact: &ContactId,
        sk: &str,
        errors: &[crate::domain::DeliveryError],
    ) -> Result<(), StoreError>;
    /// The request left but no answer came: keep `sending`, flag it for staff.
    async fn mark_unknown(&self, contact: &ContactId, sk: &str) -> Result<(), StoreError>;
    /// Finds a message by Parley id or wamid.
    async fn locate(&self, id: &str) -> Result<Option<(ContactId, String)>, StoreError>;
    /// `failed` (or outcome unknown) `→ queued` again, on staff's say-so.
    async fn requeue(&self, contact: &ContactId, sk: &str) -> Result<bool, StoreError>;
    /// Messages still `queued` (or `sending`) since before `before`.
    async fn stuck(
        &self,
        state: StuckState,
        before: Millis,
        limit: i32,
    ) -> Result<Vec<(ContactId, String)>, StoreError>;
    /// Every translation of a template.
    async fn template_translations(&self, name: &str) -> Result<Vec<crate::domain::template::Template>, StoreError>;
    /// Replaces the catalog's entries with these.
    async fn put_templates(&self, templates: &[crate::domain::template::Template]) -> Result<(), StoreError>;
    /// The whole catalog.
    async fn list_templates(&self) -> Result<Vec<crate::domain::template::Template>, StoreError>;
    /// Billable messages by month and category from Meta's pricing.
    async fn spend(&self, month: &str) -> Result<Vec<SpendLine>, StoreError>;
    /// Marks or clears a contact's marketing opt-out.
    async fn set_opt_out(&self, contact: &ContactId, opted_out: bool) -> Result<bool, StoreError>;
}

/// Which stuck messages to find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StuckState {
    /// Stored but never picked up (a crash between store and enqueue).
    Queued,
    /// Claimed but never finished (a crash mid-send).
    Sending,
}

/// One line of the spend report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendLine {
    /// `YYYY-MM`.
    pub month: String,
    /// Meta's pricing category.
    pub category: String,
    /// Billable messages.
    pub billable: u64,
    /// Free messages (service, free entry point, utility in window).
    pub free: u64,
}

/// A queue failure.
#[derive(Debug, thiserror::Error)]
#[error("queue unavailable: {0}")]
pub struct QueueError(pub String);

/// The outbound queue.
#[async_trait]
pub trait OutboundQueue: Send + Sync {
    /// Asks the sender to send `(contact, sk)`.
    async fn enqueue(&self, contact: &ContactId, sk: &str) -> Result<(), QueueError>;
}

/// The WhatsApp Cloud API.
#[async_trait]
pub trait WhatsAppClient: Send + Sync {
    /// Sends one message.
    async fn send(&self, request: &crate::whatsapp::send::SendRequest) -> crate::whatsapp::send::SendOutcome;
    /// The business account's templates.
    async fn templates(&self) -> Result<Vec<crate::domain::template::Template>, String>;
}
