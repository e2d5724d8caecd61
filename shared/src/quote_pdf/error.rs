//! Why a quotation PDF could not be made.

/// A PDF that cannot be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuotePdfError {
    /// The totals were computed for other lines than the document holds.
    #[error("the totals cover {totals} lines but the document has {lines}")]
    TotalsMismatch {
        /// Lines the totals cover.
        totals: usize,
        /// Lines the document holds.
        lines: usize,
    },
    /// A font subset could not be built.
    #[error("the {font} font could not be subset: {reason}")]
    Subset {
        /// The face's PostScript name.
        font: &'static str,
        /// What the subsetter said.
        reason: String,
    },
    /// A font file is not a font (a broken deployment: the layer holds
    /// other files).
    #[error("the font file {0} does not parse")]
    Font(&'static str),
    /// More distinct glyphs than one embedded font can address (65 535).
    #[error("the document uses more than 65535 distinct glyphs of {0}")]
    TooManyGlyphs(&'static str),
}
