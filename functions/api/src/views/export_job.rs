//! An export job.

use parley::app::exports::{ExportView, LINK_SECONDS};
use schemars::JsonSchema;
use serde::Serialize;

/// An export job as the API shows it; once `done`, `download_url` is a link
/// valid for `download_expires_in_seconds`.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ExportJob")]
pub struct ExportJobView {
    id: String,
    #[schemars(extend("enum" = ["contacts", "conversations", "deals"]))]
    what: &'static str,
    #[schemars(extend("enum" = ["csv", "json"]))]
    format: &'static str,
    #[schemars(extend("enum" = ["queued", "running", "done", "failed"]))]
    status: &'static str,
    rows: Option<u64>,
    requested_by: String,
    requested_at: String,
    finished_at: Option<String>,
    download_url: Option<String>,
    download_expires_in_seconds: Option<u64>,
}

impl From<ExportView> for ExportJobView {
    fn from(view: ExportView) -> Self {
        let job = view.job;
        ExportJobView {
            id: job.id,
            what: job.kind.as_str(),
            format: job.format.as_str(),
            status: job.status.as_str(),
            rows: job.rows,
            requested_by: job.requested_by,
            requested_at: job.requested_at.to_rfc3339(),
            finished_at: job.finished_at.map(|f| f.to_rfc3339()),
            download_expires_in_seconds: view.download_url.as_ref().map(|_| LINK_SECONDS),
            download_url: view.download_url,
        }
    }
}
