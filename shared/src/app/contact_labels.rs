//! Adding tags and fields to a contact from outside (a lead, an import
//! row): what is there is kept, what is new is added, and `source` is set
//! only if the contact came from nowhere before. Tried again over
//! concurrent edits (each patch is conditional on what was read).

use crate::domain::contact_fields::plan_field_edit;
use crate::domain::tags::normalize_tags;
use crate::domain::{Contact, ContactId, ContactPatch};
use crate::ports::{ContactRecordStore, ConversationStore, StoreError};
use std::collections::BTreeMap;

/// How often a change is tried against concurrent edits.
const PATCH_ATTEMPTS: usize = 4;

/// Why the labels could not be added.
#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    /// Too many tags or fields, or a field too long.
    #[error("{0}")]
    Invalid(String),
    /// Storage failed (or the contact kept changing).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What was added.
#[derive(Debug, Clone)]
pub struct Labelled {
    /// The contact as read before the write (`None`: it is gone). Its
    /// consent and opt-out are current: the write touches only tags and
    /// fields, so they are not read back.
    pub contact: Option<Contact>,
    /// Whether anything was written.
    pub changed: bool,
}

/// Adds `tags` and `fields` to `contact`, and `source` unless it has one.
pub async fn add_labels(
    contacts: &dyn ConversationStore,
    records: &dyn ContactRecordStore,
    contact: &ContactId,
    tags: &[String],
    fields: &BTreeMap<String, String>,
    source: &str,
) -> Result<Labelled, LabelError> {
    for _ in 0..PATCH_ATTEMPTS {
        let Some(current) = contacts.contact(contact).await? else {
            return Ok(Labelled { contact: None, changed: false });
        };
        let mut all = current.tags.clone();
        all.extend(tags.iter().cloned());
        let all = normalize_tags(&all).map_err(|e| LabelError::Invalid(e.to_string()))?;
        let mut edit: BTreeMap<String, String> = fields
            .iter()
            .filter(|(k, v)| current.fields.get(*k) != Some(v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !current.fields.contains_key("source") {
            edit.insert("source".to_owned(), source.to_owned());
        }
        let field_edit = (!edit.is_empty())
            .then(|| plan_field_edit(&current.fields, &edit))
            .transpose()
            .map_err(|e| LabelError::Invalid(format!("fields: {e}")))?;
        if all == current.tags && field_edit.is_none() {
            return Ok(Labelled { contact: Some(current), changed: false });
        }
        let patch = ContactPatch {
            display_name: None,
            profile_name: current.name.clone(),
            tags: Some(all),
            fields: field_edit,
        };
        if records.patch_contact(contact, &patch).await? {
            return Ok(Labelled { contact: Some(current), changed: true });
        }
    }
    Err(StoreError::Unavailable("the contact kept changing; try again".into()).into())
}
