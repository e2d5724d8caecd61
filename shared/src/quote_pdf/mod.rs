//! The quotation and invoice PDF: a pure, synchronous renderer from a
//! [`QuoteDocument`] to PDF bytes, with Hindi names shaped properly and the
//! text extractable (copy, search, `pdftotext`).

pub mod document;
pub mod error;
pub mod fonts;
pub mod layout;
pub mod money;
pub mod shaping;
pub mod writer;

#[cfg(test)]
pub(crate) mod tests;

pub use document::{DocumentKind, Party, QuoteDocument};
pub use error::QuotePdfError;
pub use fonts::FontFiles;
pub use money::format_money;

/// The PDF of `doc` drawn with `fonts`: A4 pages, fonts subset to the
/// glyphs used.
pub fn render_pdf(doc: &QuoteDocument, fonts: &'static fonts::FontFiles) -> Result<Vec<u8>, QuotePdfError> {
    let faces = fonts::Faces::parse(fonts)?;
    let pages = layout::compose(doc, &faces)?;
    let title = format!("{} {}", doc.kind.title(), doc.number);
    writer::write_pdf(&pages, &faces, &title)
}
