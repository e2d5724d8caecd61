//! Importing contacts from a CSV file (managers and administrators): the
//! browser uploads the file to the bucket, staff map its columns after a
//! preview, and the worker takes its rows in steps of
//! [`ROWS_PER_STEP`]: each row is found by its phone number (or added),
//! gets the row's tags and fields, an opt-in when the row says so, and a
//! deal when the import makes deals. The same file imported again finds
//! everything there and changes nothing. Rejected and skipped rows, each
//! with its reason, make a downloadable report.

use super::contact_labels::{add_labels, LabelError};
use crate::domain::consent::{staff_consent, ConsentMethod};
use crate::domain::contact_import::{ContactImport, ImportCounts, ImportStatus, MAX_IMPORT_BYTES, ROWS_PER_STEP};
use crate::domain::import_mapping::{check_mapping, suggest, ImportTarget};
use crate::domain::import_sheet::{judge_rows, read_sheet, ImportRules, RowPlan, RowVerdict, Sheet};
use crate::domain::pipeline::{Deal, Pipeline, StageChange};
use crate::domain::{AuditEntry, BusinessNumber, ContactId, Millis, Session};
use crate::ports::{
    BusinessProfileStore, Clock, ConsentStore, ContactEnrolment, ContactRecordStore, ConversationStore, DealStore,
    Enrolled, ExportFiles, FileError, ImportFile, ImportFiles, ImportQueue, ImportStore, NewContact, StoreError,
    UserStore,
};
use futures_util::StreamExt;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How long the browser has to put the file.
const UPLOAD_LINK_SECONDS: u64 = 15 * 60;
/// How long a report link works.
const REPORT_LINK_SECONDS: u64 = 3600;
/// Rows shown in the preview.
const PREVIEW_ROWS: usize = 10;
/// Rows a step writes at once (each a handful of DynamoDB round trips).
const ROWS_AT_ONCE: usize = 8;

/// Why an import request was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Imports are for managers and administrators.
    #[error("only managers and administrators import contacts")]
    Forbidden,
    /// No such import.
    #[error("import not found")]
    NotFound,
    /// The file is not there yet.
    #[error("the file has not been uploaded yet")]
    NotUploaded,
    /// Started already.
    #[error("this import has already started")]
    Started,
    /// A request that does not hold (a file that is not CSV, a bad mapping).
    #[error("{0}")]
    Invalid(String),
    /// The bucket failed.
    #[error(transparent)]
    Files(#[from] FileError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The first rows of an uploaded file, and a guess at each column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPreview {
    /// `,`, `;` or a tab.
    pub delimiter: char,
    /// The header row.
    pub columns: Vec<String>,
    /// The first rows.
    pub rows: Vec<Vec<String>>,
    /// What each column looks like it is.
    pub suggested: Vec<ImportTarget>,
}

/// What staff chose on the mapping screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportChoice {
    /// What each column is.
    pub mapping: Vec<ImportTarget>,
    /// The pipeline deals open in (needed when a stage or value column is mapped).
    pub pipeline: Option<String>,
    /// Tags every row gets.
    pub tags: Vec<String>,
}

/// The ports rows are written through.
pub struct ImportPorts {
    /// The jobs.
    pub jobs: Arc<dyn ImportStore>,
    /// The uploaded files.
    pub files: Arc<dyn ImportFiles>,
    /// Where reports are written.
    pub reports: Arc<dyn ExportFiles>,
    /// The worker's queue.
    pub queue: Arc<dyn ImportQueue>,
    /// The default country and business number.
    pub business: Arc<dyn BusinessProfileStore>,
    /// Contacts added by phone.
    pub enrolment: Arc<dyn ContactEnrolment>,
    /// Reading a contact back.
    pub contacts: Arc<dyn ConversationStore>,
    /// Tags and fields.
    pub records: Arc<dyn ContactRecordStore>,
    /// Opt-ins.
    pub consent: Arc<dyn ConsentStore>,
    /// Pipelines and deals.
    pub deals: Arc<dyn DealStore>,
    /// The team (owners).
    pub users: Arc<dyn UserStore>,
    /// The time.
    pub clock: Arc<dyn Clock>,
}

impl ImportPorts {
    /// The store's ports over one store (the DynamoDB table), with the
    /// bucket the files are uploaded to, the one reports go to, and the queue.
    pub fn over_store<S>(
        store: Arc<S>,
        files: Arc<dyn ImportFiles>,
        reports: Arc<dyn ExportFiles>,
        queue: Arc<dyn ImportQueue>,
        clock: Arc<dyn Clock>,
    ) -> Self
    where
        S: ImportStore
            + BusinessProfileStore
            + ContactEnrolment
            + ConversationStore
            + ContactRecordStore
            + ConsentStore
            + DealStore
            + UserStore
            + 'static,
    {
        ImportPorts {
            jobs: store.clone(),
            files,
            reports,
            queue,
            business: store.clone(),
            enrolment: store.clone(),
            contacts: store.clone(),
            records: store.clone(),
            consent: store.clone(),
            deals: store.clone(),
            users: store,
            clock,
        }
    }
}

/// The contact import use case.
pub struct ContactImports {
    ports: ImportPorts,
}

/// What one row came to.
enum RowOutcome {
    Created,
    Updated,
    Unchanged,
}

fn supervisor(actor: &Session) -> Result<(), ImportError> {
    if actor.role.supervises() {
        Ok(())
    } else {
        Err(ImportError::Forbidden)
    }
}

/// A time-ordered id: the newest sort last.
fn new_import_id(now: Millis) -> String {
    format!("im.{:012x}{:08x}", now.0.max(0), rand::rngs::OsRng.next_u32())
}

impl ContactImports {
    /// Wires the use case.
    pub fn new(ports: ImportPorts) -> Self {
        ContactImports { ports }
    }

    /// A new import of `filename` and the link its bytes go to.
    pub async fn create(
        &self,
        actor: &Session,
        filename: &str,
        size: u64,
    ) -> Result<(ContactImport, String), ImportError> {
        supervisor(actor)?;
        let filename = filename.trim();
        if !filename.to_lowercase().ends_with(".csv") || filename.chars().count() > 200 {
            return Err(ImportError::Invalid("choose a .csv file (save the spreadsheet as CSV)".into()));
        }
        if size == 0 || size > MAX_IMPORT_BYTES {
            return Err(ImportError::Invalid(format!(
                "a file of 1 byte to {} MB can be imported; split a larger one",
                MAX_IMPORT_BYTES / 1024 / 1024
            )));
        }
        let now = self.ports.clock.now();
        let job = ContactImport {
            id: new_import_id(now),
            filename: filename.to_owned(),
            status: ImportStatus::AwaitingUpload,
            mapping: Vec::new(),
            pipeline: None,
            tags: Vec::new(),
            file_tag: None,
            rows: 0,
            next_row: 0,
            counts: ImportCounts::default(),
            error: None,
            has_report: false,
            requested_by: actor.email.clone(),
            requested_at: now,
            finished_at: None,
        };
        let audit =
            self.audit(&actor.email, "import_create", serde_json::json!({"import": job.id, "file": job.filename}));
        self.ports.jobs.create_import(&job, &audit).await?;
        let link = self.ports.files.import_upload_link(&job.file_key(), UPLOAD_LINK_SECONDS).await?;
        Ok((job, link))
    }

    /// The latest imports.
    pub async fn list(&self, actor: &Session) -> Result<Vec<ContactImport>, ImportError> {
        supervisor(actor)?;
        Ok(self.ports.jobs.recent_imports(20).await?)
    }

    /// One import.
    pub async fn get(&self, actor: &Session, id: &str) -> Result<ContactImport, ImportError> {
        supervisor(actor)?;
        self.ports.jobs.import(id).await?.ok_or(ImportError::NotFound)
    }

    /// A link to the import's report of rejected and skipped rows, if it has one.
    pub async fn report_link(&self, job: &ContactImport) -> Result<Option<String>, ImportError> {
        if !job.has_report {
            return Ok(None);
        }
        let name = format!("{}-report.csv", job.filename.trim_end_matches(".csv").trim_end_matches(".CSV"));
        Ok(Some(self.ports.reports.download_link(&job.report_key(), &name, REPORT_LINK_SECONDS).await?))
    }

    /// The uploaded file (one HEAD) and its rows.
    async fn uploaded(&self, job: &ContactImport) -> Result<(ImportFile, Sheet), ImportError> {
        let file = self.ports.files.import_file(&job.file_key()).await?.ok_or(ImportError::NotUploaded)?;
        let sheet = read_sheet(&self.ports.files.read_import(&job.file_key()).await?).map_err(ImportError::Invalid)?;
        Ok((file, sheet))
    }

    /// The uploaded file's first rows and a guess at each column.
    pub async fn preview(&self, actor: &Session, id: &str) -> Result<ImportPreview, ImportError> {
        let job = self.get(actor, id).await?;
        let (_, sheet) = self.uploaded(&job).await?;
        Ok(ImportPreview {
            delimiter: sheet.delimiter,
            suggested: sheet.columns.iter().map(|c| suggest(c)).collect(),
            rows: sheet.rows.into_iter().take(PREVIEW_ROWS).collect(),
            columns: sheet.columns,
        })
    }

    /// Starts the import with staff's mapping.
    pub async fn start(&self, actor: &Session, id: &str, choice: ImportChoice) -> Result<ContactImport, ImportError> {
        let job = self.get(actor, id).await?;
        if job.status != ImportStatus::AwaitingUpload {
            return Err(ImportError::Started);
        }
        let (file, sheet) = self.uploaded(&job).await?;
        check_mapping(&choice.mapping, sheet.columns.len()).map_err(ImportError::Invalid)?;
        let makes_deals = choice.mapping.iter().any(|t| matches!(t, ImportTarget::Stage | ImportTarget::Value));
        let pipeline = match (makes_deals, choice.pipeline.filter(|p| !p.is_empty())) {
            (false, _) => None,
            (true, None) => return Err(ImportError::Invalid("choose the pipeline the deals open in".into())),
            (true, Some(id)) => {
                let pipelines = Pipeline::or_default(self.ports.deals.pipelines().await?);
                Some(
                    pipelines
                        .into_iter()
                        .find(|p| p.id == id)
                        .ok_or_else(|| ImportError::Invalid(format!("no pipeline {id}")))?
                        .id,
                )
            }
        };
        let started = ContactImport {
            status: ImportStatus::Queued,
            mapping: choice.mapping,
            pipeline,
            tags: crate::domain::tags::normalize_tags(&choice.tags).map_err(|e| ImportError::Invalid(e.to_string()))?,
            file_tag: Some(file.tag),
            rows: sheet.rows.len() as u64,
            ..job.clone()
        };
        if !self.ports.jobs.advance_import(&job, &started).await? {
            return Err(ImportError::Started);
        }
        if let Err(e) = self.ports.queue.enqueue_import(&started.id).await {
            // The job is stored as queued; starting again is refused, so say it plainly.
            tracing::error!(import = %started.id, error = %e, "import queued but not enqueued");
            return Err(StoreError::Unavailable("the import could not be queued; try again".into()).into());
        }
        tracing::info!(import = %started.id, rows = started.rows, "import started");
        Ok(started)
    }

    /// The worker: takes the import's next rows, records how far it got,
    /// and asks for the next step. An `Err` is storage failing: the step is
    /// redelivered and redone (every row write is idempotent).
    pub async fn run(&self, id: &str) -> Result<(), StoreError> {
        let Some(job) = self.ports.jobs.import(id).await? else { return Ok(()) };
        if !matches!(job.status, ImportStatus::Queued | ImportStatus::Running) {
            return Ok(());
        }
        let bytes = match self.ports.files.read_import(&job.file_key()).await {
            Ok(bytes) => bytes,
            Err(e) => return Err(StoreError::Unavailable(e.to_string())),
        };
        let sheet = match read_sheet(&bytes) {
            Ok(sheet) => sheet,
            Err(why) => return self.fail(&job, why).await,
        };
        let profile = self.ports.business.business_profile().await?.unwrap_or_default();
        let Some(number) = profile.phone_number_id.clone() else {
            return self
                .fail(&job, "set the business's WhatsApp number in Settings > Business profile first".into())
                .await;
        };
        let pipelines = Pipeline::or_default(self.ports.deals.pipelines().await?);
        let pipeline = job.pipeline.as_ref().and_then(|id| pipelines.iter().find(|p| &p.id == id));
        let teammates: Vec<String> = self
            .ports
            .users
            .list_users()
            .await?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| u.email.to_lowercase())
            .collect();
        let rules = ImportRules {
            mapping: &job.mapping,
            columns: &sheet.columns,
            country: &profile.country,
            teammates: &teammates,
            pipeline,
            tags: &job.tags,
        };
        let verdicts = judge_rows(&sheet, &rules);
        // Shown as running, with its row count, from the moment a worker
        // picks it up rather than when its first step is done.
        let job = if job.status == ImportStatus::Queued {
            let running = ContactImport { status: ImportStatus::Running, rows: verdicts.len() as u64, ..job.clone() };
            if !self.ports.jobs.advance_import(&job, &running).await? {
                tracing::info!(import = %job.id, "another worker picked this import up first");
                return Ok(());
            }
            running
        } else {
            job
        };
        let from = usize::try_from(job.next_row).unwrap_or(usize::MAX).min(verdicts.len());
        let to = (from + ROWS_PER_STEP).min(verdicts.len());
        let mut counts = ImportCounts::default();
        let mut taken = Vec::new();
        for verdict in &verdicts[from..to] {
            match verdict {
                RowVerdict::Take(plan) => taken.push(plan.clone()),
                RowVerdict::Skip(_) => counts.skipped += 1,
                RowVerdict::Reject(_) => counts.rejected += 1,
            }
        }
        // A step's rows have distinct numbers (repeats are skipped), so they
        // touch distinct contacts and deals: taken side by side.
        let (job_ref, number, currency) = (&job, number.as_str(), profile.currency.as_str());
        let mut rows = futures_util::stream::iter(taken)
            .map(|plan| async move { self.take(job_ref, number, currency, &plan).await })
            .buffer_unordered(ROWS_AT_ONCE);
        while let Some(outcome) = rows.next().await {
            match outcome? {
                RowOutcome::Created => counts.created += 1,
                RowOutcome::Updated => counts.updated += 1,
                RowOutcome::Unchanged => counts.unchanged += 1,
            }
        }
        drop(rows);
        let mut next = ContactImport {
            status: ImportStatus::Running,
            rows: verdicts.len() as u64,
            next_row: to as u64,
            ..job.clone()
        };
        next.counts.add(counts);
        let done = to == verdicts.len();
        if done {
            next.has_report = self.write_report(&job, &sheet, &verdicts).await?;
            next.status = ImportStatus::Done;
            next.finished_at = Some(self.ports.clock.now());
        }
        if !self.ports.jobs.advance_import(&job, &next).await? {
            tracing::info!(import = %job.id, "another step took these rows first");
            return Ok(());
        }
        tracing::info!(import = %job.id, next_row = next.next_row, rows = next.rows, done, "import step done");
        if !done {
            self.ports.queue.enqueue_import(&job.id).await.map_err(|e| StoreError::Unavailable(e.to_string()))?;
        }
        Ok(())
    }

    async fn fail(&self, job: &ContactImport, why: String) -> Result<(), StoreError> {
        tracing::warn!(import = %job.id, error = %why, "import failed");
        let failed = ContactImport {
            status: ImportStatus::Failed,
            error: Some(why),
            finished_at: Some(self.ports.clock.now()),
            ..job.clone()
        };
        self.ports.jobs.advance_import(job, &failed).await.map(|_| ())
    }

    /// One row: the contact found or added, labelled, opted in, and its deal.
    async fn take(
        &self,
        job: &ContactImport,
        number: &str,
        currency: &str,
        plan: &RowPlan,
    ) -> Result<RowOutcome, StoreError> {
        let now = self.ports.clock.now();
        let new = NewContact {
            number: BusinessNumber(number.to_owned()),
            wa_id: plan.phone.wa_id().to_owned(),
            name: plan.name.clone(),
            owner: plan.owner.clone(),
            at: now,
            source: "import".to_owned(),
        };
        let (contact, created) = match self.ports.enrolment.enrol_contact(&new).await? {
            Enrolled::Created(id) => (id, true),
            Enrolled::Existing(id) => (id, false),
        };
        let labelled =
            match add_labels(&*self.ports.contacts, &*self.ports.records, &contact, &plan.tags, &plan.fields, "import")
                .await
            {
                Ok(labelled) => labelled,
                Err(LabelError::Store(e)) => return Err(e),
                // Only too many tags or fields on the contact: keep what it has.
                Err(LabelError::Invalid(why)) => {
                    tracing::warn!(import = %job.id, contact_id = %contact, error = %why, "row's labels left out");
                    super::contact_labels::Labelled {
                        contact: self.ports.contacts.contact(&contact).await?,
                        changed: false,
                    }
                }
            };
        let mut changed = labelled.changed;
        // An import never opts back in someone who opted out.
        let wants_consent = labelled
            .contact
            .as_ref()
            .is_some_and(|c| !c.opted_out && !c.consent.as_ref().is_some_and(|c| c.covers_marketing()));
        if plan.consent && wants_consent {
            if let Ok(consent) = staff_consent(now, ConsentMethod::Import, &["marketing".to_owned()]) {
                let audit =
                    self.audit(&job.requested_by, "opt_in", serde_json::json!({"method": "import", "import": job.id}));
                let audit = AuditEntry { contact: Some(contact.clone()), ..audit };
                self.ports.consent.record_consent(&contact, &consent, &audit).await?;
                changed = true;
            }
        }
        if let (Some(stage), Some(pipeline), Some(tag)) = (&plan.stage, &job.pipeline, &job.file_tag) {
            changed |= self.deal(job, &contact, plan, pipeline, stage, tag, currency).await?;
        }
        Ok(match (created, changed) {
            (true, _) => RowOutcome::Created,
            (false, true) => RowOutcome::Updated,
            (false, false) => RowOutcome::Unchanged,
        })
    }

    /// The row's deal, made once per file and number; `true` if made now.
    #[allow(clippy::too_many_arguments)]
    async fn deal(
        &self,
        job: &ContactImport,
        contact: &ContactId,
        plan: &RowPlan,
        pipeline: &str,
        stage: &str,
        file_tag: &str,
        currency: &str,
    ) -> Result<bool, StoreError> {
        let digest = Sha256::digest(format!("{file_tag}\n{}", plan.phone.as_str()).as_bytes());
        let id = format!("dl.import.{}", hex::encode(&digest[..10]));
        if self.ports.deals.deal(&id).await?.is_some() {
            return Ok(false);
        }
        let now = self.ports.clock.now();
        let actor = job.requested_by.clone();
        let deal = Deal {
            id: id.clone(),
            contact_id: contact.clone(),
            pipeline: pipeline.to_owned(),
            stage: stage.to_owned(),
            title: format!("{} · {}", plan.name.as_deref().unwrap_or("Imported contact"), job.filename),
            value_minor: plan.value_minor,
            currency: currency.to_owned(),
            owner: plan.owner.clone(),
            expected_close: None,
            custom_fields: BTreeMap::from([("import".to_owned(), job.id.clone())]),
            history: vec![StageChange { from: None, to: stage.to_owned(), by: actor.clone(), at: now }],
            created_at: now,
            updated_at: now,
        };
        let audit = AuditEntry {
            contact: Some(contact.clone()),
            ..self.audit(&actor, "deal_create", serde_json::json!({"deal": id, "import": job.id}))
        };
        match self.ports.deals.create_deal(&deal, &audit).await {
            Ok(()) => Ok(true),
            // A redone step made it a moment ago.
            Err(e) => match self.ports.deals.deal(&id).await? {
                Some(_) => Ok(false),
                None => Err(e),
            },
        }
    }

    /// Writes the rejected and skipped rows with their reasons; `false` when there are none.
    async fn write_report(
        &self,
        job: &ContactImport,
        sheet: &Sheet,
        verdicts: &[RowVerdict],
    ) -> Result<bool, StoreError> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["row".to_owned(), "outcome".to_owned(), "reason".to_owned()];
        header.extend(sheet.columns.iter().cloned());
        let unavailable = |e: &dyn std::fmt::Display| StoreError::Unavailable(format!("the report: {e}"));
        writer.write_record(&header).map_err(|e| unavailable(&e))?;
        let mut any = false;
        for (i, verdict) in verdicts.iter().enumerate() {
            let (outcome, reason) = match verdict {
                RowVerdict::Take(_) => continue,
                RowVerdict::Skip(reason) => ("skipped", reason),
                RowVerdict::Reject(reason) => ("rejected", reason),
            };
            any = true;
            let mut record = vec![(i + 2).to_string(), outcome.to_owned(), reason.clone()];
            // Cells that a spreadsheet would run are written as text.
            record.extend(sheet.rows[i].iter().map(|cell| match cell.starts_with(['=', '+', '-', '@']) {
                true => format!("'{cell}"),
                false => cell.clone(),
            }));
            writer.write_record(&record).map_err(|e| unavailable(&e))?;
        }
        if !any {
            return Ok(false);
        }
        let bytes = writer.into_inner().map_err(|e| unavailable(&e))?;
        let mut file = self.ports.reports.create(&job.report_key(), "text/csv").await.map_err(|e| unavailable(&e))?;
        file.write(&bytes).await.map_err(|e| unavailable(&e))?;
        file.finish().await.map_err(|e| unavailable(&e))?;
        Ok(true)
    }

    fn audit(&self, actor: &str, action: &str, detail: serde_json::Value) -> AuditEntry {
        AuditEntry {
            at: self.ports.clock.now(),
            actor: actor.to_owned(),
            action: action.to_owned(),
            contact: None,
            detail: detail.to_string(),
        }
    }
}
