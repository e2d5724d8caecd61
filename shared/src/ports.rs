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

    /// Contacts, most recent activity first; `only_visible_to` keeps an
    /// agent's own and the unassigned ones.
    async fn list_contacts(
        &self,
        page: &PageRequest,
        only_visible_to: Option<&str>,
    ) -> Result<Page<Contact>, StoreError>;

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
    /// The whole team.
    async fn list_users(&self) -> Result<Vec<User>, StoreError>;
    /// Changes role, active or available; `None` when there is no such user.
    async fn update_user(&self, email: &str, patch: &UserPatch) -> Result<Option<User>, StoreError>;
    /// Sets a password (and activates the user).
    async fn set_password(&self, email: &str, password_hash: &str) -> Result<(), StoreError>;
    /// Stores an invitation until `expires_at`.
    async fn put_invite(&self, token_hash: &str, email: &str, expires_at: Millis) -> Result<(), StoreError>;
    /// Uses up an invitation; its e-mail, or `None` if unknown or expired.
    async fn take_invite(&self, token_hash: &str, now: Millis) -> Result<Option<String>, StoreError>;
    /// Failed sign-ins in the current window: `(count, window start)`.
    async fn login_failures(&self, email: &str) -> Result<(u32, Millis), StoreError>;
    /// Counts a failed sign-in (a new window starts after `window_ms`).
    async fn record_login_failure(&self, email: &str, now: Millis, window_ms: i64) -> Result<(), StoreError>;
    /// Forgets failed sign-ins after a success.
    async fn clear_login_failures(&self, email: &str) -> Result<(), StoreError>;
}

/// A change to a user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserPatch {
    /// New role.
    pub role: Option<Role>,
    /// Activate or deactivate.
    pub active: Option<bool>,
    /// Take (or stop taking) round-robin conversations.
    pub available: Option<bool>,
    /// New display name.
    pub name: Option<String>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When.
    pub at: Millis,
    /// Who (e-mail, or `system`).
    pub actor: String,
    /// What: `assign`, `unassign`, `close`, `reopen`, `send`, `invite`, …
    pub action: String,
    /// Which contact, if any.
    pub contact: Option<ContactId>,
    /// Details as JSON.
    pub detail: String,
}

/// Which conversations to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueQuery {
    /// Nobody owns them (open ones).
    Unassigned,
    /// Owned by this teammate (open ones).
    OwnedBy(String),
    /// In this status.
    Status(crate::domain::conversation::ConversationStatus),
    /// Waiting on us since before this instant.
    WaitingSince(Millis),
}

/// Ownership, status, queues and the audit log.
#[async_trait]
pub trait InboxStore: Send + Sync {
    /// Gives the conversation to `to` (`None` = unassigned) if it is still
    /// owned by `from`; `false` when someone changed it first. Audited in the
    /// same write.
    async fn assign(
        &self,
        contact: &ContactId,
        from: Option<&str>,
        to: Option<&str>,
        closed: bool,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;
    /// Closes a conversation that is not closed, or reopens a closed one;
    /// audited in the same write. `false` when there was nothing to change
    /// (or no such contact): then nothing is written.
    async fn set_status(
        &self,
        contact: &ContactId,
        close: bool,
        owner: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;
    /// One queue, newest activity first; `only_visible_to` keeps an agent's own and unassigned ones.
    async fn queue(
        &self,
        query: &QueueQuery,
        only_visible_to: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Contact>, StoreError>;
    /// Appends to the audit log.
    async fn audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;
    /// A contact's audit trail, newest first.
    async fn audit_for_contact(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<AuditEntry>, StoreError>;
    /// A day's audit log (`YYYY-MM-DD`), newest first.
    async fn audit_for_day(&self, day: &str, page: &PageRequest) -> Result<Page<AuditEntry>, StoreError>;
    /// The next round-robin turn.
    async fn next_turn(&self) -> Result<u64, StoreError>;
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
    /// With `first_response`, the conversation's first answer is recorded
    /// and counted into its day's aggregates in the same write, unless
    /// another answer came first (then it is stored as any later answer).
    async fn create_outbound(
        &self,
        message: &OutboundMessage,
        text: &str,
        estimate: &crate::domain::pricing::Estimate,
        idempotency_key: Option<&str>,
        audit: Option<&AuditEntry>,
        first_response: Option<&FirstResponse>,
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

/// The conversation a send may be the first answer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstResponse {
    /// Whose figures it counts in: the conversation's owner, or `unassigned`.
    pub agent: String,
    /// When the customer first wrote (the response time runs from here, and
    /// its day is the day the figures count in).
    pub first_inbound_at: Millis,
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

/// Pipelines and deals.
#[async_trait]
pub trait DealStore: Send + Sync {
    /// Every pipeline.
    async fn pipelines(&self) -> Result<Vec<crate::domain::pipeline::Pipeline>, StoreError>;
    /// Creates or replaces a pipeline definition.
    async fn put_pipeline(
        &self,
        pipeline: &crate::domain::pipeline::Pipeline,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
    /// Stores a new deal (audited in the same write).
    async fn create_deal(&self, deal: &crate::domain::pipeline::Deal, audit: &AuditEntry) -> Result<(), StoreError>;
    /// One deal.
    async fn deal(&self, id: &str) -> Result<Option<crate::domain::pipeline::Deal>, StoreError>;
    /// Replaces a deal if it was last changed at `expected_updated_at`;
    /// `false` when someone changed it first. The audit line (and, for stage
    /// moves, the domain event) go in the same write.
    async fn save_deal(
        &self,
        deal: &crate::domain::pipeline::Deal,
        expected_updated_at: Millis,
        audit: &AuditEntry,
        event: Option<&DomainEvent>,
    ) -> Result<bool, StoreError>;
    /// Deals in one stage, most recently changed first; with `only_visible_to`,
    /// only the deals that viewer may see, still in full pages.
    async fn deals_in_stage(
        &self,
        pipeline: &str,
        stage: &str,
        only_visible_to: Option<&crate::domain::conversation::Viewer>,
        page: &PageRequest,
    ) -> Result<Page<crate::domain::pipeline::Deal>, StoreError>;
    /// A contact's deals, newest first.
    async fn contact_deals(
        &self,
        contact: &ContactId,
        page: &PageRequest,
    ) -> Result<Page<crate::domain::pipeline::Deal>, StoreError>;
}

/// Something that happened, kept for automation to consume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainEvent {
    /// When.
    pub at: Millis,
    /// `deal.stage_changed`, …
    pub kind: String,
    /// The payload as JSON.
    pub payload: String,
}

/// A note staff keep on a contact (never sent to the customer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Id.
    pub id: String,
    /// Who wrote it.
    pub author: String,
    /// The note.
    pub text: String,
    /// When.
    pub at: Millis,
}

/// Changes to a contact record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactPatch {
    /// Staff's name for the contact (`Some(None)` reverts to the profile name).
    pub display_name: Option<Option<String>>,
    /// The profile name as read, which name search falls back to when
    /// staff's name is cleared; the patch applies only while it is current.
    pub profile_name: Option<String>,
    /// The full tag set.
    pub tags: Option<Vec<String>>,
    /// Custom fields to set or remove, key by key.
    pub fields: Option<crate::domain::contact_fields::FieldChanges>,
}

/// The contact record: notes, tags, fields, search.
#[async_trait]
pub trait ContactRecordStore: Send + Sync {
    /// Applies a patch; `false` (and nothing written) when the contact is
    /// gone or changed in a way the patch did not expect (its fields' room,
    /// or its profile name when clearing staff's name): read it and retry.
    async fn patch_contact(&self, contact: &ContactId, patch: &ContactPatch) -> Result<bool, StoreError>;
    /// Adds a note.
    async fn add_note(&self, contact: &ContactId, note: &Note) -> Result<(), StoreError>;
    /// Notes, newest first.
    async fn notes(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<Note>, StoreError>;
    /// Contacts whose name or phone starts with `query` (one Query).
    async fn search(
        &self,
        query: &str,
        only_visible_to: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Contact>, StoreError>;
}

/// Tasks and follow-ups.
#[async_trait]
pub trait TaskStore: Send + Sync {
    /// Stores a new task.
    async fn create_task(&self, task: &crate::domain::task::Task) -> Result<(), StoreError>;
    /// One task.
    async fn task(&self, id: &str) -> Result<Option<crate::domain::task::Task>, StoreError>;
    /// Marks it done (idempotent); `false` when there is no such task.
    async fn complete_task(&self, id: &str, at: Millis) -> Result<bool, StoreError>;
    /// Open tasks due before `before` (and not before `from`), soonest first,
    /// of one owner or of the whole team.
    async fn due_tasks(
        &self,
        owner: Option<&str>,
        from: Option<Millis>,
        before: Option<Millis>,
        page: &PageRequest,
    ) -> Result<Page<crate::domain::task::Task>, StoreError>;
}

/// What the reports read.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// `(day, inbound, outbound)` message counts for days in `[from, to]`.
    async fn message_counts(&self, from: &str, to: &str) -> Result<Vec<(String, u64, u64)>, StoreError>;
    /// The first-response aggregates `(day, agent, figures)` of the days in
    /// `[from, to]` (one Query per month in the range).
    async fn first_responses(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String, crate::domain::response_figures::ResponseFigures)>, StoreError>;
    /// Open conversations nobody owns.
    async fn count_unassigned(&self) -> Result<u64, StoreError>;
    /// Conversations waiting on us since before `before`.
    async fn count_waiting_since(&self, before: Millis) -> Result<u64, StoreError>;
    /// The team's open tasks due in `[from, before)`.
    async fn count_team_tasks(&self, from: Option<Millis>, before: Millis) -> Result<u64, StoreError>;
}

/// Data ownership: erasure and merging of contacts.
#[async_trait]
pub trait ContactLifecycleStore: Send + Sync {
    /// Removes a contact's personal data (messages, notes, identities,
    /// pointers) and leaves a tombstone; aggregate counters are kept.
    /// Returns how many items were deleted. Safe to run again after a crash.
    async fn erase_contact(&self, contact: &ContactId) -> Result<usize, StoreError>;
    /// Moves everything of `from` onto `into` (messages, notes, identities,
    /// deals) and removes `from`. Returns how many items moved.
    async fn merge_contacts(&self, into: &ContactId, from: &ContactId) -> Result<usize, StoreError>;
}

/// Export jobs: the request, its progress, its outcome.
#[async_trait]
pub trait ExportStore: Send + Sync {
    /// Stores a new (queued) job with its audit line, in one write.
    async fn create_export(&self, job: &crate::domain::export::ExportJob, audit: &AuditEntry)
        -> Result<(), StoreError>;
    /// One job.
    async fn export(&self, id: &str) -> Result<Option<crate::domain::export::ExportJob>, StoreError>;
    /// Marks a job running; `false` when it is already done or failed (a
    /// redelivered request), so the worker leaves it.
    async fn start_export(&self, id: &str, at: Millis) -> Result<bool, StoreError>;
    /// Marks a job done with its row count, or failed (`rows` is `None`).
    async fn finish_export(&self, id: &str, rows: Option<u64>, at: Millis) -> Result<(), StoreError>;
}

/// The export worker's queue.
#[async_trait]
pub trait ExportQueue: Send + Sync {
    /// Asks the worker to write export `id`.
    async fn enqueue_export(&self, id: &str) -> Result<(), QueueError>;
}

/// A file store failure.
#[derive(Debug, thiserror::Error)]
#[error("file store unavailable: {0}")]
pub struct FileError(pub String);

/// The private bucket exports are written to.
#[async_trait]
pub trait ExportFiles: Send + Sync {
    /// Starts writing a private file; bytes go up in parts as they come.
    async fn create(&self, key: &str, content_type: &str) -> Result<Box<dyn FileUpload>, FileError>;
    /// A link that downloads the file, saved as `file_name`, for `valid_for_seconds`.
    async fn download_link(&self, key: &str, file_name: &str, valid_for_seconds: u64) -> Result<String, FileError>;
}

/// A file being written.
#[async_trait]
pub trait FileUpload: Send {
    /// Appends bytes.
    async fn write(&mut self, bytes: &[u8]) -> Result<(), FileError>;
    /// Completes the file.
    async fn finish(self: Box<Self>) -> Result<(), FileError>;
    /// Throws away what was written.
    async fn abort(self: Box<Self>);
}

/// One dead-letter queue, as administrators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetters {
    /// Which queue (`outbound`, `exports`).
    pub queue: String,
    /// Messages in it, approximately (SQS's own count).
    pub approximate_depth: u64,
    /// The first few, peeked without taking them.
    pub first: Vec<DeadLetter>,
}

/// One message in a dead-letter queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// SQS's id of the message.
    pub message_id: String,
    /// The ids its body names (`contact_id`, `message_id`, `export_id`);
    /// empty when the body is unreadable. Never the body itself.
    pub refers_to: Vec<(String, String)>,
}

/// The dead-letter queues.
#[async_trait]
pub trait DeadLetterQueues: Send + Sync {
    /// Each queue's depth and its first `peek` messages.
    async fn dead_letters(&self, peek: usize) -> Result<Vec<DeadLetters>, QueueError>;
}
