//! PDF output of documents: A4, the standard Helvetica faces in `WinAnsi` encoding (every letter
//! of Finnish, Swedish and English, no font file to embed), words wrapped by the faces' real
//! widths, pages broken as the text needs. Several documents make one PDF with each starting
//! on a new page: a printable batch of letters.

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::document::{Block, Document};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 64.0;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN;

const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// Helvetica advance widths (1/1000 em) of ASCII 32..=126, from the standard AFM metrics.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0..9
    278, 278, 584, 584, 584, 556, 1015, // :..@
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,
    611, 722, 667, 944, 667, 667, 611, // A..Z
    278, 278, 278, 469, 556, 333, // [..`
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
    278, 556, 500, 722, 500, 500, 500, // a..z
    334, 260, 334, 584, // {..~
];

/// The `WinAnsi` (Windows-1252) byte of a character; `?` for what the encoding lacks.
fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => u8::try_from(u32::from(c)).unwrap_or(b'?'),
        '€' => 0x80,
        '‚' => 0x82,
        '„' => 0x84,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '™' => 0x99,
        'Š' => 0x8a,
        'š' => 0x9a,
        'Ž' => 0x8e,
        'ž' => 0x9e,
        _ => b'?',
    }
}

/// Width of one encoded byte in 1/1000 em; bold faces are taken a little wider.
fn byte_width(b: u8, bold: bool) -> f32 {
    let w = match b {
        32..=126 => HELVETICA[usize::from(b - 32)],
        // Accented capitals (À..Þ) and small letters (ß..ÿ) take their base letters' widths.
        0xc0..=0xde => 700,
        0x97 | 0x85 => 1000,
        // ß..ÿ, the en dash and the rest.
        _ => 556,
    };
    f32::from(w) * if bold { 1.07 } else { 1.0 }
}

fn width(bytes: &[u8], size: f32, bold: bool) -> f32 {
    bytes.iter().map(|b| byte_width(*b, bold)).sum::<f32>() * size / 1000.0
}

/// Words wrapped into lines no wider than `max`; a word too long for a line is cut.
fn wrap(text: &str, size: f32, bold: bool, max: f32) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    for paragraph_line in text.lines() {
        let mut line: Vec<u8> = Vec::new();
        for word in paragraph_line.split_whitespace() {
            let mut w: Vec<u8> = word.chars().map(win_ansi).collect();
            let candidate_w =
                width(&line, size, bold) + width(b" ", size, bold) + width(&w, size, bold);
            if !line.is_empty() && candidate_w > max {
                lines.push(std::mem::take(&mut line));
            }
            while width(&w, size, bold) > max {
                let mut cut = w.len();
                while cut > 1 && width(&w[..cut], size, bold) > max {
                    cut -= 1;
                }
                let rest = w.split_off(cut);
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                lines.push(w);
                w = rest;
            }
            if !line.is_empty() {
                line.push(b' ');
            }
            line.extend_from_slice(&w);
        }
        lines.push(line);
    }
    lines
}

/// Lays text out page by page.
struct Layout {
    pages: Vec<Content>,
    y: f32,
}

impl Layout {
    fn new() -> Self {
        Self {
            pages: Vec::new(),
            y: 0.0,
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
        for line in wrap(text, size, bold, TEXT_W - indent) {
            if self.y - leading < MARGIN {
                self.new_page();
            }
            self.y -= leading;
            let content = self.pages.last_mut().expect("a page was started");
            content
                .begin_text()
                .set_font(if bold { BOLD } else { REGULAR }, size)
                .next_line(MARGIN + indent, self.y)
                .show(Str(&line))
                .end_text();
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
    write(layout.pages, documents.first().map(|d| d.title.as_str()))
}

fn write(pages: Vec<Content>, title: Option<&str>) -> Vec<u8> {
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let first_page = 6;
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
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
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
        resources.fonts().pair(REGULAR, regular).pair(BOLD, bold);
        resources.finish();
        page.finish();
        let data = content.finish();
        let compressed = compress(&data);
        pdf.stream(*content_id, &compressed)
            .filter(Filter::FlateDecode);
    }
    pdf.finish()
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
    fn finnish_and_swedish_letters_are_encoded_and_the_rest_replaced() {
        let bytes: Vec<u8> = "äöåÄÖÅé€–✓".chars().map(win_ansi).collect();
        assert_eq!(
            bytes,
            [0xe4, 0xf6, 0xe5, 0xc4, 0xd6, 0xc5, 0xe9, 0x80, 0x96, b'?']
        );
    }

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
        for line in wrap(&text, 10.0, false, TEXT_W) {
            assert!(width(&line, 10.0, false) <= TEXT_W + 0.01);
        }
        assert!((width(b"W", 1000.0, false) - 944.0).abs() < 1e-3);
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
