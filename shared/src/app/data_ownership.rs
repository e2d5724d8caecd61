//! The business owns its data: export contacts, conversations and deals as
//! CSV or JSON; erase a contact's personal data; merge two contacts. All
//! audited, all for managers and administrators.

use super::deals::Deals;
use crate::domain::pipeline::Deal;
use crate::domain::{AuditEntry, Session};
use crate::domain::{Contact, ContactId, Role};
use crate::ports::{AuditLog, Clock, ContactLifecycleStore, ConversationStore, PageRequest, ReportStore, StoreError};
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
    /// A deals failure.
    #[error(transparent)]
    Deals(#[from] super::deals::DealError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated, spreadsheet-safe.
    Csv,
    /// JSON array.
    Json,
}

/// The data-ownership use case.
pub struct DataOwnership {
    contacts: Arc<dyn ConversationStore>,
    reports: Arc<dyn ReportStore>,
    lifecycle: Arc<dyn ContactLifecycleStore>,
    audit: Arc<dyn AuditLog>,
    clock: Arc<dyn Clock>,
}

impl DataOwnership {
    /// Wires the use case.
    pub fn new(
        contacts: Arc<dyn ConversationStore>,
        reports: Arc<dyn ReportStore>,
        lifecycle: Arc<dyn ContactLifecycleStore>,
        audit: Arc<dyn AuditLog>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        DataOwnership { contacts, reports, lifecycle, audit, clock }
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
            Err(DataError::Forbidden("only managers and administrators export, merge or erase"))
        }
    }

    /// Every contact.
    pub async fn export_contacts(&self, actor: &Session, format: Format) -> Result<String, DataError> {
        Self::supervisor(actor)?;
        let contacts = self.reports.every_contact().await?;
        self.audited(actor, "export", None, json!({"what": "contacts", "rows": contacts.len()})).await?;
        let header = [
            "id",
            "name",
            "phone",
            "user_id",
            "owner",
            "status",
            "tags",
            "opted_out",
            "created_at",
            "last_activity_at",
        ];
        let rows = contacts.iter().map(|c| {
            vec![
                c.id.to_string(),
                c.shown_name().unwrap_or_default().to_owned(),
                c.phone().unwrap_or_default(),
                c.user_id.clone().unwrap_or_default(),
                c.conversation.owner.clone().unwrap_or_default(),
                c.conversation.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
                c.tags.join(" "),
                c.opted_out.to_string(),
                c.created_at.to_rfc3339(),
                c.last_activity_at.map(|a| a.to_rfc3339()).unwrap_or_default(),
            ]
        });
        Ok(match format {
            Format::Csv => csv(&header, rows),
            Format::Json => Value::Array(contacts.iter().map(contact_json).collect()).to_string(),
        })
    }

    /// Every conversation: each contact with its whole timeline.
    pub async fn export_conversations(&self, actor: &Session, format: Format) -> Result<String, DataError> {
        Self::supervisor(actor)?;
        let contacts = self.reports.every_contact().await?;
        let mut rows = Vec::new();
        let mut json_out = Vec::new();
        for contact in &contacts {
            let mut messages = Vec::new();
            let mut page = PageRequest { cursor: None, limit: Some(200) };
            loop {
                let found = self.contacts.timeline(&contact.id, &page).await?;
                messages.extend(found.items);
                match found.next_cursor {
                    Some(next) => page.cursor = Some(next),
                    None => break,
                }
            }
            for m in &messages {
                rows.push(vec![
                    contact.id.to_string(),
                    m.id.clone(),
                    m.at.to_rfc3339(),
                    m.direction.as_str().to_owned(),
                    m.type_name.clone(),
                    m.text.clone().unwrap_or_default(),
                    m.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
                ]);
            }
            let timeline: Vec<Value> = messages
                .iter()
                .map(|m| json!({"id": m.id, "at": m.at.to_rfc3339(), "direction": m.direction.as_str(), "type": m.type_name, "text": m.text, "status": m.status.map(|s| s.as_str())}))
                .collect();
            let mut entry = contact_json(contact);
            entry["messages"] = Value::Array(timeline);
            json_out.push(entry);
        }
        self.audited(actor, "export", None, json!({"what": "conversations", "rows": rows.len()})).await?;
        Ok(match format {
            Format::Csv => {
                csv(&["contact_id", "message_id", "at", "direction", "type", "text", "status"], rows.into_iter())
            }
            Format::Json => Value::Array(json_out).to_string(),
        })
    }

    /// Every deal of every pipeline.
    pub async fn export_deals(&self, actor: &Session, deals: &Deals, format: Format) -> Result<String, DataError> {
        Self::supervisor(actor)?;
        let mut all: Vec<Deal> = Vec::new();
        for pipeline in deals.pipelines().await? {
            all.extend(deals.all_in(&pipeline).await?);
        }
        self.audited(actor, "export", None, json!({"what": "deals", "rows": all.len()})).await?;
        let rows = all.iter().map(|d| {
            vec![
                d.id.clone(),
                d.contact_id.to_string(),
                d.pipeline.clone(),
                d.stage.clone(),
                d.title.clone(),
                d.value_minor.to_string(),
                d.currency.clone(),
                d.owner.clone().unwrap_or_default(),
                d.expected_close.clone().unwrap_or_default(),
                d.created_at.to_rfc3339(),
            ]
        });
        Ok(match format {
            Format::Csv => csv(
                &[
                    "id",
                    "contact_id",
                    "pipeline",
                    "stage",
                    "title",
                    "value_minor",
                    "currency",
                    "owner",
                    "expected_close",
                    "created_at",
                ],
                rows,
            ),
            Format::Json => serde_json::to_string(&all).unwrap_or_else(|_| "[]".into()),
        })
    }

    /// Erases one contact's personal data on request (administrators).
    pub async fn erase(&self, actor: &Session, id: &ContactId) -> Result<usize, DataError> {
        if actor.role != Role::Admin {
            return Err(DataError::Forbidden("only administrators erase personal data"));
        }
        self.contacts.contact(id).await?.ok_or(DataError::NotFound)?;
        // Audited before the erasure: the record of the request outlives the data.
        self.audited(actor, "erase", Some(id), json!({"requested": true})).await?;
        let removed = self.lifecycle.erase_contact(id).await?;
        tracing::info!(contact_id = %id, removed, "contact erased");
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

fn contact_json(c: &Contact) -> Value {
    json!({
        "id": c.id, "name": c.shown_name(), "phone": c.phone(), "user_id": c.user_id, "owner": c.conversation.owner,
        "status": c.conversation.status.map(|s| s.as_str()), "tags": c.tags, "fields": c.fields, "opted_out": c.opted_out,
        "created_at": c.created_at.to_rfc3339(),
    })
}

/// RFC 4180 CSV. Cells that a spreadsheet would run as a formula are
/// prefixed with `'` (customers write these strings).
pub fn csv(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let cell = |value: &str| {
        let safe =
            if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_owned() };
        if safe.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", safe.replace('"', "\"\""))
        } else {
            safe
        }
    };
    let mut out = header.join(",");
    out.push_str("\r\n");
    for row in rows {
        out.push_str(&row.iter().map(|v| cell(v)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::csv;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let out = csv(
            &["a", "b"],
            vec![vec!["x,y".to_owned(), "=HYPERLINK(\"evil\")".to_owned()], vec!["line\nbreak".into(), "ok".into()]]
                .into_iter(),
        );
        assert_eq!(out, "a,b\r\n\"x,y\",\"'=HYPERLINK(\"\"evil\"\")\"\r\n\"line\nbreak\",ok\r\n");
    }
}
