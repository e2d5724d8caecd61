//! Numbering series per business: `QT-2026-0001` for quotes and
//! `INV-2026-0001` for invoices, one counter per series and year.

/// Which series a number belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    /// Quotations.
    Quote,
    /// Invoices.
    Invoice,
}

impl Series {
    /// The printed prefix.
    pub fn prefix(self) -> &'static str {
        match self {
            Series::Quote => "QT",
            Series::Invoice => "INV",
        }
    }

    /// The counter's name for `year` (a storage key part).
    pub fn counter(self, year: i32) -> String {
        format!("{}-{year}", self.prefix())
    }

    /// The printed number: at least four digits, more once a year needs them.
    pub fn number(self, year: i32, sequence: u64) -> String {
        format!("{}-{year}-{sequence:04}", self.prefix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_businesses_write_them() {
        assert_eq!(Series::Quote.number(2026, 1), "QT-2026-0001");
        assert_eq!(Series::Invoice.number(2026, 42), "INV-2026-0042");
        assert_eq!(Series::Quote.number(2027, 12_345), "QT-2027-12345");
        assert_eq!(Series::Invoice.counter(2026), "INV-2026");
    }
}
