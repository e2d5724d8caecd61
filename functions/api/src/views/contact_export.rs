//! Everything held about one person, as one download (a data-subject
//! access request answered by staff).

use super::{AuditEntryView, ContactView, DealView, MessageView, NoteView, TaskView};
use parley::app::contact_export::ContactDossier;
use parley::domain::Millis;
use schemars::JsonSchema;
use serde::Serialize;

/// The contact with every record about them, at `exported_at`.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ContactExport")]
pub struct ContactExportView {
    exported_at: String,
    contact: ContactView,
    messages: Vec<MessageView>,
    notes: Vec<NoteView>,
    deals: Vec<DealView>,
    tasks: Vec<TaskView>,
    /// Audit lines about the contact (who did what to their record).
    audit: Vec<AuditEntryView>,
}

impl ContactExportView {
    /// The view of `dossier` as exported at `now`.
    pub fn new(dossier: ContactDossier, now: Millis, sla_minutes: i64) -> Self {
        ContactExportView {
            exported_at: now.to_rfc3339(),
            contact: ContactView::new(dossier.contact, now, sla_minutes),
            messages: dossier.messages.into_iter().map(MessageView::from).collect(),
            notes: dossier.notes.into_iter().map(NoteView::from).collect(),
            deals: dossier.deals.into_iter().map(DealView::from).collect(),
            tasks: dossier.tasks.into_iter().map(TaskView::from).collect(),
            audit: dossier.audit.into_iter().map(AuditEntryView::from).collect(),
        }
    }
}
