//! What an administrator checks when something seems wrong: whether
//! customers' messages still arrive, whether work is piling up or dying in
//! the queues, whether Meta still takes the token, and whether the table is
//! in the shape this version reads. Each part is read on its own, so one
//! that cannot be read says so and the others still show.

use super::migrations::pending_steps;
use crate::domain::number_standing::NumberStanding;
use crate::domain::volume_tier::VolumeTierReached;
use crate::domain::{AuditEntry, Millis, Session};
use crate::ports::NumberStandings;
use crate::ports::{
    AccessTokenCheck, AuditLog, BackfillStep, ConversationStore, DeadLetterQueues, DeadLetters, IndexBackfillStore,
    ListFilter, PageRequest, QueueError, StoreError, TokenState,
};
use std::sync::Arc;

/// Conversations looked at for the newest customer message: the most
/// recently active ones, so one page of the activity index.
const RECENT_CONVERSATIONS: u32 = 20;

/// Dead messages moved back per redrive: a bounded request, repeated by the
/// admin when more wait.
pub const REDRIVE_LIMIT: usize = 100;

/// The dead-letter queues' first messages shown per queue.
const PEEK: usize = 5;

/// Where the deployment stands.
#[derive(Debug)]
pub struct HealthReport {
    /// When the newest customer message among the most active conversations
    /// arrived (`None`: none yet); unreadable is an error.
    pub last_customer_message_at: Result<Option<Millis>, StoreError>,
    /// Each work queue beside its dead-letter queue.
    pub queues: Result<Vec<DeadLetters>, QueueError>,
    /// What Meta said of the access token just now.
    pub access_token: TokenState,
    /// The data migrations not done yet, oldest first (empty: the table is
    /// in the shape of [`BackfillStep::newest_version`]).
    pub migrations_pending: Result<Vec<BackfillStep>, StoreError>,
    /// The code's version (the package's, as built).
    pub code_version: &'static str,
    /// What Meta last said of each business number's quality, messaging
    /// limit and account.
    pub numbers: Result<Vec<NumberStanding>, StoreError>,
    /// The volume tier Meta last put each account in, per category and
    /// region.
    pub volume_tiers: Result<Vec<VolumeTierReached>, StoreError>,
}

/// Why a redrive did not happen.
#[derive(Debug, thiserror::Error)]
pub enum RedriveError {
    /// No watched queue has the name.
    #[error("no dead-letter queue is called {0}")]
    UnknownQueue(String),
    /// SQS failed part-way; what moved stays moved.
    #[error(transparent)]
    Queue(#[from] QueueError),
    /// The audit line could not be written after the move.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The health page's use case.
pub struct Health {
    conversations: Arc<dyn ConversationStore>,
    queues: Arc<dyn DeadLetterQueues>,
    token: Arc<dyn AccessTokenCheck>,
    backfill: Arc<dyn IndexBackfillStore>,
    audit: Arc<dyn AuditLog>,
    standings: Arc<dyn NumberStandings>,
}

impl Health {
    /// Wires the use case.
    pub fn new(
        conversations: Arc<dyn ConversationStore>,
        queues: Arc<dyn DeadLetterQueues>,
        token: Arc<dyn AccessTokenCheck>,
        backfill: Arc<dyn IndexBackfillStore>,
        audit: Arc<dyn AuditLog>,
        standings: Arc<dyn NumberStandings>,
    ) -> Self {
        Health { conversations, queues, token, backfill, audit, standings }
    }

    /// Reads every part at once: one page of the activity index, two SQS
    /// calls per queue, one Graph API call, one read per data step, and one
    /// query each for the numbers' standings and the volume tiers.
    pub async fn report(&self) -> HealthReport {
        let (last_customer_message_at, queues, access_token, migrations_pending, numbers, volume_tiers) = tokio::join!(
            self.last_customer_message(),
            self.queues(),
            self.token.check_access_token(),
            pending_steps(self.backfill.as_ref()),
            self.standings.standings(),
            self.standings.volume_tiers(),
        );
        if let Err(e) = &numbers {
            tracing::error!(error = %e, "health: number standings unreadable");
        }
        if let Err(e) = &volume_tiers {
            tracing::error!(error = %e, "health: volume tiers unreadable");
        }
        if let Err(e) = &last_customer_message_at {
            tracing::error!(error = %e, "health: conversations unreadable");
        }
        if let Err(e) = &queues {
            tracing::error!(error = %e, "health: queues unreadable");
        }
        if let Err(e) = &migrations_pending {
            tracing::error!(error = %e, "health: migration markers unreadable");
        }
        HealthReport {
            last_customer_message_at,
            queues,
            access_token,
            migrations_pending,
            code_version: env!("CARGO_PKG_VERSION"),
            numbers,
            volume_tiers,
        }
    }

    /// The volume tier Meta last put each account in (the rate-card
    /// editor offers a line for each).
    pub async fn volume_tiers(&self) -> Result<Vec<VolumeTierReached>, StoreError> {
        self.standings.volume_tiers().await
    }

    /// Each dead-letter queue's depth and first messages beside its work
    /// queue (the top bar's count reads only this).
    pub async fn queues(&self) -> Result<Vec<DeadLetters>, QueueError> {
        self.queues.dead_letters(PEEK).await
    }

    async fn last_customer_message(&self) -> Result<Option<Millis>, StoreError> {
        let page = PageRequest { cursor: None, limit: Some(RECENT_CONVERSATIONS) };
        let contacts = self.conversations.list_contacts(&page, None, &ListFilter::default()).await?;
        Ok(contacts.items.iter().filter_map(|c| c.last_inbound_at).max())
    }

    /// Moves up to [`REDRIVE_LIMIT`] messages of the dead-letter queue
    /// `queue` back to their work queue, and audits how many moved. The
    /// work they carry is idempotent, so a message moved twice (a crash
    /// between SQS's send and delete) is done once.
    pub async fn redrive(&self, by: &Session, at: Millis, queue: &str) -> Result<usize, RedriveError> {
        let moved = self
            .queues
            .redrive(queue, REDRIVE_LIMIT)
            .await?
            .ok_or_else(|| RedriveError::UnknownQueue(queue.to_owned()))?;
        tracing::info!(queue, moved, "dead letters redriven");
        let detail = serde_json::json!({"queue": queue, "moved": moved});
        self.audit.audit(&AuditEntry::by(by, at, "dead_letters_redriven", None, detail)).await?;
        Ok(moved)
    }
}
