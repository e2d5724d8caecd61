//! The fonts a quote is drawn with (Lambda has no system fonts) and which
//! of them draws which text: Devanagari in Noto Sans Devanagari, the rest in
//! Noto Sans, chosen run by run.

use super::QuotePdfError;
use rustybuzz::Face;
use std::ops::Range;

/// The four font files (`shared/fonts/`), as read from wherever they ship.
/// They are not compiled in: at 1.5 MB they would be a third of the binary
/// of the one function that draws quotes (see `ports::QuoteFonts`).
pub struct FontFiles([Vec<u8>; 4]);

impl std::fmt::Debug for FontFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("FontFiles").field(&self.0.each_ref().map(Vec::len)).finish()
    }
}

impl FontFiles {
    /// The files, in [`FaceId::ALL`]'s order.
    pub fn new(files: [Vec<u8>; 4]) -> Self {
        FontFiles(files)
    }
}

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

    /// The file it is read from.
    pub fn file_name(self) -> &'static str {
        match self {
            FaceId::SansRegular => "NotoSans-Regular.ttf",
            FaceId::SansBold => "NotoSans-Bold.ttf",
            FaceId::DevanagariRegular => "NotoSansDevanagari-Regular.ttf",
            FaceId::DevanagariBold => "NotoSansDevanagari-Bold.ttf",
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
    files: &'static FontFiles,
}

impl Faces {
    /// Parses the files (kept for the process's life: read once, they are
    /// parsed again for each document, which costs microseconds).
    pub fn parse(files: &'static FontFiles) -> Result<Faces, QuotePdfError> {
        let parse = |id: FaceId| Face::from_slice(&files.0[id as usize], 0).ok_or(QuotePdfError::Font(id.file_name()));
        let faces = [
            parse(FaceId::SansRegular)?,
            parse(FaceId::SansBold)?,
            parse(FaceId::DevanagariRegular)?,
            parse(FaceId::DevanagariBold)?,
        ];
        Ok(Faces { faces, files })
    }

    /// The face's file.
    pub fn data(&self, id: FaceId) -> &'static [u8] {
        &self.files.0[id as usize]
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
        let faces = crate::quote_pdf::tests::shipped_faces();
        let sans = faces.face(FaceId::SansRegular);
        for c in ['₹', 'A', '9', '%'] {
            assert!(sans.glyph_index(c).is_some(), "{c}");
        }
        for c in ['श', 'क', '्', 'ि', '़', '।'] {
            assert!(faces.face(FaceId::DevanagariBold).glyph_index(c).is_some(), "{c}");
        }
    }
}
