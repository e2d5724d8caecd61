//! What staff keep about a contact: name, tags, fields, notes; and search.

use super::{Page, PageRequest, StoreError};
use crate::domain::{Contact, ContactId, ContactPatch, Note};
use async_trait::async_trait;

/// The contact record: notes, tags, fields, search.
#[async_trait]
pub trait ContactRecordStore: Send + Sync {
    /// Applies a patch.
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
    /// Contacts carrying `tag` (normalized), in a stable order (by id),
    /// each once across pages; `only_visible_to` keeps an agent's own and
    /// unassigned ones (a page may then hold fewer than asked).
    async fn tagged(
        &self,
        tag: &str,
        only_visible_to: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Contact>, StoreError>;
}
