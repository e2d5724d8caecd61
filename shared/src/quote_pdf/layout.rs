//! The pages of a quotation: header, parties, the line table (wrapped cells,
//! its header repeated on each page), tax summary, totals, terms and a
//! "Page n of m" footer; A4 with 40 pt margins, text measured as shaped.

use super::document::QuoteDocument;
use super::error::QuotePdfError;
use super::fonts::{Faces, Weight};
use super::money::{format_money, format_percent, format_quantity};
use super::shaping::{shape, ShapedText};

/// A4 width in points.
pub const PAGE_WIDTH: f32 = 595.28;
/// A4 height in points.
pub const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 40.0;
const RIGHT: f32 = PAGE_WIDTH - MARGIN;
const TOP: f32 = PAGE_HEIGHT - MARGIN;
/// Room kept under the content for the footer line.
const BOTTOM: f32 = MARGIN + 22.0;
/// Devanagari's vowel signs reach far above and below the line: 1.45 em
/// keeps a Hindi line clear of the next.
const LEADING: f32 = 1.45;
const BODY: f32 = 9.0;
const TABLE: f32 = 8.0;
const CELL_PADDING: f32 = 3.0;
const MUTED: f32 = 0.35;

/// Something drawn on a page, in PDF coordinates (points, origin bottom left).
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Shaped text with its baseline starting at (`x`, `y`).
    Text {
        /// Left edge.
        x: f32,
        /// Baseline.
        y: f32,
        /// Fill gray, 0 black to 1 white.
        gray: f32,
        /// The glyphs.
        text: ShapedText,
    },
    /// A horizontal rule.
    Rule {
        /// Start.
        x1: f32,
        /// End.
        x2: f32,
        /// Height on the page.
        y: f32,
        /// Line width.
        width: f32,
    },
}

/// One page's items.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// What the page shows, in drawing order.
    pub items: Vec<Item>,
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Right,
}

struct Column {
    title: &'static str,
    width: f32,
    align: Align,
}

const FIXED_COLUMNS: f32 = 18.0 + 58.0 + 62.0 + 38.0 + 64.0 + 38.0 + 68.0;

fn columns() -> [Column; 8] {
    let column = |title, width, align| Column { title, width, align };
    [
        column("#", 18.0, Align::Left),
        column("Description", RIGHT - MARGIN - FIXED_COLUMNS, Align::Left),
        column("Qty", 58.0, Align::Right),
        column("Unit price", 62.0, Align::Right),
        column("Disc.", 38.0, Align::Right),
        column("Taxable", 64.0, Align::Right),
        column("Tax", 38.0, Align::Right),
        column("Amount", 68.0, Align::Right),
    ]
}

/// Lays `doc` out on as many pages as it needs.
pub fn compose(doc: &QuoteDocument, faces: &Faces) -> Result<Vec<Page>, QuotePdfError> {
    if doc.totals.lines.len() != doc.lines.len() {
        return Err(QuotePdfError::TotalsMismatch { totals: doc.totals.lines.len(), lines: doc.lines.len() });
    }
    let mut composer = Composer { faces, doc, pages: vec![Page::default()], y: TOP, in_table: false };
    composer.header();
    composer.parties();
    composer.table();
    composer.summary();
    composer.terms();
    composer.footers();
    Ok(composer.pages)
}

struct Composer<'a> {
    faces: &'a Faces,
    doc: &'a QuoteDocument,
    pages: Vec<Page>,
    /// The top of the free space on the current page.
    y: f32,
    /// Whether a page break must repeat the table's header.
    in_table: bool,
}

impl Composer<'_> {
    fn shape(&self, text: &str, weight: Weight, size: f32) -> ShapedText {
        shape(self.faces, text, weight, size)
    }

    fn push(&mut self, item: Item) {
        if let Some(page) = self.pages.last_mut() {
            page.items.push(item);
        }
    }

    fn put(&mut self, x: f32, baseline: f32, text: ShapedText, gray: f32) {
        self.push(Item::Text { x, y: baseline, gray, text });
    }

    fn rule(&mut self, y: f32, width: f32) {
        self.push(Item::Rule { x1: MARGIN, x2: RIGHT, y, width });
    }

    /// Starts a new page when `height` does not fit on this one.
    fn room_for(&mut self, height: f32) {
        if self.y - height < BOTTOM && self.y < TOP - 40.0 {
            self.new_page();
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = TOP;
        let running = format!("{} {} (continued)", self.doc.kind.title(), self.doc.number);
        let shaped = self.shape(&running, Weight::Regular, TABLE);
        self.put(MARGIN, self.y - TABLE, shaped, MUTED);
        self.y -= TABLE * LEADING + 6.0;
        if self.in_table {
            self.table_header();
        }
    }

    /// One line of text at the cursor, moving it down.
    fn line(&mut self, text: &str, weight: Weight, size: f32, gray: f32) {
        for shaped in wrap(self.faces, text, weight, size, RIGHT - MARGIN) {
            self.room_for(size * LEADING);
            self.put(MARGIN, self.y - size, shaped, gray);
            self.y -= size * LEADING;
        }
    }

    fn header(&mut self) {
        let doc = self.doc;
        let title = self.shape(doc.kind.title(), Weight::Bold, 20.0);
        self.put(MARGIN, self.y - 20.0, title, 0.0);
        let mut right =
            vec![(doc.number.clone(), Weight::Bold, 11.0), (format!("Date {}", doc.issued_on), Weight::Regular, BODY)];
        if doc.kind == super::DocumentKind::Quotation && !doc.valid_until.is_empty() {
            right.push((format!("Valid until {}", doc.valid_until), Weight::Regular, BODY));
        }
        if let Some(quotation) = &doc.against_quotation {
            right.push((format!("Against quotation {quotation}"), Weight::Regular, BODY));
        }
        let mut y = self.y;
        for (text, weight, size) in right {
            let shaped = self.shape(&text, weight, size);
            self.put(RIGHT - shaped.width, y - size, shaped, 0.0);
            y -= size * LEADING;
        }
        self.y = y.min(self.y - 20.0 * LEADING) - 6.0;
        self.line(&doc.business.name, Weight::Bold, 11.0, 0.0);
        for line in &doc.business.lines {
            self.line(line, Weight::Regular, BODY, MUTED);
        }
        self.y -= 10.0;
    }

    fn parties(&mut self) {
        let doc = self.doc;
        self.line("Bill to", Weight::Bold, BODY, MUTED);
        self.line(&doc.customer.name, Weight::Bold, 11.0, 0.0);
        for line in &doc.customer.lines {
            self.line(line, Weight::Regular, BODY, 0.0);
        }
        if let Some(place) = &doc.place_of_supply {
            self.line(&format!("Place of supply: {place}"), Weight::Regular, BODY, 0.0);
        }
        self.y -= 12.0;
    }

    fn table_header(&mut self) {
        self.rule(self.y, 0.8);
        let cells: Vec<String> = columns().iter().map(|c| c.title.to_owned()).collect();
        self.row(&cells, Weight::Bold);
        self.rule(self.y, 0.5);
    }

    /// One table row of wrapped cells; returns nothing, moves the cursor.
    fn row(&mut self, cells: &[String], weight: Weight) {
        let columns = columns();
        let wrapped: Vec<Vec<ShapedText>> = cells
            .iter()
            .zip(&columns)
            .map(|(cell, column)| wrap(self.faces, cell, weight, TABLE, column.width - 2.0 * CELL_PADDING))
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let height = lines as f32 * TABLE * LEADING + 2.0 * CELL_PADDING;
        self.room_for(height);
        let top = self.y - CELL_PADDING;
        let mut x = MARGIN;
        for (cell, column) in wrapped.into_iter().zip(&columns) {
            for (index, shaped) in cell.into_iter().enumerate() {
                let left = match column.align {
                    Align::Left => x + CELL_PADDING,
                    Align::Right => x + column.width - CELL_PADDING - shaped.width,
                };
                self.put(left, top - TABLE - index as f32 * TABLE * LEADING, shaped, 0.0);
            }
            x += column.width;
        }
        self.y -= height;
    }

    fn table(&mut self) {
        let doc = self.doc;
        self.room_for(3.0 * TABLE * LEADING + 4.0 * CELL_PADDING);
        self.table_header();
        self.in_table = true;
        for (index, (line, amounts)) in doc.lines.iter().zip(&doc.totals.lines).enumerate() {
            let tax_rate: u32 = amounts.taxes.iter().map(|t| t.rate_bp).sum();
            let quantity = match line.unit.as_str() {
                "" => format_quantity(line.quantity_milli),
                unit => format!("{} {unit}", format_quantity(line.quantity_milli)),
            };
            let discount = if line.discount_bp == 0 { "–".to_owned() } else { format_percent(line.discount_bp) };
            let cells = [
                (index + 1).to_string(),
                line.description.clone(),
                quantity,
                format_money(line.unit_price_minor, &doc.currency),
                discount,
                format_money(amounts.taxable_minor, &doc.currency),
                format_percent(if amounts.taxes.is_empty() { line.tax_rate_bp } else { tax_rate }),
                format_money(amounts.total_minor, &doc.currency),
            ];
            self.row(&cells, Weight::Regular);
            self.rule(self.y, 0.2);
        }
        self.in_table = false;
        self.rule(self.y, 0.8);
        self.y -= 8.0;
    }

    fn summary(&mut self) {
        let doc = self.doc;
        let totals = &doc.totals;
        let money = |minor: i64| format_money(minor, &doc.currency);
        let mut rows: Vec<(String, String, Weight)> = Vec::new();
        if totals.discount_minor > 0 {
            rows.push(("Gross".into(), money(totals.gross_minor), Weight::Regular));
            rows.push(("Discount".into(), format!("-{}", money(totals.discount_minor)), Weight::Regular));
        }
        rows.push(("Taxable amount".into(), money(totals.taxable_minor), Weight::Regular));
        for tax in &totals.taxes {
            rows.push((
                format!("{} {}", tax.name, format_percent(tax.rate_bp)),
                money(tax.amount_minor),
                Weight::Regular,
            ));
        }
        rows.push((format!("Grand total ({})", doc.currency), money(totals.total_minor), Weight::Bold));
        let label_x = RIGHT - 250.0;
        for (label, value, weight) in rows {
            let size = if weight == Weight::Bold { 11.0 } else { BODY };
            self.room_for(size * LEADING);
            if weight == Weight::Bold {
                self.push(Item::Rule { x1: label_x, x2: RIGHT, y: self.y, width: 0.5 });
                self.y -= 3.0;
            }
            let label = self.shape(&label, weight, size);
            let value = self.shape(&value, weight, size);
            let baseline = self.y - size;
            self.put(label_x, baseline, label, 0.0);
            self.put(RIGHT - value.width, baseline, value, 0.0);
            self.y -= size * LEADING;
        }
        self.y -= 12.0;
    }

    fn terms(&mut self) {
        let terms = self.doc.terms.trim();
        if terms.is_empty() {
            return;
        }
        self.room_for(3.0 * BODY * LEADING);
        self.line("Terms", Weight::Bold, BODY, 0.0);
        for paragraph in terms.lines() {
            if paragraph.trim().is_empty() {
                self.y -= BODY * 0.6;
            } else {
                self.line(paragraph, Weight::Regular, BODY, 0.0);
            }
        }
    }

    fn footers(&mut self) {
        let count = self.pages.len();
        for number in 1..=count {
            let shaped = shape(self.faces, &format!("Page {number} of {count}"), Weight::Regular, TABLE);
            let x = (PAGE_WIDTH - shaped.width) / 2.0;
            if let Some(page) = self.pages.get_mut(number - 1) {
                page.items.push(Item::Text { x, y: MARGIN, gray: MUTED, text: shaped });
            }
        }
    }
}

/// `text` broken into lines no wider than `width` points: at spaces, and
/// inside a word that alone is too wide between its clusters (never inside
/// a conjunct). An empty text is one empty line.
pub fn wrap(faces: &Faces, text: &str, weight: Weight, size: f32, width: f32) -> Vec<ShapedText> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() { word.to_owned() } else { format!("{current} {word}") };
        if shape(faces, &candidate, weight, size).width <= width {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        let mut pieces = break_word(faces, word, weight, size, width);
        current = pieces.pop().unwrap_or_default();
        lines.extend(pieces);
    }
    lines.push(current);
    lines.iter().map(|line| shape(faces, line, weight, size)).collect()
}

/// A word cut between clusters into pieces that fit `width` (each at least
/// one cluster, however narrow the column).
fn break_word(faces: &Faces, word: &str, weight: Weight, size: f32, width: f32) -> Vec<String> {
    let shaped = shape(faces, word, weight, size);
    let mut clusters: Vec<(usize, f32)> = Vec::new();
    for glyph in &shaped.glyphs {
        match clusters.iter_mut().find(|(start, _)| *start == glyph.cluster) {
            Some((_, advance)) => *advance += glyph.x_advance,
            None => clusters.push((glyph.cluster, glyph.x_advance)),
        }
    }
    clusters.sort_by_key(|(start, _)| *start);
    let mut pieces = Vec::new();
    let mut piece_start = 0;
    let mut piece_width = 0.0;
    for (start, advance) in clusters {
        if piece_width + advance > width && start > piece_start {
            pieces.push(word.get(piece_start..start).unwrap_or_default().to_owned());
            piece_start = start;
            piece_width = 0.0;
        }
        piece_width += advance;
    }
    pieces.push(word.get(piece_start..).unwrap_or_default().to_owned());
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[ShapedText]) -> Vec<String> {
        lines.iter().map(|l| l.glyphs.iter().map(|g| g.text.as_str()).collect()).collect()
    }

    #[test]
    fn words_wrap_at_spaces_within_the_width() {
        let faces = crate::quote_pdf::tests::shipped_faces();
        let lines = wrap(&faces, "Handwoven cotton kurta with  mirror work", Weight::Regular, 10.0, 90.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.width <= 90.0));
        assert_eq!(texts(&lines).join(" "), "Handwoven cotton kurta with mirror work");
    }

    #[test]
    fn a_word_wider_than_the_column_is_broken_between_clusters() {
        let faces = crate::quote_pdf::tests::shipped_faces();
        let long = "Supercalifragilisticexpialidocious".repeat(3);
        let lines = wrap(&faces, &long, Weight::Regular, 10.0, 60.0);
        assert!(lines.len() > 3);
        assert!(lines.iter().all(|l| l.width <= 60.0));
        assert_eq!(texts(&lines).concat(), long);
        let hindi = "क्षत्रियश्रीमतीप्रियाशर्मा";
        let lines = wrap(&faces, hindi, Weight::Regular, 10.0, 30.0);
        assert!(lines.len() > 1);
        assert_eq!(texts(&lines).concat(), hindi);
        // The conjunct क्ष stays whole on the first line.
        assert!(texts(&lines)[0].starts_with("क्ष"));
    }

    #[test]
    fn empty_text_is_one_empty_line() {
        let faces = crate::quote_pdf::tests::shipped_faces();
        let lines = wrap(&faces, "  ", Weight::Regular, 10.0, 60.0);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].glyphs.is_empty());
    }
}
