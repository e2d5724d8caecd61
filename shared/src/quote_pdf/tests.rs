//! The rendered PDF read back with poppler's `pdftotext`, as a person
//! copying from it (or a search index) would read it.

use super::*;
use crate::domain::identity::ContactId;
use crate::domain::quote::{Quote, QuoteState, MAX_LINES};
use crate::domain::quote_line::QuoteLine;
use crate::domain::tax_scheme::TaxScheme;
use crate::domain::Millis;
use std::process::Command;

const CUSTOMER: &str = "श्रीमती प्रिया शर्मा";

/// The fonts as they ship (`shared/fonts/`), read once.
pub(crate) fn shipped_fonts() -> &'static FontFiles {
    static FONTS: std::sync::OnceLock<FontFiles> = std::sync::OnceLock::new();
    FONTS.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        FontFiles::new(fonts::FaceId::ALL.map(|id| std::fs::read(dir.join(id.file_name())).expect("a shipped font")))
    })
}

/// The shipped fonts, parsed: what layout and shaping tests measure with.
pub(crate) fn shipped_faces() -> fonts::Faces {
    fonts::Faces::parse(shipped_fonts()).expect("the shipped fonts parse")
}

fn line(description: &str, quantity_milli: i64, unit: &str, unit_price_minor: i64, discount_bp: u32) -> QuoteLine {
    QuoteLine {
        product_id: None,
        description: description.into(),
        quantity_milli,
        unit: unit.into(),
        unit_price_minor,
        discount_bp,
        tax_rate_bp: 1_800,
    }
}

fn quote(customer_state: &str) -> Quote {
    Quote {
        id: "qt.1".into(),
        number: "QT-2026-0001".into(),
        invoice_number: None,
        contact_id: ContactId::parse("0123456789abcdef01234567").expect("a valid id"),
        deal_id: None,
        state: QuoteState::Sent,
        currency: "INR".into(),
        tax: TaxScheme::Gst { business_state: "MH".into(), customer_state: customer_state.into() },
        lines: vec![
            line("Banarasi silk saree with zari border and matching blouse piece", 10_000, "pc", 1_249_900, 1_000),
            line("Cotton kurta (क्षितिज collection)", 3_000, "pc", 49_900, 0),
            line("Stitching and fall-pico", 2_500, "m", 30_000, 0),
        ],
        valid_until: "2026-12-31".into(),
        terms: "50% advance, balance on delivery.\n\nPrices include packing; delivery within 7 days of the advance."
            .into(),
        history: vec![],
        created_by: "a@x".into(),
        created_at: Millis(1),
        updated_at: Millis(1),
    }
}

fn business() -> Party {
    Party {
        name: "Lakshmi Textiles".into(),
        lines: vec!["12 MG Road, Pune 411001".into(), "GSTIN 27AAAPL1234C1Z5".into()],
    }
}

fn customer() -> Party {
    Party {
        name: CUSTOMER.into(), lines: vec!["फ्लैट 4, शांति निवास, नासिक".into()]
    }
}

/// The text poppler extracts from `pdf`; fails (never skips) without it.
pub(crate) fn pdftotext(pdf: &[u8], name: &str, mode: &str) -> String {
    let path = std::env::temp_dir().join(format!("parley-{name}-{}.pdf", std::process::id()));
    std::fs::write(&path, pdf).expect("the temp dir is writable");
    let output = Command::new("pdftotext").args([mode, "-enc", "UTF-8"]).arg(&path).arg("-").output();
    let _ = std::fs::remove_file(&path);
    let output = output.unwrap_or_else(|e| {
        panic!("pdftotext could not run ({e}): install poppler-utils (apt-get install poppler-utils; infra/setup.sh --browser does)")
    });
    assert!(output.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("pdftotext writes UTF-8")
}

/// Leaves a copy in `$PARLEY_QUOTE_PDF_DIR`, when set, to look at.
fn keep(pdf: &[u8], name: &str) {
    if let Some(dir) = std::env::var_os("PARLEY_QUOTE_PDF_DIR") {
        std::fs::write(std::path::Path::new(&dir).join(format!("{name}.pdf")), pdf)
            .expect("the PDF is written where asked");
    }
}

fn render(doc: &QuoteDocument) -> Vec<u8> {
    let pdf = render_pdf(doc, shipped_fonts()).expect("the document renders");
    assert!(pdf.starts_with(b"%PDF-"));
    pdf
}

#[test]
fn an_intra_state_gst_quote_reads_back_with_the_hindi_name_and_cgst_sgst() {
    let q = quote("MH");
    let doc = QuoteDocument::from_quote(&q, business(), customer(), "2026-12-01".into()).expect("amounts fit");
    let pdf = render(&doc);
    keep(&pdf, "gst-intra");
    let text = pdftotext(&pdf, "gst-intra", "-layout");
    println!("GST quote PDF: {} bytes\n{text}", pdf.len());
    let totals = q.totals().expect("amounts fit");
    for expected in [
        CUSTOMER,
        "फ्लैट 4, शांति निवास, नासिक",
        "क्षितिज",
        "Quotation",
        "QT-2026-0001",
        "Valid until 2026-12-31",
        "Lakshmi Textiles",
        "GSTIN 27AAAPL1234C1Z5",
        "Place of supply: Maharashtra (MH)",
        "CGST 9%",
        "SGST 9%",
        "2.5 m",
        "10%",
        &format_money(totals.total_minor, "INR"),
        &format_money(totals.discount_minor, "INR"),
        "Page 1 of 1",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }
    assert!(!text.contains("IGST"));
    assert!(totals.total_minor > 10_000_000, "the total needs lakh grouping to be a test of it");
}

#[test]
fn an_inter_state_gst_invoice_charges_igst() {
    let mut q = quote("KA");
    q.state = QuoteState::Invoiced;
    q.invoice_number = Some("INV-2026-0001".into());
    let doc = QuoteDocument::from_quote(&q, business(), customer(), "2026-12-02".into()).expect("amounts fit");
    assert_eq!(doc.kind, DocumentKind::Invoice);
    let text = pdftotext(&render(&doc), "gst-inter", "-layout");
    let totals = q.totals().expect("amounts fit");
    for expected in [
        CUSTOMER,
        "Tax invoice",
        "INV-2026-0001",
        "Against quotation QT-2026-0001",
        "Place of supply: Karnataka (KA)",
        "IGST 18%",
        &format_money(totals.taxes[0].amount_minor, "INR"),
        &format_money(totals.total_minor, "INR"),
        "Page 1 of 1",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }
    assert!(!text.contains("CGST") && !text.contains("Valid until"));
}

#[test]
fn a_vat_quote_in_euros_prints_vat_and_eur_amounts() {
    let mut q = quote("MH");
    q.currency = "EUR".into();
    q.tax = TaxScheme::Single { name: "VAT".into() };
    for l in &mut q.lines {
        l.tax_rate_bp = 2_000;
    }
    let doc = QuoteDocument::from_quote(
        &q,
        business(),
        Party { name: "Anna Müller".into(), lines: vec![] },
        "2026-12-01".into(),
    )
    .expect("amounts fit");
    assert_eq!(doc.place_of_supply, None);
    let text = pdftotext(&render(&doc), "vat", "-layout");
    let totals = q.totals().expect("amounts fit");
    for expected in [
        "Anna Müller",
        "VAT 20%",
        "Grand total (EUR)",
        &format_money(totals.taxes[0].amount_minor, "EUR"),
        &format_money(totals.total_minor, "EUR"),
        "EUR 12,499.00",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }
    assert!(!text.contains('₹') && !text.contains("CGST") && !text.contains("IGST"));
}

#[test]
fn a_hundred_long_lines_run_over_pages_and_every_description_reads_back() {
    let mut q = quote("MH");
    q.lines = (1..=MAX_LINES)
        .map(|n| {
            let description = format!(
                "Item {n:03}: handwoven Chanderi silk dupatta, hand block printed in natural indigo, \
                 with tassels and a gift box (डिज़ाइन {n})"
            );
            line(&description, (n as i64) * 1_000, "pc", 10_000 + n as i64, if n % 3 == 0 { 500 } else { 0 })
        })
        .collect();
    let doc = QuoteDocument::from_quote(&q, business(), customer(), "2026-12-01".into()).expect("amounts fit");
    let pdf = render(&doc);
    keep(&pdf, "long");
    // Reading order (-raw) keeps a wrapped description's lines together.
    let text = pdftotext(&pdf, "long", "-raw");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for l in &q.lines {
        assert!(flat.contains(&l.description), "{:?} missing", l.description);
    }
    assert!(flat.contains("Page 2 of"), "one page only:\n{text}");
    assert!(!flat.contains("Page 1 of 1"));
    let totals = q.totals().expect("amounts fit");
    assert!(flat.contains(&format_money(totals.total_minor, "INR")));
    assert!(flat.contains("(continued)"));
}

#[test]
fn totals_for_other_lines_are_refused() {
    let q = quote("MH");
    let mut doc = QuoteDocument::from_quote(&q, business(), customer(), "2026-12-01".into()).expect("amounts fit");
    doc.lines.pop();
    assert_eq!(render_pdf(&doc, shipped_fonts()), Err(QuotePdfError::TotalsMismatch { totals: 3, lines: 2 }));
}

#[test]
fn only_an_invoiced_or_paid_quote_with_its_number_is_an_invoice() {
    let mut q = quote("MH");
    q.invoice_number = Some("INV-2026-0007".into());
    for (state, kind, number) in [
        (QuoteState::Accepted, DocumentKind::Quotation, "QT-2026-0001"),
        (QuoteState::Invoiced, DocumentKind::Invoice, "INV-2026-0007"),
        (QuoteState::Paid, DocumentKind::Invoice, "INV-2026-0007"),
    ] {
        q.state = state;
        let doc = QuoteDocument::from_quote(&q, business(), customer(), "2026-12-01".into()).expect("amounts fit");
        assert_eq!((doc.kind, doc.number.as_str()), (kind, number), "{state:?}");
    }
    q.invoice_number = None;
    let doc = QuoteDocument::from_quote(&q, business(), customer(), "2026-12-01".into()).expect("amounts fit");
    assert_eq!(doc.kind, DocumentKind::Quotation);
}
