//! One line of the spend report.

/// One line of the spend report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendLine {
    /// `YYYY-MM`.
    pub month: String,
    /// Meta's pricing category.
    pub category: String,
    /// Billable messages.
    pub billable: u64,
    /// Free messages (service, free entry point, utility in window).
    pub free: u64,
}
