//! PDF output of documents: A4, `DejaVu Sans` and `Sans Bold` embedded as subsets of the glyphs a
//! PDF uses (`font`: every name of the Latin, Greek, Cyrillic and Arabic scripts prints, and
//! copies back out as text through each font's `ToUnicode` map), words wrapped by the shaped
//! widths, pages broken as the text needs. Several documents make one PDF with each starting on
//! a new page: a printable batch of letters.

use std::collections::{BTreeMap, HashMap};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;

use crate::document::{Block, Document};
use crate::font::{self, Style};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 64.0;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN;

const FONT_NAMES: [Name<'static>; 2] = [Name(b"F1"), Name(b"F2")];

/// Widths of words, measured once per PDF: a batch of letters repeats most of its words.
#[derive(Default)]
struct Measure {
    cache: HashMap<(String, Style), f32>,
}

impl Measure {
    /// Width in points of `text` at `size`.
    fn width(&mut self, text: &str, size: f32, style: Style) -> f32 {
        let key = (text.to_string(), style);
        let w = *self
            .cache
            .entry(key)
            .or_insert_with(|| font::width(text, style));
        w * size / 1000.0
    }
}

/// Words wrapped into lines no wider than `max`; a word too long for a line is cut between
/// letters.
fn wrap(m: &mut Measure, text: &str, size: f32, style: Style, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let space = m.width(" ", size, style);
    for paragraph_line in text.lines() {
        let mut line = String::new();
        let mut line_w = 0.0;
        for word in paragraph_line.split_whitespace() {
            let mut w = word.to_string();
            let mut w_w = m.width(&w, size, style);
            if !line.is_empty() && line_w + space + w_w > max {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            while w_w > max {
                // Cut after the last letter that still fits (letter widths added up).
                let mut cut = w.chars().next().map_or(w.len(), char::len_utf8);
                let mut sum = 0.0;
                for (i, c) in w.char_indices() {
                    sum += m.width(c.encode_utf8(&mut [0; 4]), size, style);
                    if sum > max {
                        break;
                    }
                    cut = i + c.len_utf8();
                }
                let rest = w.split_off(cut.min(w.len()));
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                lines.push(w);
                w = rest;
                w_w = m.width(&w, size, style);
                line_w = 0.0;
            }
            if !line.is_empty() {
                line.push(' ');
                line_w += space;
            }
            line.push_str(&w);
            line_w += w_w;
        }
        lines.push(line);
    }
    lines
}

/// The glyphs a PDF uses, per face: their ids in the subset, widths and text.
struct Used {
    remapper: GlyphRemapper,
    widths: BTreeMap<u16, f32>,
    /// Each glyph's text and whether it was alone in its cluster.
    text: BTreeMap<u16, (String, bool)>,
}

impl Used {
    fn new() -> Self {
        Self {
            remapper: GlyphRemapper::new(),
            widths: BTreeMap::new(),
            text: BTreeMap::new(),
        }
    }
}

/// Lays text out page by page.
struct Layout {
    pages: Vec<Content>,
    y: f32,
    measure: Measure,
    used: [Used; 2],
}

impl Layout {
    fn new() -> Self {
        Self {
            pages: Vec::new(),
            y: 0.0,
            measure: Measure::default(),
            used: [Used::new(), Used::new()],
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = PAGE_H - MARGIN;
    }

    fn space(&mut self, points: f32) {
        self.y -= points;
    }

    fn text(&mut self, text: &str, size: f32, bold: bool, indent: f32) {
        let leading = size * 1.35;
        let style = if bold { Style::Bold } else { Style::Regular };
        for line in wrap(&mut self.measure, text, size, style, TEXT_W - indent) {
            if self.y - leading < MARGIN {
                self.new_page();
            }
            self.y -= leading;
            let glyphs = font::shape(&line, style);
            let face = font::face(style);
            let used = &mut self.used[style.index()];
            let content = self.pages.last_mut().expect("a page was started");
            content
                .begin_text()
                .set_font(FONT_NAMES[style.index()], size)
                .next_line(MARGIN + indent, self.y);
            let mut show = content.show_positioned();
            let mut items = show.items();
            for g in &glyphs {
                let id = used.remapper.remap(g.id);
                let natural = face.advance(g.id);
                used.widths.entry(id).or_insert(natural);
                // Copying text out: a glyph alone in its cluster maps to exactly its text and
                // wins over a mapping made from a cluster it shared (a base letter with its
                // mark); the missing-glyph box maps to nothing.
                if g.id != 0 && !g.text.is_empty() {
                    match used.text.get(&id) {
                        Some((_, true)) => {}
                        Some((_, false)) if !g.alone => {}
                        _ => {
                            used.text.insert(id, (g.text.clone(), g.alone));
                        }
                    }
                }
                items.show(Str(&id.to_be_bytes()));
                // The shaper's advance where it differs from the face's own (kerning, marks).
                if (natural - g.advance).abs() > 0.01 {
                    items.adjust(natural - g.advance);
                }
            }
            items.finish();
            show.finish();
            content.end_text();
        }
    }
}

/// One PDF of all the documents, each starting on a new page.
#[must_use]
pub fn render(documents: &[Document]) -> Vec<u8> {
    let mut layout = Layout::new();
    for doc in documents {
        layout.new_page();
        layout.text(&doc.title, 16.0, true, 0.0);
        layout.space(8.0);
        for block in &doc.blocks {
            match block {
                Block::Heading(t) => {
                    layout.space(8.0);
                    layout.text(t, 12.0, true, 0.0);
                    layout.space(2.0);
                }
                Block::Paragraph(t) => {
                    layout.text(t, 10.0, false, 0.0);
                    layout.space(6.0);
                }
                Block::Field { label, value } => {
                    layout.text(label, 9.0, true, 0.0);
                    layout.text(value, 10.0, false, 12.0);
                    layout.space(4.0);
                }
                Block::List(items) => {
                    for i in items {
                        layout.text(&format!("• {i}"), 10.0, false, 8.0);
                    }
                    layout.space(6.0);
                }
            }
        }
    }
    write(layout, documents.first().map(|d| d.title.as_str()))
}

fn write(layout: Layout, title: Option<&str>) -> Vec<u8> {
    let Layout { pages, used, .. } = layout;
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let info = Ref::new(3);
    // Five objects per face: the Type 0 font, its CID font, descriptor, font file, ToUnicode.
    let font_refs = [Ref::new(4), Ref::new(9)];
    let first_page = 14;
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    let ids: Vec<(Ref, Ref)> = (0..pages.len())
        .map(|i| {
            let n = first_page + 2 * i32::try_from(i).unwrap_or(i32::MAX / 4);
            (Ref::new(n), Ref::new(n + 1))
        })
        .collect();
    pdf.pages(tree)
        .kids(ids.iter().map(|(p, _)| *p))
        .count(i32::try_from(ids.len()).unwrap_or(i32::MAX));
    for (style, first) in [Style::Regular, Style::Bold].into_iter().zip(font_refs) {
        embed(&mut pdf, first, font::face(style), &used[style.index()]);
    }
    if let Some(t) = title {
        pdf.document_info(info)
            .title(TextStr(t))
            .producer(TextStr("BreachDesk"));
    }
    for ((page_id, content_id), content) in ids.iter().zip(pages) {
        let mut page = pdf.page(*page_id);
        page.parent(tree)
            .media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
            .contents(*content_id);
        let mut resources = page.resources();
        resources
            .fonts()
            .pair(FONT_NAMES[0], font_refs[0])
            .pair(FONT_NAMES[1], font_refs[1]);
        resources.finish();
        page.finish();
        let data = content.finish();
        let compressed = compress(&data);
        pdf.stream(*content_id, &compressed)
            .filter(Filter::FlateDecode);
    }
    pdf.finish()
}

/// One face as a Type 0 font with Identity-H encoding over a `TrueType` CID font whose CIDs are
/// the glyph ids of the subset; five objects from `first`.
fn embed(pdf: &mut Pdf, first: Ref, face: &font::Face, used: &Used) {
    let cid_ref = Ref::new(first.get() + 1);
    let descriptor_ref = Ref::new(first.get() + 2);
    let file_ref = Ref::new(first.get() + 3);
    let cmap_ref = Ref::new(first.get() + 4);
    // A subset tag of six capitals, the same for the same glyphs.
    let tag: String = {
        let mut h: u32 = 2_166_136_261;
        for g in used.remapper.remapped_gids() {
            h = (h ^ u32::from(g)).wrapping_mul(16_777_619);
        }
        (0..6)
            .map(|i| char::from(b'A' + u8::try_from((h >> (i * 5)) % 26).unwrap_or(0)))
            .collect()
    };
    let base = format!("{tag}+{}", face.postscript_name);
    let base = Name(base.as_bytes());
    pdf.type0_font(first)
        .base_font(base)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_ref)
        .to_unicode(cmap_ref);
    let system = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    let mut cid = pdf.cid_font(cid_ref);
    cid.subtype(CidFontType::Type2)
        .base_font(base)
        .system_info(system)
        .font_descriptor(descriptor_ref)
        .default_width(0.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    {
        let mut widths = cid.widths();
        for (id, w) in &used.widths {
            widths.consecutive(*id, [*w]);
        }
    }
    cid.finish();
    let m = face.metrics();
    pdf.font_descriptor(descriptor_ref)
        .name(base)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(m.bbox[0], m.bbox[1], m.bbox[2], m.bbox[3]))
        .italic_angle(0.0)
        .ascent(m.ascent)
        .descent(m.descent)
        .cap_height(m.cap_height)
        .stem_v(80.0)
        .font_file2(file_ref);
    // The ids in the content are the subset's, so there is no falling back to the whole face;
    // the built-in faces subset (tested with every script they cover).
    let subset = subsetter::subset(face.ttf, 0, &used.remapper).expect("the built-in faces subset");
    pdf.stream(file_ref, &compress(&subset))
        .filter(Filter::FlateDecode);
    let mut cmap = UnicodeCmap::new(Name(b"Custom"), system);
    for (id, (text, _)) in &used.text {
        cmap.pair_with_multiple(*id, text.chars());
    }
    pdf.cmap(cmap_ref, &cmap.finish());
}

fn compress(data: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = z.write_all(data);
    z.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_reads_back_from_the_pdf() {
        let mut d = Document::new("fi", "Ilmoitus");
        d.heading("Mitä tapahtui")
            .paragraph("Tietosi näkyivät yhteisellä levyllä – pahoittelemme.")
            .field("Yhteyshenkilö", "Åsa Öberg");
        let mut letter = Document::new("sv", "Meddelande");
        letter.paragraph("Dina uppgifter har läckt.");
        let bytes = render(&[d, letter]);
        let pdf = lopdf::Document::load_mem(&bytes).unwrap();
        let first = pdf.extract_text(&[1]).unwrap();
        assert!(first.contains("Mitä tapahtui"), "{first}");
        assert!(
            first.contains("näkyivät yhteisellä levyllä – pahoittelemme."),
            "{first}"
        );
        assert!(first.contains("Åsa Öberg"), "{first}");
        let second = pdf.extract_text(&[2]).unwrap();
        assert!(second.contains("Dina uppgifter har läckt."), "{second}");
    }

    #[test]
    fn lines_never_exceed_the_width() {
        let text = "Henkilötietojen tietoturvaloukkaus koski opiskelijarekisterin tietoja. "
            .repeat(20)
            + &"W".repeat(300);
        let mut m = Measure::default();
        let lines = wrap(&mut m, &text, 10.0, Style::Regular, TEXT_W);
        assert!(lines.len() > 10);
        for line in &lines {
            assert!(
                m.width(line, 10.0, Style::Regular) <= TEXT_W + 0.01,
                "{line}"
            );
        }
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        // DejaVu Sans's W is 989 units of 1000 (2025 of 2048).
        assert!((m.width("W", 1000.0, Style::Regular) - 2025.0 * 1000.0 / 2048.0).abs() < 1e-3);
    }

    #[test]
    fn a_long_document_breaks_into_pages_and_a_batch_starts_each_on_its_own() {
        let mut d = Document::new("en", "Letter");
        for i in 0..200 {
            d.paragraph(format!("Paragraph {i} of a long letter."));
        }
        let one = render(std::slice::from_ref(&d));
        let pages = |pdf: &[u8]| {
            String::from_utf8_lossy(pdf)
                .matches("/Type /Page\n")
                .count()
                + String::from_utf8_lossy(pdf).matches("/Type /Page>").count()
        };
        let n = pages(&one);
        assert!(n > 1, "{n}");
        let two = render(&[d.clone(), Document::new("en", "Short")]);
        assert_eq!(pages(&two), n + 1);
        assert!(one.starts_with(b"%PDF-"));
    }
}
