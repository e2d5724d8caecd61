//! Text to positioned glyphs: each script run shaped by rustybuzz with its
//! face (conjuncts, reordered vowel signs, nukta), and each glyph told which
//! characters it stands for, so the PDF's text can be copied and searched.

use super::fonts::{script_runs, FaceId, Faces, Weight};
use rustybuzz::UnicodeBuffer;

/// One glyph, placed relative to the pen.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapedGlyph {
    /// The face it comes from.
    pub face: FaceId,
    /// Its id in that face.
    pub glyph_id: u16,
    /// How far the pen moves after it, in points.
    pub x_advance: f32,
    /// Its shift from the pen, in points (marks sit off the baseline).
    pub x_offset: f32,
    /// Upward shift from the baseline, in points.
    pub y_offset: f32,
    /// The characters it stands for: the whole cluster on the cluster's
    /// first glyph (a conjunct, or a vowel sign drawn before its consonant),
    /// empty on the cluster's other glyphs.
    pub text: String,
    /// Where its cluster starts in the shaped string (bytes): glyphs of one
    /// cluster must stay on one line.
    pub cluster: usize,
}

/// A string shaped at one size and weight.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShapedText {
    /// The glyphs in drawing order.
    pub glyphs: Vec<ShapedGlyph>,
    /// The font size, in points.
    pub size: f32,
    /// The total advance, in points.
    pub width: f32,
}

/// `text` shaped with the shipped faces at `size` points.
pub fn shape(faces: &Faces, text: &str, weight: Weight, size: f32) -> ShapedText {
    let mut glyphs = Vec::new();
    for (range, script) in script_runs(text) {
        let id = FaceId::for_run(script, weight);
        let face = faces.face(id);
        let scale = size / face.units_per_em() as f32;
        let run = &text[range.clone()];
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(run);
        buffer.guess_segment_properties();
        let output = rustybuzz::shape(face, &[], buffer);
        let infos = output.glyph_infos();
        let mut starts: Vec<usize> = infos.iter().map(|info| info.cluster as usize).collect();
        starts.sort_unstable();
        starts.dedup();
        let mut seen: Vec<usize> = Vec::new();
        for (info, position) in infos.iter().zip(output.glyph_positions()) {
            let start = info.cluster as usize;
            let text = if seen.contains(&start) {
                String::new()
            } else {
                seen.push(start);
                let end = starts.iter().copied().find(|&s| s > start).unwrap_or(run.len());
                run.get(start..end).unwrap_or_default().to_owned()
            };
            glyphs.push(ShapedGlyph {
                face: id,
                // Glyph ids of a TrueType font fit in 16 bits; the notdef
                // glyph stands in should one ever not.
                glyph_id: u16::try_from(info.glyph_id).unwrap_or(0),
                x_advance: position.x_advance as f32 * scale,
                x_offset: position.x_offset as f32 * scale,
                y_offset: position.y_offset as f32 * scale,
                text,
                cluster: range.start + start,
            });
        }
    }
    let width = glyphs.iter().map(|g| g.x_advance).sum();
    ShapedText { glyphs, size, width }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(shaped: &ShapedText) -> Vec<&str> {
        shaped.glyphs.iter().map(|g| g.text.as_str()).collect()
    }

    #[test]
    fn a_vowel_sign_drawn_before_its_consonant_carries_the_whole_cluster() {
        let faces = crate::quote_pdf::tests::shipped_faces();
        let shaped = shape(&faces, "कि", Weight::Regular, 10.0);
        // The i-matra is drawn first, yet the text reads consonant then sign.
        assert_eq!(shaped.glyphs.len(), 2);
        assert_eq!(texts(&shaped), ["कि", ""]);
        assert_ne!(shaped.glyphs[0].glyph_id, faces.face(FaceId::DevanagariRegular).glyph_index('क').unwrap().0);
    }

    #[test]
    fn the_text_of_the_glyphs_is_the_string_and_conjuncts_form() {
        let faces = crate::quote_pdf::tests::shipped_faces();
        for text in ["श्रीमती प्रिया शर्मा", "क्षमा", "ज़रूरी", "Cotton kurta ₹499", "मूल्य: ₹1,23,456.78 (GST)।"]
        {
            let shaped = shape(&faces, text, Weight::Bold, 12.0);
            assert_eq!(texts(&shaped).concat(), text);
            assert!(shaped.width > 0.0);
        }
        // क्ष is one conjunct glyph, not क, virama and ष side by side.
        let ksha = shape(&faces, "क्ष", Weight::Regular, 10.0);
        assert_eq!(ksha.glyphs.len(), 1);
        assert!(ksha.glyphs.iter().all(|g| g.glyph_id != 0));
    }

    #[test]
    fn widths_scale_with_the_size() {
        let faces = crate::quote_pdf::tests::shipped_faces();
        let small = shape(&faces, "Quotation", Weight::Regular, 10.0).width;
        let large = shape(&faces, "Quotation", Weight::Regular, 20.0).width;
        assert!((large - 2.0 * small).abs() < 0.01, "{small} {large}");
        assert!(shape(&faces, "", Weight::Regular, 10.0).glyphs.is_empty());
    }
}
