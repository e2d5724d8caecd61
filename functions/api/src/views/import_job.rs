//! A contact import, and the preview of its file.

use parley::app::contact_imports::ImportPreview;
use parley::domain::contact_import::{ContactImport, ImportStatus};
use schemars::JsonSchema;
use serde::Serialize;

/// An import as the API shows it: `upload_url` only when it was just
/// created (PUT the file there with `Content-Type: text/csv`), the counts
/// as the worker goes, and `report_url` (rejected and skipped rows with
/// their reasons) once done, when there are any.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ImportJob")]
pub struct ImportJobView {
    id: String,
    filename: String,
    status: ImportStatus,
    upload_url: Option<String>,
    pipeline: Option<String>,
    /// Data rows in the file (known once started).
    rows: u64,
    created: u64,
    updated: u64,
    unchanged: u64,
    rejected: u64,
    skipped: u64,
    report_url: Option<String>,
    error: Option<String>,
    requested_by: String,
    requested_at: String,
    finished_at: Option<String>,
}

impl ImportJobView {
    /// The view of `job`, with the links the caller has.
    pub fn new(job: ContactImport, upload_url: Option<String>, report_url: Option<String>) -> Self {
        ImportJobView {
            id: job.id,
            filename: job.filename,
            status: job.status,
            upload_url,
            pipeline: job.pipeline,
            rows: job.rows,
            created: job.counts.created,
            updated: job.counts.updated,
            unchanged: job.counts.unchanged,
            rejected: job.counts.rejected,
            skipped: job.counts.skipped,
            report_url,
            error: job.error,
            requested_by: job.requested_by,
            requested_at: job.requested_at.to_rfc3339(),
            finished_at: job.finished_at.map(|at| at.to_rfc3339()),
        }
    }
}

/// The uploaded file's first rows, and a guess at what each column is
/// (`""` ignored, `name`, `phone`, `tags`, `owner`, `stage`, `value`,
/// `consent` or `fields.<key>`).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ImportPreview")]
pub struct ImportPreviewView {
    delimiter: String,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
    suggested: Vec<String>,
}

impl From<ImportPreview> for ImportPreviewView {
    fn from(preview: ImportPreview) -> Self {
        ImportPreviewView {
            delimiter: preview.delimiter.to_string(),
            columns: preview.columns,
            rows: preview.rows,
            suggested: preview.suggested.into_iter().map(String::from).collect(),
        }
    }
}
