//! The business owns its data: managers and administrators export contacts,
//! conversations or deals as CSV or JSON. A request only queues a job (and
//! its audit line); a worker writes the file to a private bucket page by
//! page, never holding the whole export; the requester polls the job and
//! gets a short-lived download link.

use crate::domain::export::{csv_line, ExportFormat, ExportJob, ExportKind, ExportStatus};
use crate::domain::pipeline::{Deal, Pipeline};
use crate::domain::{AuditEntry, Session};
use crate::domain::{Contact, Message};
use crate::ports::{
    Clock, ConversationStore, DealStore, ExportFiles, ExportQueue, ExportStore, FileError, FileUpload, PageRequest,
    QueueError, StoreError,
};
use rand::RngCore;
use serde_json::{json, Value};
use std::sync::Arc;

/// Items read per page while writing an export.
const PAGE: u32 = 200;
/// How long a download link works.
pub const LINK_SECONDS: u64 = 15 * 60;

/// Why an export action was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Agents do not export.
    #[error("only managers and administrators export data")]
    Forbidden,
    /// No such export.
    #[error("export not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The worker's queue failed.
    #[error(transparent)]
    Queue(#[from] QueueError),
    /// The bucket failed.
    #[error(transparent)]
    File(#[from] FileError),
}

/// An export job as its requester sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportView {
    /// The job.
    pub job: ExportJob,
    /// A download link, once done.
    pub download_url: Option<String>,
}

/// The exports use case: the API's request and status, and the worker's run.
pub struct Exports {
    jobs: Arc<dyn ExportStore>,
    queue: Arc<dyn ExportQueue>,
    files: Arc<dyn ExportFiles>,
    contacts: Arc<dyn ConversationStore>,
    deals: Arc<dyn DealStore>,
    clock: Arc<dyn Clock>,
}

impl Exports {
    /// Wires the use case.
    pub fn new(
        jobs: Arc<dyn ExportStore>,
        queue: Arc<dyn ExportQueue>,
        files: Arc<dyn ExportFiles>,
        contacts: Arc<dyn ConversationStore>,
        deals: Arc<dyn DealStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Exports { jobs, queue, files, contacts, deals, clock }
    }

    /// Queues an export (supervisors), audited in the same write as the job.
    pub async fn request(
        &self,
        actor: &Session,
        kind: ExportKind,
        format: ExportFormat,
    ) -> Result<ExportJob, ExportError> {
        if !actor.role.supervises() {
            return Err(ExportError::Forbidden);
        }
        let now = self.clock.now();
        let mut bytes = [0u8; 10];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let job = ExportJob {
            id: format!("ex.{}", hex::encode(bytes)),
            kind,
            format,
            requested_by: actor.email.clone(),
            requested_at: now,
            status: ExportStatus::Queued,
            rows: None,
            finished_at: None,
        };
        let audit = AuditEntry {
            at: now,
            actor: actor.email.clone(),
            action: "export".to_owned(),
            contact: None,
            detail: json!({"what": kind.as_str(), "format": format.as_str(), "export_id": job.id}).to_string(),
        };
        self.jobs.create_export(&job, &audit).await?;
        if let Err(e) = self.queue.enqueue_export(&job.id).await {
            // Nothing will pick it up: say so rather than leave it queued.
            self.jobs.finish_export(&job.id, None, self.clock.now()).await?;
            return Err(e.into());
        }
        tracing::info!(export_id = %job.id, what = kind.as_str(), "export queued");
        Ok(job)
    }

    /// A job and, once done, a link valid for [`LINK_SECONDS`] (supervisors).
    pub async fn status(&self, actor: &Session, id: &str) -> Result<ExportView, ExportError> {
        if !actor.role.supervises() {
            return Err(ExportError::Forbidden);
        }
        let job = self.jobs.export(id).await?.ok_or(ExportError::NotFound)?;
        let download_url = match job.status {
            ExportStatus::Done => {
                Some(self.files.download_link(&job.object_key(), &job.file_name(), LINK_SECONDS).await?)
            }
            _ => None,
        };
        Ok(ExportView { job, download_url })
    }

    /// Writes export `id` (the worker). A redelivered request for a job
    /// already done or failed does nothing; a job that fails is marked
    /// failed (the requester asks again) and its partial file thrown away.
    pub async fn run(&self, id: &str) -> Result<(), ExportError> {
        let Some(job) = self.jobs.export(id).await? else {
            tracing::warn!(export_id = %id, "no such export job");
            return Ok(());
        };
        if !self.jobs.start_export(id, self.clock.now()).await? {
            return Ok(());
        }
        let mut upload = self.files.create(&job.object_key(), job.format.content_type()).await?;
        match self.write(&job, upload.as_mut()).await {
            Ok(rows) => match upload.finish().await {
                Ok(()) => {
                    self.jobs.finish_export(id, Some(rows), self.clock.now()).await?;
                    tracing::info!(export_id = %id, rows, "export written");
                }
                Err(e) => self.give_up(id, e.to_string()).await?,
            },
            Err(e) => {
                upload.abort().await;
                self.give_up(id, e.to_string()).await?;
            }
        }
        Ok(())
    }

    async fn give_up(&self, id: &str, error: String) -> Result<(), ExportError> {
        tracing::error!(export_id = %id, error = %error, "export failed");
        self.jobs.finish_export(id, None, self.clock.now()).await?;
        Ok(())
    }

    /// Streams the rows into `out`, one page at a time; returns the row count.
    async fn write(&self, job: &ExportJob, out: &mut dyn FileUpload) -> Result<u64, ExportError> {
        let mut file = Output::new(job.format);
        match job.kind {
            ExportKind::Contacts => {
                file.start(&CONTACT_COLUMNS);
                let mut page = PageRequest { cursor: None, limit: Some(PAGE) };
                loop {
                    let found = self.contacts.list_contacts(&page, None, &crate::ports::ListFilter::default()).await?;
                    for contact in &found.items {
                        file.row(|| contact_row(contact), || contact_json(contact));
                    }
                    out.write(&file.take()).await?;
                    match found.next_cursor {
                        Some(next) => page.cursor = Some(next),
                        None => break,
                    }
                }
            }
            ExportKind::Conversations => {
                file.start(&MESSAGE_COLUMNS);
                let mut page = PageRequest { cursor: None, limit: Some(PAGE) };
                loop {
                    let found = self.contacts.list_contacts(&page, None, &crate::ports::ListFilter::default()).await?;
                    for contact in &found.items {
                        self.write_conversation(contact, &mut file, out).await?;
                    }
                    match found.next_cursor {
                        Some(next) => page.cursor = Some(next),
                        None => break,
                    }
                }
            }
            ExportKind::Deals => {
                file.start(&DEAL_COLUMNS);
                let mut pipelines = self.deals.pipelines().await?;
                if pipelines.is_empty() {
                    // The default pipeline exists until another is defined.
                    pipelines.push(Pipeline::default_sales());
                }
                for pipeline in &pipelines {
                    for stage in &pipeline.stages {
                        let mut page = PageRequest { cursor: None, limit: Some(PAGE) };
                        loop {
                            let found = self.deals.deals_in_stage(&pipeline.id, &stage.id, None, &page).await?;
                            for deal in &found.items {
                                file.row(|| deal_row(deal), || serde_json::to_value(deal).unwrap_or(Value::Null));
                            }
                            out.write(&file.take()).await?;
                            match found.next_cursor {
                                Some(next) => page.cursor = Some(next),
                                None => break,
                            }
                        }
                    }
                }
            }
        }
        file.end();
        out.write(&file.take()).await?;
        Ok(file.rows)
    }

    /// One contact's timeline: a CSV row per message, or one JSON item with
    /// its messages (a single contact's timeline is held at a time).
    async fn write_conversation(
        &self,
        contact: &Contact,
        file: &mut Output,
        out: &mut dyn FileUpload,
    ) -> Result<(), ExportError> {
        let mut messages = Vec::new();
        let mut page = PageRequest { cursor: None, limit: Some(PAGE) };
        loop {
            let found = self.contacts.timeline(&contact.id, &page).await?;
            match file.format {
                ExportFormat::Csv => {
                    for m in &found.items {
                        file.row(|| message_row(contact, m), || Value::Null);
                    }
                    out.write(&file.take()).await?;
                }
                ExportFormat::Json => messages.extend(found.items.iter().map(message_json)),
            }
            match found.next_cursor {
                Some(next) => page.cursor = Some(next),
                None => break,
            }
        }
        if file.format == ExportFormat::Json {
            let mut entry = contact_json(contact);
            entry["messages"] = Value::Array(messages);
            file.row(Vec::new, || entry);
            out.write(&file.take()).await?;
        }
        Ok(())
    }
}

/// The file's text between writes, and its row count.
struct Output {
    format: ExportFormat,
    pending: String,
    rows: u64,
}

impl Output {
    fn new(format: ExportFormat) -> Self {
        Output { format, pending: String::new(), rows: 0 }
    }

    fn start(&mut self, columns: &[&str]) {
        match self.format {
            ExportFormat::Csv => self.pending.push_str(&csv_line(columns)),
            ExportFormat::Json => self.pending.push('['),
        }
    }

    /// Adds a row, built only in the format being written.
    fn row(&mut self, csv: impl FnOnce() -> Vec<String>, json: impl FnOnce() -> Value) {
        match self.format {
            ExportFormat::Csv => self.pending.push_str(&csv_line(&csv())),
            ExportFormat::Json => {
                if self.rows > 0 {
                    self.pending.push(',');
                }
                self.pending.push_str(&json().to_string());
            }
        }
        self.rows += 1;
    }

    fn end(&mut self) {
        if self.format == ExportFormat::Json {
            self.pending.push(']');
        }
    }

    fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.pending).into_bytes()
    }
}

const CONTACT_COLUMNS: [&str; 10] =
    ["id", "name", "phone", "user_id", "owner", "status", "tags", "opted_out", "created_at", "last_activity_at"];

fn contact_row(c: &Contact) -> Vec<String> {
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
}

fn contact_json(c: &Contact) -> Value {
    json!({
        "id": c.id, "name": c.shown_name(), "phone": c.phone(), "user_id": c.user_id, "owner": c.conversation.owner,
        "status": c.conversation.status.map(|s| s.as_str()), "tags": c.tags, "fields": c.fields, "opted_out": c.opted_out,
        "created_at": c.created_at.to_rfc3339(),
    })
}

const MESSAGE_COLUMNS: [&str; 7] = ["contact_id", "message_id", "at", "direction", "type", "text", "status"];

fn message_row(contact: &Contact, m: &Message) -> Vec<String> {
    vec![
        contact.id.to_string(),
        m.id.clone(),
        m.at.to_rfc3339(),
        m.direction.as_str().to_owned(),
        m.type_name.clone(),
        m.text.clone().unwrap_or_default(),
        m.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
    ]
}

fn message_json(m: &Message) -> Value {
    json!({"id": m.id, "at": m.at.to_rfc3339(), "direction": m.direction.as_str(), "type": m.type_name, "text": m.text, "status": m.status.map(|s| s.as_str())})
}

const DEAL_COLUMNS: [&str; 10] = [
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
];

fn deal_row(d: &Deal) -> Vec<String> {
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
}
