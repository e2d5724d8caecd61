//! The live feed: what changed for one viewer since their cursor — the open
//! conversation's new messages and ticks, the list rows whose activity
//! moved, and the queue counts when they changed.
//!
//! A poll when nothing changed costs one step of reads made at once: one
//! Query of the open contact's partition (its profile, notes and the message
//! window, see [`crate::domain::live_cursor`]) and the first rows of the
//! activity list (one Query per index shard). The queue counts (one Query per queue) are recounted only when
//! something changed or every
//! [`crate::domain::live_cursor::COUNTS_EVERY_MS`].

use super::inbox::{Inbox, InboxError};
use crate::domain::live_cursor::{fingerprint, first_window_start, next_window_start, unseen, BadCursor, LiveCursor};
use crate::domain::{Contact, ContactId, Message, Millis, Session};
use crate::ports::{Clock, ConversationStore, ConversationWatch, ListFilter, PageRequest, StoreError};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The queues whose counts the inbox shows, in its order.
pub const QUEUES: [&str; 7] =
    ["mine", "unassigned", "waiting_on_us", "waiting_on_customer", "overdue", "closed", "all"];

/// How many rows of the activity list a poll compares.
const WATCHED_ROWS: u32 = 10;

/// The most messages one answer carries.
const MESSAGE_LIMIT: u32 = 100;

/// A queue count: the first page's size, the way the inbox counts.
const COUNT_PAGE: u32 = 50;

/// One queue's count as the tabs show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueCount {
    /// The queue.
    pub queue: &'static str,
    /// Conversations on its first page.
    pub shown: usize,
    /// There are more than that.
    pub more: bool,
}

/// What changed since a cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct Changes {
    /// Pass back next time.
    pub cursor: String,
    /// The open contact, when it changed (owner, status, window, name…).
    pub contact: Option<Contact>,
    /// New or changed messages of the open conversation, oldest first.
    pub messages: Vec<Message>,
    /// Someone added a note to the open conversation.
    pub notes_changed: bool,
    /// Rows at the top of the activity list that are new or changed.
    pub rows: Vec<Contact>,
    /// Every queue's count, when any of them changed.
    pub counts: Option<Vec<QueueCount>>,
}

/// Why the feed could not answer.
#[derive(Debug, thiserror::Error)]
pub enum LiveFeedError {
    /// The cursor is not one the feed handed out.
    #[error(transparent)]
    BadCursor(#[from] BadCursor),
    /// The open conversation is gone or not visible to the viewer, or storage failed.
    #[error(transparent)]
    Inbox(#[from] InboxError),
}

impl From<StoreError> for LiveFeedError {
    fn from(e: StoreError) -> Self {
        LiveFeedError::Inbox(InboxError::Store(e))
    }
}

/// The live feed use case.
pub struct LiveFeed {
    inbox: Arc<Inbox>,
    contacts: Arc<dyn ConversationStore>,
    watch: Arc<dyn ConversationWatch>,
    clock: Arc<dyn Clock>,
}

impl LiveFeed {
    /// Wires the use case.
    pub fn new(
        inbox: Arc<Inbox>,
        contacts: Arc<dyn ConversationStore>,
        watch: Arc<dyn ConversationWatch>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        LiveFeed { inbox, contacts, watch, clock }
    }

    /// What changed for `session` since `cursor` (everything, without one),
    /// with `open` the conversation on screen.
    pub async fn since(
        &self,
        session: &Session,
        cursor: Option<&str>,
        open: Option<&ContactId>,
    ) -> Result<Changes, LiveFeedError> {
        let before = cursor.map(LiveCursor::decode).transpose()?.unwrap_or_else(LiveCursor::start);
        let now = self.clock.now();
        let visible_to = self.inbox.visibility_filter(session);
        let open_key = open.map(ContactId::to_string);
        let same = before.same_conversation(open_key.as_deref());
        let from = if same { Millis(before.from) } else { first_window_start(now) };
        let rows_page = PageRequest { cursor: None, limit: Some(WATCHED_ROWS) };
        let unfiltered = ListFilter::default();
        let (watched, rows) = tokio::try_join!(
            async {
                match open {
                    Some(id) => self.watch.watch(id, from, MESSAGE_LIMIT).await.map(Some),
                    None => Ok(None),
                }
            },
            self.contacts.list_contacts(&rows_page, visible_to.as_deref(), &unfiltered),
        )?;

        let mut next = LiveCursor::start();
        let mut changes = Changes {
            cursor: String::new(),
            contact: None,
            messages: Vec::new(),
            notes_changed: false,
            rows: Vec::new(),
            counts: None,
        };
        if let Some(watched) = watched {
            let watched = watched.ok_or(InboxError::NotFound)?;
            if !self.inbox.viewer(session).can_see(&watched.contact.conversation) {
                return Err(InboxError::NotFound.into());
            }
            let seen = if same { before.messages.clone() } else { BTreeSet::new() };
            next.from = next_window_start(&watched.messages, now, watched.contact.last_activity_at).0;
            let (mut fresh, prints) = unseen(&seen, watched.messages);
            fresh.reverse();
            changes.messages = fresh;
            next.messages = prints;
            let profile = fingerprint(&watched.contact);
            if !same || before.profile.as_deref() != Some(profile.as_str()) {
                changes.contact = Some(watched.contact);
            }
            changes.notes_changed = same && before.notes.as_deref().is_some_and(|n| n != watched.notes_digest.as_str());
            next.contact = open_key;
            next.profile = Some(profile);
            next.notes = Some(watched.notes_digest);
        }
        let (fresh_rows, row_prints) = unseen(&before.rows, rows.items);
        changes.rows = fresh_rows;
        next.rows = row_prints;

        let something_moved = !changes.rows.is_empty() || changes.contact.is_some() || !changes.messages.is_empty();
        next.counts = before.counts.clone();
        next.counted_at = before.counted_at;
        if something_moved || before.counts_due(now) {
            let counts = self.counts(session, visible_to.as_deref()).await?;
            let print = fingerprint(&counts);
            if before.counts.as_deref() != Some(print.as_str()) {
                changes.counts = Some(counts);
            }
            next.counts = Some(print);
            next.counted_at = now.0;
        }
        changes.cursor = next.encode();
        Ok(changes)
    }

    /// Every queue's first page, counted, at once.
    async fn counts(&self, session: &Session, visible_to: Option<&str>) -> Result<Vec<QueueCount>, LiveFeedError> {
        let page = PageRequest { cursor: None, limit: Some(COUNT_PAGE) };
        let count = |queue: &'static str| {
            let page = page.clone();
            async move {
                let listed = if queue == "all" {
                    self.contacts.list_contacts(&page, visible_to, &ListFilter::default()).await?
                } else {
                    self.inbox.queue(session, queue, &ListFilter::default(), &page).await?
                };
                Ok::<_, LiveFeedError>(QueueCount {
                    queue,
                    shown: listed.items.len(),
                    more: listed.next_cursor.is_some(),
                })
            }
        };
        let [a, b, c, d, e, f, g] = QUEUES;
        let counted = tokio::try_join!(count(a), count(b), count(c), count(d), count(e), count(f), count(g))?;
        Ok(vec![counted.0, counted.1, counted.2, counted.3, counted.4, counted.5, counted.6])
    }
}
