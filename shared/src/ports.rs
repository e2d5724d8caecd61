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
