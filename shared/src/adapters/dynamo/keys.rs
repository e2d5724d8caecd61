//! Key shapes and index names: the contract between the code and the table
//! that template.yaml declares (a test fails if they drift apart).

use crate::domain::{ContactId, Millis};

/// Partition key attribute.
pub const PK: &str = "pk";
/// Sort key attribute.
pub const SK: &str = "sk";
/// The TTL attribute (garbage only: sessions, spent dedup records).
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
/// Every GSI the code queries, with its key attributes, for the drift test.
pub const INDEXES: &[(&str, &str, &str)] = &[(GSI1, GSI1_PK, GSI1_SK), (GSI2, GSI2_PK, GSI2_SK)];

/// `gsi2pk` of an unfinished outbound message.
pub const OUTBOX: &str = "OUTBOX";

/// `gsi2sk` of an unfinished outbound message: state, then age.
pub fn outbox_sk(state: &str, at: Millis, id: &str) -> String {
    format!("{state}#{}#{id}", at.sortable())
}

/// An Idempotency-Key's partition.
pub fn idempotency_pk(key: &str) -> String {
    format!("K#{key}")
}

/// The template catalog's partition.
pub const TEMPLATES: &str = "TEMPLATES";

/// A template's sort key.
pub fn template_sk(name: &str, language: &str) -> String {
    format!("{name}#{language}")
}

/// A month's spend counters' partition.
pub fn spend_pk(month: &str) -> String {
    format!("SPEND#{month}")
}

/// `gsi1pk` of every contact: one small partition, fine for the volumes a
/// shop runs (thousands of contacts, not millions).
pub const CONTACTS_BY_ACTIVITY: &str = "CONTACTS";

/// A contact's partition (profile and timeline).
pub fn contact_pk(id: &ContactId) -> String {
    format!("C#{id}")
}

/// The contact profile's sort key.
pub const PROFILE: &str = "PROFILE";

/// A message's sort key: time first so the timeline is one ordered Query.
pub fn message_sk(at: Millis, id: &str) -> String {
    format!("M#{}#{id}", at.sortable())
}

/// Prefix of every message sort key.
pub const MESSAGE_PREFIX: &str = "M#";

/// `gsi1sk` of a contact: activity time, then id to break ties.
pub fn activity_sk(at: Millis, id: &ContactId) -> String {
    format!("{}#{id}", at.sortable())
}

/// The identity pointer's partition.
pub fn identity_pk(phone_number_id: &str, identity_key: &str) -> String {
    format!("I#{phone_number_id}#{identity_key}")
}

/// The identity pointer's sort key.
pub const IDENTITY: &str = "I";

/// The wamid pointer's partition, shared with the pending statuses.
pub fn wamid_pk(wamid: &str) -> String {
    format!("W#{wamid}")
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
    format!("U#{email}")
}

/// A user's sort key.
pub const USER: &str = "USER";

/// A session's partition.
pub fn session_pk(token_hash: &str) -> String {
    format!("S#{token_hash}")
}

/// A session's sort key.
pub const SESSION: &str = "SESSION";

/// Our own key for a message, sent to Meta as `biz_opaque_callback_data` so
/// that a status maps straight back to the item: `<contactId>|<sk>`.
pub fn message_ref(contact: &ContactId, sk: &str) -> String {
    format!("{contact}|{sk}")
}

/// Reads a [`message_ref`] back; `None` for anything else.
pub fn parse_message_ref(text: &str) -> Option<(ContactId, String)> {
    let (contact, sk) = text.split_once('|')?;
    let contact = ContactId::parse(contact)?;
    sk.starts_with(MESSAGE_PREFIX).then(|| (contact, sk.to_owned()))
}
