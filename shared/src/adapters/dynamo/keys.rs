//! Key shapes and index names: the contract between the code and the table
//! that template.yaml declares (a test fails if they drift apart).

use crate::domain::{ContactId, MessageRef, Millis};
use sha2::{Digest, Sha256};

/// Partition key attribute.
pub const PK: &str = "pk";
/// Sort key attribute.
pub const SK: &str = "sk";
/// The TTL attribute (garbage only: sessions, spent dedup records, domain
/// events automation has had time to read).
pub const TTL: &str = "expires_at";
/// The activity index: contacts newest activity first.
pub const GSI1: &str = "gsi1";
/// The activity index's partition key attribute.
pub const GSI1_PK: &str = "gsi1pk";
/// The activity index's sort key attribute.
pub const GSI1_SK: &str = "gsi1sk";
/// The outbox index: messages still `queued` or `sending`, oldest first.
pub const GSI2: &str = "gsi2";
/// The outbox index's partition key attribute.
pub const GSI2_PK: &str = "gsi2pk";
/// The outbox index's sort key attribute.
pub const GSI2_SK: &str = "gsi2sk";
/// The status index: conversations by status, newest activity first.
pub const GSI3: &str = "gsi3";
/// The owner index: open conversations by owner (or unassigned).
pub const GSI4: &str = "gsi4";
/// The waiting index: conversations waiting on us, by how long.
pub const GSI5: &str = "gsi5";
/// Every GSI the code queries, with its key attributes, for the drift test.
pub const INDEXES: &[(&str, &str, &str)] = &[
    (GSI1, GSI1_PK, GSI1_SK),
    (GSI2, GSI2_PK, GSI2_SK),
    (GSI3, "gsi3pk", "gsi3sk"),
    (GSI4, "gsi4pk", "gsi4sk"),
    (GSI5, "gsi5pk", "gsi5sk"),
    (GSI6, "gsi6pk", "gsi6sk"),
    (GSI7, "gsi7pk", "gsi7sk"),
];

/// The name-search index.
pub const GSI6: &str = "gsi6";
/// The phone-search index.
pub const GSI7: &str = "gsi7";
/// How many partition key values each list index spreads its items over.
/// One key value is one partition (about 1,000 writes and 3,000 reads a
/// second): eight lift that ceiling eightfold for a bursty shop while a page
/// still costs one step of eight parallel Queries. Changing it re-homes
/// every item: it needs a backfill like the one in `shard_backfill.rs`.
pub const INDEX_SHARDS: u8 = 8;

/// Which of the [`INDEX_SHARDS`] an item of a contact lives in: fixed by
/// the contact id, so that all of a contact's rows share one shard and no
/// update ever moves an item across shards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Shard(u8);

impl Shard {
    /// The shard of `contact`'s items (a byte of a digest of the id, so
    /// that even sequential ids spread evenly).
    pub fn of(contact: &ContactId) -> Self {
        Shard(Sha256::digest(contact.as_str().as_bytes())[0] % INDEX_SHARDS)
    }

    /// Every shard, in order: what a read fans out over.
    pub fn all() -> impl Iterator<Item = Shard> {
        (0..INDEX_SHARDS).map(Shard)
    }

    /// Its position in [`Shard::all`].
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// Its number as key text.
    pub fn as_str(self) -> &'static str {
        const NAMES: [&str; INDEX_SHARDS as usize] = ["0", "1", "2", "3", "4", "5", "6", "7"];
        NAMES[self.index()]
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

// Keys are concatenated slices, one allocation of the right size each:
// `format!` grew each through the formatting machinery, about 640
// instructions a key, and an inbound message's transaction builds dozens.

/// `gsi6pk` of the named contacts in `shard`.
pub fn by_name(shard: Shard) -> String {
    ["NAME#", shard.as_str()].concat()
}

/// `gsi7pk` of the contacts with a phone in `shard`.
pub fn by_phone(shard: Shard) -> String {
    ["PHONE#", shard.as_str()].concat()
}

/// `gsi6sk`: the name folded for prefix search, then the id.
pub fn name_sk(name: &str, id: &ContactId) -> String {
    [&fold_name(name), "#", id.as_str()].concat()
}

/// Lower-cased, whitespace collapsed: what name search compares.
pub fn fold_name(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// A contact note's sort key.
pub fn note_sk(at: Millis, id: &str) -> String {
    ["N#", &at.sortable(), "#", id].concat()
}

/// `gsi3pk` of the conversations in `status` in `shard`.
pub fn status_queue(status: &str, shard: Shard) -> String {
    ["Q#", status, "#", shard.as_str()].concat()
}

/// `gsi4pk` (and `owner_key`) of the conversations in `shard` owned by
/// `owner`, or unassigned. The shard comes last, so an e-mail holding `#`
/// cannot make two queues' keys collide.
pub fn owner_queue(owner: Option<&str>, shard: Shard) -> String {
    ["OWNER#", owner.unwrap_or("-"), "#", shard.as_str()].concat()
}

/// `gsi5pk` of the conversations in `shard` waiting on us.
pub fn awaiting(shard: Shard) -> String {
    ["AWAIT#", shard.as_str()].concat()
}

/// `gsi1pk` of every user (the team list).
pub const USERS: &str = "USERS";

/// An audit day's partition.
pub fn audit_pk(day: &str) -> String {
    ["A#", day].concat()
}

/// `gsi1pk` of a contact's audit trail.
pub fn contact_audit(contact: &ContactId) -> String {
    ["AC#", contact.as_str()].concat()
}

/// An invitation's partition (by token hash).
pub fn invite_pk(token_hash: &str) -> String {
    ["INV#", token_hash].concat()
}

/// An invitation's sort key.
pub const INVITE: &str = "INV";

/// The partition of a login counter for one e-mail from one source (a
/// source never holds `#`, so the key is unambiguous).
pub fn login_email_from_source_pk(source: &str, email: &str) -> String {
    ["LT#se#", source, "#", email].concat()
}

/// The partition of a login counter for one source, any e-mail.
pub fn login_source_pk(source: &str) -> String {
    ["LT#s#", source].concat()
}

/// The partition of a login counter for one e-mail, any source.
pub fn login_email_pk(email: &str) -> String {
    ["LT#e#", email].concat()
}

/// A login counter's sort key: its window.
pub fn login_window_sk(window_start: Millis) -> String {
    ["W#", &window_start.sortable()].concat()
}

/// The round-robin turn counter.
pub const ROUTING: &str = "ROUTING";

/// `gsi2pk` of the unfinished outbound messages in `shard`.
pub fn outbox(shard: Shard) -> String {
    ["OUTBOX#", shard.as_str()].concat()
}

/// `gsi2sk` of an unfinished outbound message: state, then age.
pub fn outbox_sk(state: &str, at: Millis, id: &str) -> String {
    [state, "#", &at.sortable(), "#", id].concat()
}

/// An Idempotency-Key's partition (by its scoped digest).
pub fn idempotency_pk(key: &str) -> String {
    ["K#", key].concat()
}

/// The template catalog's partition.
pub const TEMPLATES: &str = "TEMPLATES";

/// A template's sort key: its account's id last, for any account but the
/// deployment's own (whose keys are as they were before there were others).
pub fn template_sk(name: &str, language: &str, waba_id: Option<&str>) -> String {
    match waba_id {
        None => [name, "#", language].concat(),
        Some(waba) => [name, "#", language, "#", waba].concat(),
    }
}

/// A month's spend counters' partition (sort key: the category).
pub fn spend_pk(month: &str) -> String {
    ["SPEND#", month].concat()
}

/// `gsi1pk` of the contacts in `shard` (by activity).
pub fn contacts_by_activity(shard: Shard) -> String {
    ["CONTACTS#", shard.as_str()].concat()
}

/// The index key values written before the lists were sharded: only the
/// backfill that moves items off them reads these.
pub mod unsharded {
    /// `gsi1pk` of every contact.
    pub const CONTACTS: &str = "CONTACTS";
    /// `gsi2pk` of every unfinished outbound message.
    pub const OUTBOX: &str = "OUTBOX";
    /// `gsi5pk` of every conversation waiting on us.
    pub const AWAITING: &str = "AWAIT";
    /// `gsi6pk` of every named contact.
    pub const BY_NAME: &str = "NAME";
    /// `gsi7pk` of every contact with a phone.
    pub const BY_PHONE: &str = "PHONE";
    /// The unassigned queue (`gsi4pk`).
    pub const UNASSIGNED: &str = "OWNER#-";

    /// `gsi3pk` of every conversation in `status`.
    pub fn status_queue(status: &str) -> String {
        ["Q#", status].concat()
    }
}

/// The backfill's progress item (pk and sk).
pub const SHARD_BACKFILL: &str = "MIGRATION#INDEX_SHARDS";

/// `pk` = `sk` of the tag index backfill's progress item.
pub const TAG_BACKFILL: &str = "MIGRATION#TAG_INDEX";

/// A contact's partition (profile and timeline).
pub fn contact_pk(id: &ContactId) -> String {
    ["C#", id.as_str()].concat()
}

/// The contact profile's sort key.
pub const PROFILE: &str = "PROFILE";

/// A message's sort key: time first so the timeline is one ordered Query.
pub fn message_sk(at: Millis, id: &str) -> String {
    ["M#", &at.sortable(), "#", id].concat()
}

/// The message id at the end of a message sort key.
pub fn message_id_of_sk(sk: &str) -> &str {
    sk.rsplit('#').next().unwrap_or_default()
}

/// Prefix of every message sort key.
pub const MESSAGE_PREFIX: &str = "M#";

/// `gsi1sk` of a contact: activity time, then id to break ties.
pub fn activity_sk(at: Millis, id: &ContactId) -> String {
    [&at.sortable(), "#", id.as_str()].concat()
}

/// The identity pointer's partition.
pub fn identity_pk(phone_number_id: &str, identity_key: &str) -> String {
    ["I#", phone_number_id, "#", identity_key].concat()
}

/// The identity pointer's sort key.
pub const IDENTITY: &str = "I";

/// `gsi1pk` of a contact's identity pointers (every number it ever had,
/// and those of contacts merged into it), so erasure finds them all.
pub fn contact_identities(contact: &ContactId) -> String {
    ["CI#", contact.as_str()].concat()
}

/// The partition of the record that a message was erased: keyed by a keyed
/// pseudonym of its wamid, since Meta's wamids embed the sender's number.
pub fn erased_message_pk(wamid_pseudonym: &str) -> String {
    ["X#", wamid_pseudonym].concat()
}

/// The erased-message record's sort key.
pub const ERASED: &str = "X";

/// A day's webhook items that no retry can store (by the item's own day).
pub fn unprocessable_pk(day: &str) -> String {
    ["BAD#", day].concat()
}

/// An unprocessable item's sort key (by a digest of its wamid): one per
/// item, however often it comes.
pub fn unprocessable_sk(kind: &str, wamid_digest: &str) -> String {
    [kind, "#", wamid_digest].concat()
}

/// The wamid pointer's partition, shared with the pending statuses.
pub fn wamid_pk(wamid: &str) -> String {
    ["W#", wamid].concat()
}

/// The wamid pointer's sort key.
pub const WAMID: &str = "W";

/// A status waiting for its message.
pub fn pending_status_sk(rank: u8, at: Millis) -> String {
    format!("PS#{rank:03}#{}", at.sortable())
}

/// Prefix of pending status sort keys.
pub const PENDING_STATUS_PREFIX: &str = "PS#";

/// A user's partition.
pub fn user_pk(email: &str) -> String {
    ["U#", email].concat()
}

/// A user's sort key.
pub const USER: &str = "USER";

/// A session's partition.
pub fn session_pk(token_hash: &str) -> String {
    ["S#", token_hash].concat()
}

/// A session's sort key.
pub const SESSION: &str = "SESSION";

/// A live-push connection's partition.
pub fn live_connection_pk(id: &str) -> String {
    ["L#", id].concat()
}

/// A live-push connection's sort key.
pub const LIVE_CONNECTION: &str = "L";

/// `gsi4pk` of one staff member's live connections (the owner index).
pub fn live_connections_of(email: &str) -> String {
    ["LU#", email].concat()
}

/// `gsi3pk` of the live connections of everyone with a role: three small
/// partitions, each read once per pushed event and written once per socket.
pub fn live_connections_with_role(role: crate::domain::Role) -> String {
    ["LR#", role.as_str()].concat()
}

/// The sort key of a referenced message: the locator is what follows the
/// prefix (see [`MessageRef::new`], which matches [`message_sk`]).
pub fn referenced_sk(message: &MessageRef) -> String {
    [MESSAGE_PREFIX, message.locator()].concat()
}

/// The reference of the message at `(contact, sk)`, as the ports pass it.
pub fn message_ref(contact: &ContactId, sk: &str) -> MessageRef {
    MessageRef::from_locator(contact.clone(), sk.strip_prefix(MESSAGE_PREFIX).unwrap_or(sk))
}

/// The pipelines' partition.
pub const PIPELINES: &str = "PIPELINES";

/// A deal's partition.
pub fn deal_pk(id: &str) -> String {
    ["D#", id].concat()
}

/// `gsi3pk` of deals in a pipeline stage (the board's columns).
pub fn stage_board(pipeline: &str, stage: &str) -> String {
    ["P#", pipeline, "#", stage].concat()
}

/// `gsi1pk` of a contact's deals.
pub fn contact_deals(contact: &ContactId) -> String {
    ["CD#", contact.as_str()].concat()
}

/// The product catalog's partition.
pub const PRODUCTS: &str = "PRODUCTS";

/// The numbering counters' partition (one item per series and year).
pub const SERIES: &str = "SERIES";

/// A quote's partition.
pub fn quote_pk(id: &str) -> String {
    ["Q#", id].concat()
}

/// `gsi1pk` of a contact's quotes.
pub fn contact_quotes(contact: &ContactId) -> String {
    ["CQ#", contact.as_str()].concat()
}

/// `gsi3pk` of a deal's quotes.
pub fn deal_quotes(deal: &str) -> String {
    ["DQ#", deal].concat()
}

/// How many partitions each day's domain events spread over. A campaign's
/// status storm writes thousands of events a minute: one key value per day
/// would be a single hot partition (about 1,000 writes a second), so each
/// event goes to the shard its id picks. Reading a window back costs one
/// Query per (day, shard).
pub const EVENT_SHARDS: u8 = 8;

/// The shard of the event `id` (fixed by the id, so a retried write lands
/// on the same key and stays one item).
pub fn event_shard(id: &str) -> u8 {
    Sha256::digest(id.as_bytes())[0] % EVENT_SHARDS
}

/// What every outbox item's partition key starts with (what the stream's
/// filter lets through to the events function).
pub const EVENTS_PREFIX: &str = "E#";

/// Where a contact's `contact.created` event is kept: a key of the
/// contact's own (not a day's, and with no expiry), so that the message that
/// creates the contact inserts it and every later message finds it there,
/// in the same transaction and with no read (a stream INSERT is what gets
/// published; a later message's no-op update is none).
pub fn contact_created_pk(contact: &ContactId) -> String {
    [EVENTS_PREFIX, "C#", contact.as_str()].concat()
}

/// The sort key of a contact's `contact.created` item.
pub const CONTACT_CREATED: &str = "CREATED";

/// One shard of a day's domain events (the transactional outbox, read by
/// the stream and by automation's dry runs).
pub fn events_pk(day: &str, shard: u8) -> String {
    [EVENTS_PREFIX, day, "#", itoa::Buffer::new().format(shard)].concat()
}

/// A task's partition.
pub fn task_pk(id: &str) -> String {
    ["T#", id].concat()
}

/// `gsi3pk` of one person's open tasks.
pub fn owner_tasks(owner: &str) -> String {
    ["TASKS#", owner].concat()
}

/// `gsi1pk` of the tasks about a contact.
pub fn contact_tasks(contact: &ContactId) -> String {
    ["CT#", contact.as_str()].concat()
}

/// `gsi3pk` of one person's done tasks (sorted by when they were done).
pub fn owner_done_tasks(owner: &str) -> String {
    ["DONE#", owner].concat()
}

/// `gsi5pk` of the team's tasks done on one UTC day: a partition a day, so
/// completions spread over time instead of piling onto one key.
pub fn team_done_tasks(day: &str) -> String {
    ["DONE#", day].concat()
}

/// `gsi4pk` of the team's open tasks.
pub const TEAM_TASKS: &str = "TASKS";

/// The daily message counters' partition (sort key: the day).
pub const MESSAGE_STATS: &str = "STATS#MSG";

/// How many partitions the pending counter entries are spread over.
pub const TALLY_SHARDS: u64 = 4;

/// A shard of the counter entries not yet folded into their counters.
pub fn tally_pk(shard: u64) -> String {
    ["TALLY#", itoa::Buffer::new().format(shard)].concat()
}

/// The item whose `version` every fold of counter entries bumps (pk and sk).
pub const TALLY_VERSION: &str = "TALLY#VERSION";

/// The marker of an event already counted once (by the event's digest).
pub fn tallied_pk(digest: &str) -> String {
    ["TALLIED#", digest].concat()
}

/// The sort key of a [`tallied_pk`] marker.
pub const TALLIED: &str = "TALLIED";

/// An export job's partition.
pub fn export_pk(id: &str) -> String {
    ["X#", id].concat()
}

/// An export job's sort key.
pub const EXPORT: &str = "EXPORT";

/// A month's first-response aggregates (`YYYY-MM`): one item per day and
/// agent, so a report reads one partition per month of its range.
pub fn first_response_pk(month: &str) -> String {
    ["FR#", month].concat()
}

/// A first-response aggregate's sort key: the day, then the agent.
pub fn first_response_sk(day: &str, agent: &str) -> String {
    [day, "#", agent].concat()
}

/// The partition of Meta's word on the business numbers: one small item
/// per number (a deployment has a handful).
pub const NUMBER_STANDINGS: &str = "NUMBER_STANDINGS";

/// The partition of the volume tiers Meta put each account in: one small
/// item per account, category and region.
pub const VOLUME_TIERS: &str = "VOLUME_TIERS";

/// The business profile's partition (and sort key): one small item.
pub const BUSINESS_PROFILE: &str = "BUSINESS";

/// The AI assist settings' partition (and sort key): one small item.
pub const AI_SETTINGS: &str = "AI_SETTINGS";

/// The partition of the numbers admins set up: one small item per number.
pub const NUMBER_PROFILES: &str = "NUMBER_PROFILES";

/// The business's own prices' partition (and sort key): one small item.
pub const RATE_OVERRIDES: &str = "RATE_OVERRIDES";

/// The sort key of one person's read marker, under the contact's partition
/// (so erasure, which empties the partition, takes it too).
pub fn read_marker_sk(user: &str) -> String {
    [READ_MARKER_PREFIX, user].concat()
}

/// Prefix of every read marker's sort key.
pub const READ_MARKER_PREFIX: &str = "READ#";

/// `gsi1pk` of the contacts in `shard` carrying `tag` (a normalized tag;
/// the shard comes last so a tag holding `#` cannot collide with another).
pub fn tagged(tag: &str, shard: Shard) -> String {
    ["TAG#", tag, "#", shard.as_str()].concat()
}

/// The sort key of a contact's membership item for `tag`, under the
/// contact's partition (so erasure, which empties it, takes it too).
pub fn tag_sk(tag: &str) -> String {
    [TAG_PREFIX, tag].concat()
}

/// Prefix of every tag membership sort key.
pub const TAG_PREFIX: &str = "TAG#";

/// The partition of every webhook subscription (a handful, read whole).
pub const WEBHOOKS: &str = "WEBHOOKS";

/// A webhook subscription's sort key.
pub fn webhook_sk(id: &str) -> String {
    ["WH#", id].concat()
}

/// The partition of one subscription's delivery log (sort key: the
/// delivery id, which starts with the event's time).
pub fn webhook_deliveries_pk(subscription_id: &str) -> String {
    ["WD#", subscription_id].concat()
}

/// The partition of every automation rule: rules are a few tens that staff
/// write by hand, so one partition is listed in one Query and never hot.
pub const RULES: &str = "RULES";

/// A rule's sort key under [`RULES`].
pub fn rule_sk(id: &str) -> String {
    ["R#", id].concat()
}

/// The claim of one rule execution (its id digests the rule and the cause).
pub fn rule_claim_pk(execution_id: &str) -> String {
    ["RX#", execution_id].concat()
}

/// A rule's log, newest last by sort key.
pub fn rule_log_pk(rule_id: &str) -> String {
    ["RL#", rule_id].concat()
}

/// One staff member's notifications (`N#<email>`): newest first under
/// `AT#<at>#<id>`, a pointer per id under `ID#<id>` (dedup, and where the
/// item is), and the unread counter under `UNREAD`. Per recipient, so no
/// partition grows with the team.
pub fn notifications_pk(recipient: &str) -> String {
    ["N#", recipient].concat()
}

/// A notification's sort key: its time, then its id.
pub fn notification_sk(at: Millis, id: &str) -> String {
    ["AT#", &at.sortable(), "#", id].concat()
}
