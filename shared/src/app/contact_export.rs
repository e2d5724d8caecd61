//! A data-subject export: everything held about one contact (profile,
//! timeline, notes, deals, tasks, and the audit lines about them), read
//! page by page from the contact's own partitions and indexes.

use super::data_ownership::DataError;
use crate::domain::pipeline::Deal;
use crate::domain::task::Task;
use crate::domain::{AuditEntry, Contact, ContactId, Message, Note, Session};
use crate::ports::{
    AuditLog, Clock, ContactRecordStore, ConversationStore, DealStore, Page, PageRequest, StoreError, TaskLedger,
};
use std::future::Future;
use std::sync::Arc;

/// The largest page each read asks for.
const PAGE: u32 = 200;

/// Everything held about one contact.
#[derive(Debug, Clone)]
pub struct ContactDossier {
    /// The profile and conversation state.
    pub contact: Contact,
    /// The timeline, oldest first.
    pub messages: Vec<Message>,
    /// Internal notes, newest first.
    pub notes: Vec<Note>,
    /// Deals about the contact.
    pub deals: Vec<Deal>,
    /// Tasks about the contact, open and done.
    pub tasks: Vec<Task>,
    /// Audit lines about the contact, including this export's own.
    pub audit: Vec<AuditEntry>,
}

/// The per-contact export use case.
pub struct ContactExport {
    contacts: Arc<dyn ConversationStore>,
    records: Arc<dyn ContactRecordStore>,
    deals: Arc<dyn DealStore>,
    tasks: Arc<dyn TaskLedger>,
    audit: Arc<dyn AuditLog>,
    clock: Arc<dyn Clock>,
}

/// Follows every page of one listing.
async fn every_page<T, F, Fut>(read: F) -> Result<Vec<T>, StoreError>
where
    F: Fn(PageRequest) -> Fut,
    Fut: Future<Output = Result<Page<T>, StoreError>>,
{
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let page = read(PageRequest { cursor, limit: Some(PAGE) }).await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(all),
        }
    }
}

impl ContactExport {
    /// Wires the use case.
    pub fn new(
        contacts: Arc<dyn ConversationStore>,
        records: Arc<dyn ContactRecordStore>,
        deals: Arc<dyn DealStore>,
        tasks: Arc<dyn TaskLedger>,
        audit: Arc<dyn AuditLog>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        ContactExport { contacts, records, deals, tasks, audit, clock }
    }

    /// Gathers the contact's data for a manager or administrator; the
    /// request is audited before anything is read.
    pub async fn export(&self, actor: &Session, id: &ContactId) -> Result<ContactDossier, DataError> {
        if !actor.role.supervises() {
            return Err(DataError::Forbidden("only managers and administrators export a contact's data"));
        }
        let contact = self.contacts.contact(id).await?.ok_or(DataError::NotFound)?;
        let entry = AuditEntry {
            at: self.clock.now(),
            actor: actor.email.clone(),
            action: "contact_export".into(),
            contact: Some(id.clone()),
            detail: serde_json::json!({"requested": true}).to_string(),
        };
        self.audit.audit(&entry).await?;
        let messages = every_page(|page| async move { self.contacts.timeline(id, &page).await }).await?;
        let notes = every_page(|page| async move { self.records.notes(id, &page).await }).await?;
        let deals = every_page(|page| async move { self.deals.contact_deals(id, &page).await }).await?;
        let tasks = every_page(|page| async move { self.tasks.contact_tasks(id, &page).await }).await?;
        let audit = every_page(|page| async move { self.audit.audit_for_contact(id, &page).await }).await?;
        tracing::info!(contact_id = %id, messages = messages.len(), "contact exported");
        Ok(ContactDossier { contact, messages, notes, deals, tasks, audit })
    }
}
