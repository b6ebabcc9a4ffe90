//! The font of the PDFs: `DejaVu Sans` and `DejaVu Sans Bold` (Bitstream Vera licence, `fonts/LICENSE`),
//! built into the binary and embedded in each PDF as a subset of the glyphs it uses. Every
//! letter of the Latin, Greek and Cyrillic scripts (Northern Sámi ŋ đ ŧ, Vietnamese), and Arabic,
//! shaped by rustybuzz (joining forms, marks) and laid out right to left where the Unicode
//! bidirectional algorithm says so. Characters the faces lack (CJK, for one) print as the
//! font's empty box rather than silently as another letter.
//!
//! Text of the simple scripts (no bidi, no combining marks, nothing before U+0590) takes the
//! faces' own advances glyph by glyph — a batch of ten thousand letters is mostly that — and the
//! rest goes through the shaper. Widths for wrapping and glyphs for printing come from the same
//! function, so a line measured is the line printed.

use std::sync::LazyLock;

use rustybuzz::{Direction, UnicodeBuffer};
use unicode_bidi::{BidiInfo, Level};

const REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// One of the two faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Style {
    Regular,
    Bold,
}

impl Style {
    pub(crate) fn index(self) -> usize {
        match self {
            Style::Regular => 0,
            Style::Bold => 1,
        }
    }
}

pub(crate) struct Face {
    pub(crate) ttf: &'static [u8],
    pub(crate) postscript_name: &'static str,
    shaper: rustybuzz::Face<'static>,
    /// 1000 / units per em: font units to PDF text space.
    scale: f32,
}

impl Face {
    fn load(ttf: &'static [u8], postscript_name: &'static str) -> Self {
        let shaper = rustybuzz::Face::from_slice(ttf, 0).expect("the built-in font parses");
        let upem = u16::try_from(shaper.units_per_em()).unwrap_or(2048);
        let scale = 1000.0 / f32::from(upem);
        Self {
            ttf,
            postscript_name,
            shaper,
            scale,
        }
    }

    /// The face's advance of a glyph, in 1/1000 em.
    pub(crate) fn advance(&self, glyph: u16) -> f32 {
        let units = self
            .shaper
            .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(glyph))
            .unwrap_or(0);
        f32::from(units) * self.scale
    }

    #[cfg(test)]
    pub(crate) fn has(&self, c: char) -> bool {
        self.shaper.glyph_index(c).is_some()
    }

    /// Ascent, descent, cap height and bounding box in 1/1000 em, for the font descriptor.
    pub(crate) fn metrics(&self) -> Metrics {
        let b = self.shaper.global_bounding_box();
        let s = self.scale;
        Metrics {
            ascent: f32::from(self.shaper.ascender()) * s,
            descent: f32::from(self.shaper.descender()) * s,
            cap_height: f32::from(
                self.shaper
                    .capital_height()
                    .unwrap_or(self.shaper.ascender()),
            ) * s,
            bbox: [
                f32::from(b.x_min) * s,
                f32::from(b.y_min) * s,
                f32::from(b.x_max) * s,
                f32::from(b.y_max) * s,
            ],
        }
    }
}

pub(crate) struct Metrics {
    pub(crate) ascent: f32,
    pub(crate) descent: f32,
    pub(crate) cap_height: f32,
    pub(crate) bbox: [f32; 4],
}

static FACES: LazyLock<[Face; 2]> = LazyLock::new(|| {
    [
        Face::load(REGULAR_TTF, "DejaVuSans"),
        Face::load(BOLD_TTF, "DejaVuSans-Bold"),
    ]
});

pub(crate) fn face(style: Style) -> &'static Face {
    &FACES[style.index()]
}

/// A glyph to print: its id in the full face, its advance as shaped (1/1000 em), and the text
/// it stands for (the first glyph of a cluster carries the cluster's text, the others none).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Glyph {
    pub(crate) id: u16,
    pub(crate) advance: f32,
    pub(crate) text: String,
    /// The glyph is its cluster's only one: its text is exactly what it shows (a base letter
    /// carrying a mark's text as well is not).
    pub(crate) alone: bool,
}

/// Text the shaper need not see: nothing from Hebrew (U+0590) on, no combining marks.
fn simple(text: &str) -> bool {
    text.chars()
        .all(|c| u32::from(c) < 0x0590 && !('\u{0300}'..='\u{036f}').contains(&c))
}

/// The width of a line of text in 1/1000 em.
pub(crate) fn width(text: &str, style: Style) -> f32 {
    let f = face(style);
    if simple(text) {
        text.chars()
            .map(|c| f.advance(f.shaper.glyph_index(c).map_or(0, |g| g.0)))
            .sum()
    } else {
        shape(text, style).iter().map(|g| g.advance).sum()
    }
}

/// One line of text as glyphs, left to right as they are to be printed.
pub(crate) fn shape(text: &str, style: Style) -> Vec<Glyph> {
    let f = face(style);
    if simple(text) {
        return text
            .chars()
            .map(|c| {
                let id = f.shaper.glyph_index(c).map_or(0, |g| g.0);
                Glyph {
                    id,
                    advance: f.advance(id),
                    text: c.to_string(),
                    alone: true,
                }
            })
            .collect();
    }
    // The documents are left-to-right: a Finnish line that starts with an Arabic name keeps its
    // Finnish words in order, the name alone runs right to left.
    let bidi = BidiInfo::new(text, Some(Level::ltr()));
    let mut glyphs = Vec::new();
    for paragraph in &bidi.paragraphs {
        let (levels, runs) = bidi.visual_runs(paragraph, paragraph.range.clone());
        for run in runs {
            let rtl = levels[run.start].is_rtl();
            shape_run(f, &text[run], rtl, &mut glyphs);
        }
    }
    glyphs
}

fn shape_run(f: &Face, run: &str, rtl: bool, out: &mut Vec<Glyph>) {
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(run);
    buffer.guess_segment_properties();
    buffer.set_direction(if rtl {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    });
    let shaped = rustybuzz::shape(&f.shaper, &[], buffer);
    // Each cluster's text runs from its start to the next cluster's start in logical order.
    let mut starts: Vec<usize> = shaped
        .glyph_infos()
        .iter()
        .map(|i| i.cluster as usize)
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let cluster_text = |start: usize| {
        let end = starts
            .iter()
            .copied()
            .find(|s| *s > start)
            .unwrap_or(run.len());
        run.get(start..end).unwrap_or_default().to_string()
    };
    let mut seen = std::collections::HashSet::new();
    let mut per_cluster = std::collections::HashMap::new();
    for info in shaped.glyph_infos() {
        *per_cluster.entry(info.cluster).or_insert(0_usize) += 1;
    }
    for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
        let cluster = info.cluster as usize;
        let id = u16::try_from(info.glyph_id).unwrap_or(0);
        #[allow(clippy::cast_precision_loss)] // advances are a few thousand units
        let advance = pos.x_advance as f32 * f.scale;
        let text = if seen.insert(cluster) {
            cluster_text(cluster)
        } else {
            String::new()
        };
        let alone = per_cluster.get(&info.cluster) == Some(&1);
        out.push(Glyph {
            id,
            advance,
            text,
            alone,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_faces_have_the_letters_of_the_names_a_letter_may_carry() {
        for name in [
            "Áilu Ŋuolja Đuođđa Ŧeahkká",
            "Мария Иванова",
            "Γιώργος Παπαδόπουλος",
            "Nguyễn Thị Minh Khai",
            "محمد علي",
            "Åsa Öberg Šťastný Łukasz",
        ] {
            let glyphs = shape(name, Style::Regular);
            assert!(glyphs.iter().all(|g| g.id != 0), "{name}: {glyphs:?}");
            let back: String = glyphs.iter().map(|g| g.text.as_str()).collect();
            if !name.contains('م') {
                assert_eq!(back, name);
            }
        }
        assert!(shape("漢字", Style::Regular).iter().all(|g| g.id == 0));
    }

    #[test]
    fn arabic_is_joined_and_laid_right_to_left() {
        // م (meem) alone, and as the first letter of محمد, which joins it to what follows: two
        // different glyphs. Printed right to left, the first letter written is the last glyph.
        let alone = shape("م", Style::Regular);
        let word = shape("محمد", Style::Regular);
        assert_eq!(alone.len(), 1);
        assert_eq!(word.len(), 4);
        assert_eq!(word.last().unwrap().text, "م");
        assert_ne!(word.last().unwrap().id, alone[0].id);
        let back: String = word.iter().rev().map(|g| g.text.as_str()).collect();
        assert_eq!(back, "محمد");
    }

    #[test]
    fn the_bold_face_has_every_letter_of_the_regular_one() {
        // So a heading never needs the regular face's letters: only the private-use area differs.
        let lacking: Vec<char> = ('\u{0020}'..'\u{FFFF}')
            .filter(|c| face(Style::Regular).has(*c) && !face(Style::Bold).has(*c))
            .filter(|c| !('\u{E000}'..='\u{F8FF}').contains(c))
            .collect();
        assert_eq!(lacking, Vec::<char>::new());
        assert!(face(Style::Bold).has('ŋ') && face(Style::Bold).has('ح'));
    }

    #[test]
    fn a_left_to_right_line_keeps_its_order_around_an_arabic_name() {
        let glyphs = shape("محمد kirjoitti meille", Style::Regular);
        let text: String = glyphs.iter().map(|g| g.text.as_str()).collect();
        // The name first (its four letters right to left), then the Finnish words in order.
        assert!(text.ends_with(" kirjoitti meille"), "{text}");
        assert!(text.starts_with("دمحم"), "{text}");
    }

    #[test]
    fn measured_and_printed_widths_agree_for_both_paths() {
        for text in ["Henkilötiedot vuotivat", "Nguyễn Thị", "محمد علي"] {
            let printed: f32 = shape(text, Style::Regular).iter().map(|g| g.advance).sum();
            assert!(
                (width(text, Style::Regular) - printed).abs() < 1e-3,
                "{text}"
            );
            assert!(printed > 0.0);
        }
    }
}
