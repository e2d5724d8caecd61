//! Pages to PDF bytes: each used face embedded as a subset Type0 font with a
//! CIDFontType2 descendant, Identity-H encoded, and a ToUnicode map so text
//! extraction returns the original strings.
//!
//! A glyph can stand for different text in different places (the i-matra
//! glyph opens "कि" here and "मि" there; the consonant क is "क" alone but
//! nothing after that matra), and a ToUnicode map knows one text per code.
//! So codes (CIDs) are given per distinct glyph-and-text pair, and a
//! CIDToGIDMap stream points each at its glyph in the subset.
//!
//! Text extractors put a space where they see a gap between one character
//! and the next. A cluster's text sits on its first glyph, so that code's
//! width (W) is the whole cluster's advance and the cluster's other glyphs
//! are 0 wide; TJ shifts still place every glyph exactly where shaping did.

use super::error::QuotePdfError;
use super::fonts::{FaceId, Faces};
use super::layout::{Item, Page, PAGE_HEIGHT, PAGE_WIDTH};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::Filter;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use std::collections::{BTreeMap, HashMap};
use subsetter::GlyphRemapper;

/// The codes one face's glyphs get in this document.
#[derive(Default)]
struct FontUse {
    codes: HashMap<(u16, String), u16>,
    /// Code `i + 1` (code 0 is .notdef with no text).
    entries: Vec<Entry>,
}

struct Entry {
    glyph: u16,
    text: String,
    /// The code's width, in thousandths of the font size.
    width: f32,
}

impl FontUse {
    /// The code for `glyph` standing for `text`, and its width; a new code
    /// takes `width` (thousandths of the size).
    fn code(&mut self, face: FaceId, glyph: u16, text: &str, width: f32) -> Result<(u16, f32), QuotePdfError> {
        if let Some(&code) = self.codes.get(&(glyph, text.to_owned())) {
            let width = self.entries.get(usize::from(code) - 1).map_or(0.0, |e| e.width);
            return Ok((code, width));
        }
        let code = u16::try_from(self.entries.len() + 1)
            .ok()
            .filter(|&c| c < u16::MAX)
            .ok_or(QuotePdfError::TooManyGlyphs(face.postscript_name()))?;
        self.codes.insert((glyph, text.to_owned()), code);
        self.entries.push(Entry { glyph, text: text.to_owned(), width });
        Ok((code, width))
    }
}

/// Segments of a TJ array: glyph codes and kerning-like shifts.
enum Shown {
    Codes(Vec<u8>),
    Shift(f32),
}

/// The PDF for `pages`, titled `title` in its metadata.
pub fn write_pdf(pages: &[Page], faces: &Faces, title: &str) -> Result<Vec<u8>, QuotePdfError> {
    let mut fonts: BTreeMap<FaceId, FontUse> = BTreeMap::new();
    let mut contents = Vec::with_capacity(pages.len());
    for page in pages {
        contents.push(page_content(page, &mut fonts)?);
    }

    let mut pdf = Pdf::new();
    let mut next = 1;
    let mut alloc = || {
        let id = Ref::new(next);
        next += 1;
        id
    };
    let catalog_id = alloc();
    let tree_id = alloc();
    let info_id = alloc();
    let page_ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (alloc(), alloc())).collect();
    let font_ids: Vec<(FaceId, [Ref; 6])> =
        fonts.keys().map(|&face| (face, [alloc(), alloc(), alloc(), alloc(), alloc(), alloc()])).collect();

    pdf.catalog(catalog_id).pages(tree_id);
    pdf.document_info(info_id).title(TextStr(title)).producer(TextStr("Parley"));
    let count = i32::try_from(pages.len()).unwrap_or(i32::MAX);
    pdf.pages(tree_id).kids(page_ids.iter().map(|(page, _)| *page)).count(count);
    for ((page_id, content_id), content) in page_ids.iter().zip(contents) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT)).parent(tree_id).contents(*content_id);
        let mut resources = page.resources();
        let mut names = resources.fonts();
        for (face, ids) in &font_ids {
            names.pair(font_name(*face).as_name(), ids[0]);
        }
        names.finish();
        resources.finish();
        page.finish();
        pdf.stream(*content_id, &deflate(&content)).filter(Filter::FlateDecode);
    }
    for (face, ids) in font_ids {
        if let Some(used) = fonts.get(&face) {
            write_font(&mut pdf, faces, face, used, ids)?;
        }
    }
    Ok(pdf.finish())
}

struct FontName(String);

impl FontName {
    fn as_name(&self) -> Name<'_> {
        Name(self.0.as_bytes())
    }
}

fn font_name(face: FaceId) -> FontName {
    FontName(format!("F{}", face as usize))
}

fn page_content(page: &Page, fonts: &mut BTreeMap<FaceId, FontUse>) -> Result<Vec<u8>, QuotePdfError> {
    let mut content = Content::new();
    for item in &page.items {
        match item {
            Item::Rule { x1, x2, y, width } => {
                content.set_line_width(*width).set_stroke_gray(0.6).move_to(*x1, *y).line_to(*x2, *y).stroke();
            }
            Item::Text { x, y, gray, text } => {
                let size = text.size;
                let mut pen = *x;
                let mut start = 0;
                // One BT…ET per run of one face.
                while start < text.glyphs.len() {
                    let face = text.glyphs[start].face;
                    let end = text.glyphs[start..]
                        .iter()
                        .position(|g| g.face != face)
                        .map_or(text.glyphs.len(), |p| start + p);
                    let font = fonts.entry(face).or_default();
                    let mut chunks: Vec<(f32, Vec<Shown>)> = Vec::new();
                    for glyph in &text.glyphs[start..end] {
                        let cluster_advance: f32 = if glyph.text.is_empty() {
                            0.0
                        } else {
                            text.glyphs.iter().filter(|g| g.cluster == glyph.cluster).map(|g| g.x_advance).sum()
                        };
                        let (code, width) =
                            font.code(face, glyph.glyph_id, &glyph.text, cluster_advance * 1000.0 / size)?;
                        let width = width * size / 1000.0;
                        if chunks.last().is_none_or(|(rise, _)| *rise != glyph.y_offset) {
                            chunks.push((glyph.y_offset, Vec::new()));
                        }
                        if let Some((_, shown)) = chunks.last_mut() {
                            shift(shown, glyph.x_offset, size);
                            match shown.last_mut() {
                                Some(Shown::Codes(codes)) => codes.extend(code.to_be_bytes()),
                                _ => shown.push(Shown::Codes(code.to_be_bytes().to_vec())),
                            }
                            shift(shown, glyph.x_advance - glyph.x_offset - width, size);
                        }
                    }
                    content.begin_text();
                    content.set_fill_gray(*gray);
                    content.set_font(font_name(face).as_name(), size);
                    content.set_text_matrix([1.0, 0.0, 0.0, 1.0, pen, *y]);
                    for (rise, shown) in &chunks {
                        content.set_rise(*rise);
                        let mut positioned = content.show_positioned();
                        let mut items = positioned.items();
                        for part in shown {
                            match part {
                                Shown::Codes(codes) => items.show(Str(codes)),
                                Shown::Shift(amount) => items.adjust(*amount),
                            };
                        }
                    }
                    content.end_text();
                    pen += text.glyphs[start..end].iter().map(|g| g.x_advance).sum::<f32>();
                    start = end;
                }
            }
        }
    }
    Ok(content.finish().to_vec())
}

/// Moves the pen `points` right within a TJ array (whose numbers count
/// thousandths of the font size, leftwards).
fn shift(shown: &mut Vec<Shown>, points: f32, size: f32) {
    if points.abs() < 0.001 {
        return;
    }
    let amount = -points * 1000.0 / size;
    match shown.last_mut() {
        Some(Shown::Shift(previous)) => *previous += amount,
        _ => shown.push(Shown::Shift(amount)),
    }
}

fn write_font(pdf: &mut Pdf, faces: &Faces, face: FaceId, used: &FontUse, ids: [Ref; 6]) -> Result<(), QuotePdfError> {
    let [type0_id, cid_id, descriptor_id, file_id, cmap_id, gid_map_id] = ids;
    let name = face.postscript_name();
    let parsed = faces.face(face);
    let per_mille = 1000.0 / parsed.units_per_em() as f32;

    let mut remapper = GlyphRemapper::new();
    for entry in &used.entries {
        remapper.remap(entry.glyph);
    }
    let subset = subsetter::subset(faces.data(face), 0, &remapper)
        .map_err(|e| QuotePdfError::Subset { font: name, reason: e.to_string() })?;
    let base_font = format!("{}+{name}", subset_tag(face, &used.entries));
    let base_font = Name(base_font.as_bytes());
    let system_info = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };

    pdf.type0_font(type0_id)
        .base_font(base_font)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);

    let mut cid = pdf.cid_font(cid_id);
    cid.subtype(CidFontType::Type2)
        .base_font(base_font)
        .system_info(system_info)
        .font_descriptor(descriptor_id)
        .default_width(0.0)
        .cid_to_gid_map_stream(gid_map_id);
    cid.widths().consecutive(0, std::iter::once(0.0).chain(used.entries.iter().map(|e| e.width)));
    cid.finish();

    let mut gid_map = vec![0u8, 0u8];
    for entry in &used.entries {
        gid_map.extend(remapper.get(entry.glyph).unwrap_or(0).to_be_bytes());
    }
    pdf.stream(gid_map_id, &deflate(&gid_map)).filter(Filter::FlateDecode);

    let mut cmap = UnicodeCmap::new(Name(b"Custom"), system_info);
    for (index, entry) in used.entries.iter().enumerate() {
        // Codes start at 1 and are counted into a u16 by `FontUse::code`.
        let code = u16::try_from(index + 1).unwrap_or(u16::MAX);
        cmap.pair_with_multiple(code, entry.text.chars());
    }
    let cmap = deflate(&cmap.finish());
    let mut stream = pdf.cmap(cmap_id, &cmap);
    stream.name(Name(b"Custom")).system_info(system_info);
    stream.filter(Filter::FlateDecode);
    stream.finish();

    let bbox = parsed.global_bounding_box();
    let scaled = |v: i16| f32::from(v) * per_mille;
    pdf.font_descriptor(descriptor_id)
        .name(base_font)
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(scaled(bbox.x_min), scaled(bbox.y_min), scaled(bbox.x_max), scaled(bbox.y_max)))
        .italic_angle(0.0)
        .ascent(scaled(parsed.ascender()))
        .descent(scaled(parsed.descender()))
        .cap_height(scaled(parsed.capital_height().unwrap_or(parsed.ascender())))
        .stem_v(if face.is_bold() { 140.0 } else { 80.0 })
        .font_file2(file_id);
    let length = i32::try_from(subset.len()).unwrap_or(i32::MAX);
    pdf.stream(file_id, &deflate(&subset)).filter(Filter::FlateDecode).pair(Name(b"Length1"), length);
    Ok(())
}

/// A stream's bytes in zlib form (FlateDecode): a PDF's text and fonts
/// shrink to about a third.
fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// Six capitals naming the subset, as PDF asks, derived from its glyphs so
/// two different subsets of one face never share a name.
fn subset_tag(face: FaceId, entries: &[Entry]) -> String {
    let mut hash: u32 = 0x811c_9dc5 ^ face as u32;
    for entry in entries {
        for byte in entry.glyph.to_be_bytes() {
            hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
        }
    }
    (0..6)
        .map(|i| {
            let letter = (hash >> (i * 5)) % 26;
            char::from(b'A' + letter as u8)
        })
        .collect()
}
