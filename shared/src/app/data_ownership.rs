//! The business owns its data: erase a contact's personal data; merge two
//! contacts. Both audited. (Exports are jobs: see [`super::exports`].)

use crate::domain::media_copy::contact_media_prefix;
use crate::domain::{AuditEntry, Session};
use crate::domain::{Contact, ContactId, Role};
use crate::ports::{AuditLog, Clock, ContactLifecycleStore, ConversationStore, MediaVault, StoreError};
use serde_json::{json, Value};
use std::sync::Arc;

/// Why a data action was refused.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// Not for this role.
    #[error("{0}")]
    Forbidden(&'static str),
    /// No such contact.
    #[error("contact not found")]
    NotFound,
    /// Merging a contact into itself.
    #[error("a contact cannot be merged into itself")]
    SameContact,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The data-ownership use case.
pub struct DataOwnership {
    contacts: Arc<dyn ConversationStore>,
    lifecycle: Arc<dyn ContactLifecycleStore>,
    audit: Arc<dyn AuditLog>,
    clock: Arc<dyn Clock>,
    media: Option<Arc<dyn MediaVault>>,
}

impl DataOwnership {
    /// Wires the use case.
    pub fn new(
        contacts: Arc<dyn ConversationStore>,
        lifecycle: Arc<dyn ContactLifecycleStore>,
        audit: Arc<dyn AuditLog>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        DataOwnership { contacts, lifecycle, audit, clock, media: None }
    }

    /// Erasure also deletes the contact's files from the media bucket.
    pub fn with_media(mut self, media: Arc<dyn MediaVault>) -> Self {
        self.media = Some(media);
        self
    }

    /// Deletes the contact's files; how many went.
    async fn erase_media(&self, id: &ContactId) -> Result<usize, DataError> {
        let Some(media) = &self.media else { return Ok(0) };
        media
            .delete_under(&contact_media_prefix(id))
            .await
            .map_err(|e| DataError::Store(StoreError::Unavailable(e.to_string())))
    }

    async fn audited(
        &self,
        actor: &Session,
        action: &str,
        contact: Option<&ContactId>,
        detail: Value,
    ) -> Result<(), DataError> {
        let entry = AuditEntry {
            at: self.clock.now(),
            actor: actor.email.clone(),
            action: action.into(),
            contact: contact.cloned(),
            detail: detail.to_string(),
        };
        Ok(self.audit.audit(&entry).await?)
    }

    fn supervisor(actor: &Session) -> Result<(), DataError> {
        if actor.role.supervises() {
            Ok(())
        } else {
            Err(DataError::Forbidden("only managers and administrators merge contacts"))
        }
    }

    /// Erases one contact's personal data on request (administrators).
    pub async fn erase(&self, actor: &Session, id: &ContactId) -> Result<usize, DataError> {
        if actor.role != Role::Admin {
            return Err(DataError::Forbidden("only administrators erase personal data"));
        }
        self.contacts.contact(id).await?.ok_or(DataError::NotFound)?;
        // Audited before the erasure: the record of the request outlives the data.
        self.audited(actor, "erase", Some(id), json!({"requested": true})).await?;
        // Files first, so that a failure leaves the contact there to erase
        // again; and once more after, for a copy that landed in between.
        let mut files = self.erase_media(id).await?;
        let removed = self.lifecycle.erase_contact(id).await?;
        files += self.erase_media(id).await?;
        tracing::info!(contact_id = %id, removed, files, "contact erased");
        Ok(removed)
    }

    /// Merges `from` into `into` (supervisors): histories joined.
    pub async fn merge(&self, actor: &Session, into: &ContactId, from: &ContactId) -> Result<Contact, DataError> {
        Self::supervisor(actor)?;
        if into == from {
            return Err(DataError::SameContact);
        }
        self.contacts.contact(into).await?.ok_or(DataError::NotFound)?;
        self.contacts.contact(from).await?.ok_or(DataError::NotFound)?;
        let moved = self.lifecycle.merge_contacts(into, from).await?;
        self.audited(actor, "merge", Some(into), json!({"from": from, "moved": moved})).await?;
        self.contacts.contact(into).await?.ok_or(DataError::NotFound)
    }
}
