//! The I/O the use cases need, as small capability traits (one area a file),
//! so that each use case asks only for what it uses. Adapters implement them
//! at the edge; use cases and handlers only ever see these.

mod audit;
mod clock;
mod consent;
mod contact_record;
mod conversations;
mod counters;
mod dead_letters;
mod deals;
mod error;
mod exports;
mod inbound;
mod inbox;
mod invites;
mod lifecycle;
mod login_throttle;
#[cfg(any(test, feature = "memory"))]
pub mod memory;
mod outbox;
mod page;
mod queue;
mod reports;
mod sessions;
mod spend;
mod statuses;
mod task_ledger;
mod tasks;
mod templates;
mod users;
mod whatsapp;

pub use audit::AuditLog;
pub use clock::{Clock, SystemClock};
pub use consent::ConsentStore;
pub use contact_record::ContactRecordStore;
pub use conversations::ConversationStore;
pub use counters::CounterStore;
pub use dead_letters::{DeadLetter, DeadLetterQueues, DeadLetters};
pub use deals::DealStore;
pub use error::StoreError;
pub use exports::{ExportFiles, ExportQueue, ExportStore, FileError, FileUpload};
pub use inbound::{InboundStore, Recorded};
pub use inbox::{InboxStore, QueueQuery};
pub use invites::InviteStore;
pub use lifecycle::ContactLifecycleStore;
pub use login_throttle::LoginThrottle;
pub use outbox::{Created, FirstResponse, IdempotencyKey, OutboundStanding, OutboxStore, StuckState};
pub use page::{Page, PageRequest};
pub use queue::{OutboundQueue, QueueError};
pub use reports::ReportStore;
pub use sessions::SessionStore;
pub use spend::SpendStore;
pub use statuses::{StatusOutcome, StatusStore};
pub use task_ledger::TaskLedger;
pub use tasks::TaskStore;
pub use templates::TemplateCatalog;
pub use users::UserStore;
pub use whatsapp::{CatalogError, WhatsAppClient};
