//! The cursor of the live "what changed" feed: what a client has already
//! been shown, so the next answer holds only what is new.
//!
//! Nothing is stamped on the write paths for this (a status webhook stays
//! one UpdateItem on its message). Instead the cursor keeps a short
//! fingerprint of everything it showed in a small window — the open
//! conversation's recent messages, the top of the activity list, the open
//! contact, its notes and the queue counts — and an answer carries only
//! what no longer matches. The message window reaches back to the oldest
//! outbound message still on its way (so a tick on it is seen) or a few
//! minutes before the conversation's latest activity (so a message whose
//! timestamp is a little behind is seen), whichever is older.
//!
//! The cursor is opaque to clients but not secret: it holds no data, only
//! fingerprints and instants, and every read behind it is re-checked
//! against what the viewer may see, so a hand-made cursor can at worst make
//! its own holder see something twice. One that does not parse is refused.

use super::{DeliveryStatus, Direction, Message, Millis};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::fmt::Debug;

/// How far back every poll looks for messages, so one stored with a slightly
/// earlier timestamp than the newest seen (Meta's clock, a retried webhook)
/// still shows.
pub const MESSAGE_MARGIN_MS: i64 = 5 * 60_000;

/// How long an outbound message is watched for ticks; a tick later than
/// that shows when the conversation is opened again.
pub const WATCH_OUTBOUND_MS: i64 = 24 * Millis::HOUR;

/// How often the queue counts are recounted when nothing else changed (they
/// also move with time: a conversation becomes overdue).
pub const COUNTS_EVERY_MS: i64 = 2 * 60_000;

/// The most fingerprints one part of a cursor keeps (bounds its size).
pub const MAX_SEEN: usize = 200;

const VERSION: u8 = 1;

/// What a client has been shown. `Default` is "nothing yet".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveCursor {
    /// Format version.
    v: u8,
    /// The open conversation the message part is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// Start of the message window (message time).
    #[serde(default)]
    pub from: i64,
    /// Fingerprints of the messages shown in that window.
    #[serde(default)]
    pub messages: BTreeSet<String>,
    /// Fingerprint of the open contact as shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Fingerprint of the open contact's notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Fingerprints of the list rows shown (the top of the activity list).
    #[serde(default)]
    pub rows: BTreeSet<String>,
    /// Fingerprint of the queue counts shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts: Option<String>,
    /// When those counts were counted.
    #[serde(default)]
    pub counted_at: i64,
}

/// A cursor that is not one this feed handed out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the cursor is not one this feed handed out; start again without it")]
pub struct BadCursor;

impl LiveCursor {
    /// A cursor with nothing shown yet.
    pub fn start() -> Self {
        LiveCursor { v: VERSION, ..Default::default() }
    }

    /// Parses a cursor from [`LiveCursor::encode`].
    pub fn decode(text: &str) -> Result<Self, BadCursor> {
        if text.len() > 16 * 1024 {
            return Err(BadCursor);
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| BadCursor)?;
        let cursor: LiveCursor = serde_json::from_slice(&bytes).map_err(|_| BadCursor)?;
        let well_formed = cursor.v == VERSION
            && cursor.messages.len() <= MAX_SEEN
            && cursor.rows.len() <= MAX_SEEN
            && cursor.from >= 0
            && cursor.counted_at >= 0
            && cursor.messages.iter().chain(&cursor.rows).all(|f| is_fingerprint(f));
        if well_formed {
            Ok(cursor)
        } else {
            Err(BadCursor)
        }
    }

    /// The opaque text form.
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// The part about `contact` carries over only if it is the same open conversation.
    pub fn same_conversation(&self, contact: Option<&str>) -> bool {
        self.contact.as_deref() == contact
    }

    /// Whether the counts are due a recount at `now`.
    pub fn counts_due(&self, now: Millis) -> bool {
        self.counts.is_none() || now.0 - self.counted_at >= COUNTS_EVERY_MS
    }
}

fn is_fingerprint(text: &str) -> bool {
    text.len() == FINGERPRINT_HEX && text.bytes().all(|b| b.is_ascii_hexdigit())
}

const FINGERPRINT_HEX: usize = 16;

/// A short, stable digest of a value's full state (its `Debug` form: every
/// field, in declaration order), so any change to it changes the digest.
pub fn fingerprint(value: &impl Debug) -> String {
    let digest = Sha256::digest(format!("{value:?}").as_bytes());
    hex::encode(&digest[..FINGERPRINT_HEX / 2])
}

/// Which of `now_shown` (by fingerprint) the client has not seen in `seen`,
/// and the fingerprints to remember next time.
pub fn unseen<T: Debug>(seen: &BTreeSet<String>, now_shown: Vec<T>) -> (Vec<T>, BTreeSet<String>) {
    let mut next = BTreeSet::new();
    let mut fresh = Vec::new();
    for item in now_shown {
        let print = fingerprint(&item);
        if !seen.contains(&print) {
            fresh.push(item);
        }
        if next.len() < MAX_SEEN {
            next.insert(print);
        }
    }
    (fresh, next)
}

/// Where the next message window starts: the oldest outbound message still
/// on its way (sent within [`WATCH_OUTBOUND_MS`]), or the margin before the
/// conversation's latest activity (message times are the sender's clock: a
/// message Meta delivers late is older than `now`, but never older than the
/// latest activity it moves), whichever is older.
pub fn next_window_start(messages: &[Message], now: Millis, last_activity: Option<Millis>) -> Millis {
    let watch_after = now.0 - WATCH_OUTBOUND_MS;
    let floor = last_activity.map_or(now.0, |at| at.0.min(now.0)) - MESSAGE_MARGIN_MS;
    let oldest_underway = messages
        .iter()
        .filter(|m| m.direction == Direction::Out && m.at.0 >= watch_after && !settled(m.status))
        .map(|m| m.at.0)
        .min();
    Millis(oldest_underway.map_or(floor, |at| at.min(floor)).max(0))
}

/// Read and failed are as far as a message goes (a failure after that is
/// kept on the message but rarely matters live).
fn settled(status: Option<DeliveryStatus>) -> bool {
    matches!(status, Some(DeliveryStatus::Read | DeliveryStatus::Failed))
}

/// Where a fresh look at a conversation starts: the watch span back.
pub fn first_window_start(now: Millis) -> Millis {
    Millis((now.0 - WATCH_OUTBOUND_MS).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ContactId;

    fn message(id: &str, direction: Direction, status: Option<DeliveryStatus>, at: i64) -> Message {
        Message {
            id: id.to_owned(),
            contact_id: ContactId::parse("0123456789abcdef01234567").unwrap(),
            direction,
            type_name: "text".to_owned(),
            text: Some("hi".to_owned()),
            status,
            at: Millis(at),
            content: None,
            context: None,
            referral: None,
            errors: None,
            pricing: None,
            attempts: None,
            outcome_unknown: false,
            estimate: None,
            media: None,
            campaign: None,
            origin: None,
            sent_by: None,
        }
    }

    #[test]
    fn a_cursor_survives_its_text_form() {
        let mut cursor = LiveCursor::start();
        cursor.contact = Some("c1".to_owned());
        cursor.from = 42;
        cursor.messages.insert(fingerprint(&"x"));
        cursor.counts = Some(fingerprint(&3));
        assert_eq!(LiveCursor::decode(&cursor.encode()), Ok(cursor));
    }

    #[test]
    fn forged_cursors_are_refused() {
        assert_eq!(LiveCursor::decode("not a cursor"), Err(BadCursor));
        assert_eq!(LiveCursor::decode(&URL_SAFE_NO_PAD.encode(b"{\"v\":9}")), Err(BadCursor));
        let odd = URL_SAFE_NO_PAD.encode(b"{\"v\":1,\"messages\":[\"<script>\"]}");
        assert_eq!(LiveCursor::decode(&odd), Err(BadCursor));
        assert_eq!(LiveCursor::decode(&URL_SAFE_NO_PAD.encode(b"{\"v\":1,\"from\":-5}")), Err(BadCursor));
    }

    #[test]
    fn only_what_changed_is_unseen() {
        let before =
            vec![message("a", Direction::In, None, 1), message("b", Direction::Out, Some(DeliveryStatus::Sent), 2)];
        let (fresh, seen) = unseen(&BTreeSet::new(), before);
        assert_eq!(fresh.len(), 2);
        let after = vec![
            message("a", Direction::In, None, 1),
            message("b", Direction::Out, Some(DeliveryStatus::Delivered), 2),
            message("c", Direction::In, None, 3),
        ];
        let (fresh, seen) = unseen(&seen, after.clone());
        assert_eq!(fresh.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["b", "c"]);
        let (fresh, _) = unseen(&seen, after);
        assert!(fresh.is_empty());
    }

    #[test]
    fn the_window_reaches_back_to_a_send_still_underway() {
        let now = Millis(10 * Millis::HOUR);
        let sent_an_hour_ago = now.0 - Millis::HOUR;
        let messages = [
            message("a", Direction::Out, Some(DeliveryStatus::Delivered), sent_an_hour_ago),
            message("b", Direction::Out, Some(DeliveryStatus::Read), now.0 - 2 * Millis::HOUR),
            message("c", Direction::In, None, now.0 - 3 * Millis::HOUR),
        ];
        assert_eq!(next_window_start(&messages, now, Some(now)), Millis(sent_an_hour_ago));
        let all_settled = &messages[1..];
        assert_eq!(next_window_start(all_settled, now, Some(now)), Millis(now.0 - MESSAGE_MARGIN_MS));
        let long_ago = [message("d", Direction::Out, Some(DeliveryStatus::Sent), now.0 - 25 * Millis::HOUR)];
        assert_eq!(next_window_start(&long_ago, now, None), Millis(now.0 - MESSAGE_MARGIN_MS));
    }

    #[test]
    fn the_window_reaches_back_before_the_latest_activity() {
        let now = Millis(10 * Millis::HOUR);
        let customer_wrote = Millis(now.0 - Millis::HOUR);
        let settled = [message("a", Direction::In, None, customer_wrote.0)];
        assert_eq!(
            next_window_start(&settled, now, Some(customer_wrote)),
            Millis(customer_wrote.0 - MESSAGE_MARGIN_MS)
        );
    }

    #[test]
    fn counts_are_recounted_when_due() {
        let mut cursor = LiveCursor::start();
        assert!(cursor.counts_due(Millis(0)));
        cursor.counts = Some(fingerprint(&1));
        cursor.counted_at = 1_000;
        assert!(!cursor.counts_due(Millis(1_000 + COUNTS_EVERY_MS - 1)));
        assert!(cursor.counts_due(Millis(1_000 + COUNTS_EVERY_MS)));
    }
}
