//! Where the browser downloads a quote's PDF.

use schemars::JsonSchema;
use serde::Serialize;

/// A short-lived link to the quote's PDF as it stands now (rendered on
/// request and kept among the contact's files).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "QuotePdf")]
pub struct QuotePdfView {
    /// A presigned GET that downloads the file under `filename`.
    pub url: String,
    /// `QT-2026-0001.pdf`, or the invoice's number once invoiced.
    pub filename: String,
    /// Seconds the link works.
    pub expires_in: u64,
}
