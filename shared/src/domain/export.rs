//! Exports of the business's data: what is exported, in which format, the
//! job that writes it, and spreadsheet-safe CSV.

use super::Millis;

/// What an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// Every contact.
    Contacts,
    /// Every contact with its whole timeline.
    Conversations,
    /// Every deal of every pipeline.
    Deals,
}

impl ExportKind {
    /// The API's name.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::Contacts => "contacts",
            ExportKind::Conversations => "conversations",
            ExportKind::Deals => "deals",
        }
    }

    /// Parses the API's name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "contacts" => Some(ExportKind::Contacts),
            "conversations" => Some(ExportKind::Conversations),
            "deals" => Some(ExportKind::Deals),
            _ => None,
        }
    }
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Comma-separated, spreadsheet-safe.
    Csv,
    /// A JSON array.
    Json,
}

impl ExportFormat {
    /// The API's name, also the file extension.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }

    /// Parses the API's name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "csv" => Some(ExportFormat::Csv),
            "json" => Some(ExportFormat::Json),
            _ => None,
        }
    }

    /// The file's media type.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Json => "application/json",
        }
    }
}

/// Where an export job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportStatus {
    /// Asked for; waiting for the worker.
    Queued,
    /// Being written.
    Running,
    /// Written; downloadable.
    Done,
    /// Gave up; ask again.
    Failed,
}

impl ExportStatus {
    /// The API's name.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportStatus::Queued => "queued",
            ExportStatus::Running => "running",
            ExportStatus::Done => "done",
            ExportStatus::Failed => "failed",
        }
    }

    /// Parses the API's name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "queued" => Some(ExportStatus::Queued),
            "running" => Some(ExportStatus::Running),
            "done" => Some(ExportStatus::Done),
            "failed" => Some(ExportStatus::Failed),
            _ => None,
        }
    }

    /// Whether the worker has nothing more to do.
    pub fn is_final(self) -> bool {
        matches!(self, ExportStatus::Done | ExportStatus::Failed)
    }
}

/// One export, from request to file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportJob {
    /// `ex.` and 20 hex digits.
    pub id: String,
    /// What.
    pub kind: ExportKind,
    /// How.
    pub format: ExportFormat,
    /// Who asked.
    pub requested_by: String,
    /// When.
    pub requested_at: Millis,
    /// Where it stands.
    pub status: ExportStatus,
    /// Rows written, once done.
    pub rows: Option<u64>,
    /// When it was done or gave up.
    pub finished_at: Option<Millis>,
}

impl ExportJob {
    /// The file's key in the export bucket.
    pub fn object_key(&self) -> String {
        format!("exports/{}.{}", self.id, self.format.as_str())
    }

    /// The name the download is saved under.
    pub fn file_name(&self) -> String {
        format!("parley-{}.{}", self.kind.as_str(), self.format.as_str())
    }
}

/// One RFC 4180 CSV line (with its `\r\n`). Cells that a spreadsheet would
/// run as a formula are prefixed with `'` (customers write these strings).
pub fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let cell = |value: &str| {
        let safe =
            if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_owned() };
        if safe.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", safe.replace('"', "\"\""))
        } else {
            safe
        }
    };
    let mut line = cells.iter().map(|c| cell(c.as_ref())).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_line(&["a", "b"]), "a,b\r\n");
        assert_eq!(csv_line(&["x,y", "=HYPERLINK(\"evil\")"]), "\"x,y\",\"'=HYPERLINK(\"\"evil\"\")\"\r\n");
        assert_eq!(csv_line(&["line\nbreak", "ok"]), "\"line\nbreak\",ok\r\n");
        assert_eq!(csv_line(&["-1", "@me"]), "'-1,'@me\r\n");
    }

    #[test]
    fn names_round_trip() {
        for kind in [ExportKind::Contacts, ExportKind::Conversations, ExportKind::Deals] {
            assert_eq!(ExportKind::parse(kind.as_str()), Some(kind));
        }
        for status in [ExportStatus::Queued, ExportStatus::Running, ExportStatus::Done, ExportStatus::Failed] {
            assert_eq!(ExportStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(ExportFormat::parse("xml"), None);
    }
}
