//! The fonts shipped in the binary (Lambda has no system fonts) and which
//! of them draws which text: Devanagari in Noto Sans Devanagari, the rest in
//! Noto Sans, chosen run by run.

use rustybuzz::Face;
use std::ops::Range;

const SANS_REGULAR: &[u8] = include_bytes!("../../fonts/NotoSans-Regular.ttf");
const SANS_BOLD: &[u8] = include_bytes!("../../fonts/NotoSans-Bold.ttf");
const DEVANAGARI_REGULAR: &[u8] = include_bytes!("../../fonts/NotoSansDevanagari-Regular.ttf");
const DEVANAGARI_BOLD: &[u8] = include_bytes!("../../fonts/NotoSansDevanagari-Bold.ttf");

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    /// Body text.
    Regular,
    /// Headings and the grand total.
    Bold,
}

/// Which font family a run of text needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    /// Hindi, Marathi, Nepali… (and the danda).
    Devanagari,
    /// Everything else: Latin, digits, punctuation, ₹.
    Other,
}

/// One of the four shipped faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FaceId {
    /// Noto Sans Regular.
    SansRegular,
    /// Noto Sans Bold.
    SansBold,
    /// Noto Sans Devanagari Regular.
    DevanagariRegular,
    /// Noto Sans Devanagari Bold.
    DevanagariBold,
}

impl FaceId {
    /// Every face, in a fixed order.
    pub const ALL: [FaceId; 4] =
        [FaceId::SansRegular, FaceId::SansBold, FaceId::DevanagariRegular, FaceId::DevanagariBold];

    /// The face for `script` at `weight`.
    pub fn for_run(script: Script, weight: Weight) -> FaceId {
        match (script, weight) {
            (Script::Other, Weight::Regular) => FaceId::SansRegular,
            (Script::Other, Weight::Bold) => FaceId::SansBold,
            (Script::Devanagari, Weight::Regular) => FaceId::DevanagariRegular,
            (Script::Devanagari, Weight::Bold) => FaceId::DevanagariBold,
        }
    }

    /// The font file.
    pub fn data(self) -> &'static [u8] {
        match self {
            FaceId::SansRegular => SANS_REGULAR,
            FaceId::SansBold => SANS_BOLD,
            FaceId::DevanagariRegular => DEVANAGARI_REGULAR,
            FaceId::DevanagariBold => DEVANAGARI_BOLD,
        }
    }

    /// The PostScript name the PDF gives the embedded subset.
    pub fn postscript_name(self) -> &'static str {
        match self {
            FaceId::SansRegular => "NotoSans-Regular",
            FaceId::SansBold => "NotoSans-Bold",
            FaceId::DevanagariRegular => "NotoSansDevanagari-Regular",
            FaceId::DevanagariBold => "NotoSansDevanagari-Bold",
        }
    }

    /// Whether the face is bold (for the font descriptor).
    pub fn is_bold(self) -> bool {
        matches!(self, FaceId::SansBold | FaceId::DevanagariBold)
    }
}

/// The four faces parsed, ready to shape with.
pub struct Faces {
    faces: [Face<'static>; 4],
}

impl Faces {
    /// Parses the shipped fonts.
    pub fn load() -> Faces {
        // The files are compiled in and known good: a failure here is a
        // build-time defect every test would show, not something input reaches.
        let parse = |id: FaceId| Face::from_slice(id.data(), 0).expect("a shipped font parses");
        Faces { faces: FaceId::ALL.map(parse) }
    }

    /// The parsed face.
    pub fn face(&self, id: FaceId) -> &Face<'static> {
        &self.faces[id as usize]
    }
}

/// Whether `c` is drawn with the Devanagari face.
pub fn script_of(c: char) -> Script {
    match c {
        '\u{0900}'..='\u{097F}' | '\u{A8E0}'..='\u{A8FF}' => Script::Devanagari,
        _ => Script::Other,
    }
}

/// `text` cut into byte ranges of one script each. Spaces stay with the run
/// before them, so a Hindi phrase is one run and is shaped as one.
pub fn script_runs(text: &str) -> Vec<(Range<usize>, Script)> {
    let mut runs: Vec<(Range<usize>, Script)> = Vec::new();
    for (at, c) in text.char_indices() {
        let end = at + c.len_utf8();
        let script = script_of(c);
        match runs.last_mut() {
            Some((range, current)) if *current == script || c == ' ' => range.end = end,
            _ => runs.push((at..end, script)),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hindi_and_latin_split_into_runs_with_spaces_kept_in_the_run_before() {
        let text = "श्रीमती प्रिया (Priya) ।";
        let runs: Vec<(&str, Script)> = script_runs(text).into_iter().map(|(r, s)| (&text[r], s)).collect();
        assert_eq!(
            runs,
            [("श्रीमती प्रिया ", Script::Devanagari), ("(Priya) ", Script::Other), ("।", Script::Devanagari)]
        );
        assert!(script_runs("").is_empty());
    }

    #[test]
    fn the_shipped_faces_have_the_glyphs_a_quote_needs() {
        let faces = Faces::load();
        let sans = faces.face(FaceId::SansRegular);
        for c in ['₹', 'A', '9', '%'] {
            assert!(sans.glyph_index(c).is_some(), "{c}");
        }
        for c in ['श', 'क', '्', 'ि', '़', '।'] {
            assert!(faces.face(FaceId::DevanagariBold).glyph_index(c).is_some(), "{c}");
        }
    }
}
