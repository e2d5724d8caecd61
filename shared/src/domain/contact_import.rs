//! A CSV import of contacts: the file staff upload, how its columns map
//! onto contacts and deals, and how far the worker has got. The worker
//! takes the rows in steps, each recorded with the row it reached, so a
//! 50,000-row file never runs into a function's time limit and a step run
//! twice (a redelivery, a crash) counts nothing twice.

use super::import_mapping::ImportTarget;
use super::Millis;
use serde::{Deserialize, Serialize};

/// The largest file taken (about 200,000 short rows).
pub const MAX_IMPORT_BYTES: u64 = 20 * 1024 * 1024;

/// Rows one worker step takes: small enough that the counts on screen move
/// every few seconds, large enough that a 50,000-row file is 200 queue
/// messages.
pub const ROWS_PER_STEP: usize = 250;

/// Where an import stands.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Created; the browser has not (or not yet) put the file.
    AwaitingUpload,
    /// Mapped and started; the worker has not picked it up.
    Queued,
    /// The worker is taking its rows.
    Running,
    /// Every row was taken, rejected or skipped.
    Done,
    /// The file could not be read at all.
    Failed,
}

/// What the rows came to so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    /// New contacts.
    pub created: u64,
    /// Contacts that were there and got something new (tags, fields, a deal, an opt-in).
    pub updated: u64,
    /// Contacts that were there with everything the row says.
    pub unchanged: u64,
    /// Rows refused, each with its reason in the report.
    pub rejected: u64,
    /// Blank rows and repeats of a phone number earlier in the file.
    pub skipped: u64,
}

impl ImportCounts {
    /// Adds `other`.
    pub fn add(&mut self, other: ImportCounts) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.rejected += other.rejected;
        self.skipped += other.skipped;
    }
}

/// One import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactImport {
    /// `im.` and 20 hex digits.
    pub id: String,
    /// The file's name as the browser gave it.
    pub filename: String,
    /// Where it stands.
    pub status: ImportStatus,
    /// What each column is, in column order (once started).
    pub mapping: Vec<ImportTarget>,
    /// The pipeline deals open in (when a stage or value column is mapped).
    pub pipeline: Option<String>,
    /// Tags every row gets.
    pub tags: Vec<String>,
    /// The uploaded file's entity tag: the same file imported again makes
    /// the same deal ids, so nothing new.
    pub file_tag: Option<String>,
    /// Data rows in the file (known once the worker read it).
    pub rows: u64,
    /// The next data row to take (0-based).
    pub next_row: u64,
    /// What the rows came to.
    pub counts: ImportCounts,
    /// Why the file could not be read.
    pub error: Option<String>,
    /// Whether a report of rejected and skipped rows was written.
    pub has_report: bool,
    /// Who started it.
    pub requested_by: String,
    /// When it was created.
    pub requested_at: Millis,
    /// When it was done or failed.
    pub finished_at: Option<Millis>,
}

impl ContactImport {
    /// Where the uploaded file is, in the upload bucket.
    pub fn file_key(&self) -> String {
        format!("imports/{}.csv", self.id)
    }

    /// Where the report is, in the export bucket.
    pub fn report_key(&self) -> String {
        format!("imports/{}-report.csv", self.id)
    }
}
