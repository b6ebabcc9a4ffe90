//! Office documents: spreadsheets (XLSX, XLS, ODS) through calamine, a row being a record and the
//! first row read as a header; word-processor documents (DOCX, ODT) as text, a paragraph being a
//! record.

use std::io::{Cursor, Read};

use calamine::{Data, Reader};

use crate::doc::Doc;
use crate::table;

/// Rows of every sheet into `doc`, each with its column hits.
pub fn spreadsheet(bytes: &[u8], doc: &mut Doc<'_>) -> Result<(), String> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("unreadable spreadsheet: {e}"))?;
    for name in book.sheet_names() {
        let Ok(range) = book.worksheet_range(&name) else {
            continue;
        };
        let mut columns = None;
        for (i, row) in range.rows().enumerate() {
            let cells: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
                    other => other.to_string(),
                })
                .collect();
            if i == 0
                && let Some(h) = table::header(&cells)
            {
                columns = Some(h);
                continue;
            }
            let hits = columns
                .as_ref()
                .map(|c| table::column_hits(c, &cells))
                .unwrap_or_default();
            doc.push(cells, hits);
        }
    }
    Ok(())
}

/// XML character references and the five predefined entities.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(end) = tail.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let entity = &tail[1..end];
        let ch = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "amp" => Some('&'),
            e => e
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        if let Some(c) = ch {
            out.push(c);
            rest = &tail[end + 1..];
        } else {
            out.push('&');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The text of a DOCX or ODT document, one paragraph per line.
pub fn document_text(bytes: &[u8]) -> Result<String, String> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("corrupt document: {e}"))?;
    let part = ["word/document.xml", "content.xml"]
        .into_iter()
        .find(|p| zip.index_for_name(p).is_some())
        .ok_or_else(|| "no text part in the document".to_owned())?;
    let mut xml = String::new();
    zip.by_name(part)
        .map_err(|e| format!("corrupt document: {e}"))?
        .take(256 * 1024 * 1024)
        .read_to_string(&mut xml)
        .map_err(|e| format!("corrupt document: {e}"))?;
    let mut text = String::with_capacity(xml.len() / 4);
    let mut rest = xml.as_str();
    while let Some(start) = rest.find('<') {
        text.push_str(&unescape(&rest[..start]));
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..=start + end];
        // Paragraph and line ends, table cells and tabs become whitespace.
        if tag.starts_with("</w:p>") || tag.starts_with("</text:p") || tag.starts_with("</text:h") {
            text.push_str("\n\n");
        } else if tag.starts_with("<w:br")
            || tag.starts_with("<w:tab")
            || tag.starts_with("</w:tc")
            || tag.starts_with("<text:tab")
            || tag.starts_with("<text:line-break")
        {
            text.push(' ');
        }
        rest = &rest[start + end + 1..];
    }
    Ok(text)
}

/// Decompressed content allowed per page of a PDF (against compression bombs).
const PDF_PAGE_LIMIT: usize = 64 * 1024 * 1024;
/// Pages read from one PDF.
const PDF_MAX_PAGES: u32 = 10_000;

/// The text of a PDF's pages (lopdf: content streams decoded through the fonts' encodings),
/// pages separated by blank lines. A page that cannot be read is left out; a document of which
/// none can be read, or which is encrypted with a password, is refused with the reason. Scanned
/// images of text have no text to read (no OCR).
pub fn pdf_text(bytes: &[u8]) -> Result<String, String> {
    let encrypted = || bytes.windows(8).any(|w| w == b"/Encrypt");
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| {
        if encrypted() {
            "encrypted PDF (needs a password)".to_owned()
        } else {
            format!("corrupt PDF: {e}")
        }
    })?;
    let pages: Vec<u32> = doc
        .get_pages()
        .into_keys()
        .take_while(|p| *p <= PDF_MAX_PAGES)
        .collect();
    let mut text = String::new();
    let mut read = 0;
    for p in &pages {
        if let Ok(t) = doc.extract_text_with_limit(&[*p], PDF_PAGE_LIMIT) {
            text.push_str(&t);
            text.push_str("\n\n");
            read += 1;
        }
    }
    if read == 0 && !pages.is_empty() {
        return Err(if doc.is_encrypted() {
            "encrypted PDF (needs a password)".to_owned()
        } else {
            "no page of the PDF could be read".to_owned()
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn references_and_entities_are_decoded() {
        assert_eq!(
            super::unescape("Henkil&#246;tunnus &amp; &#xE4; &lt;x&gt; & so"),
            "Henkilötunnus & ä <x> & so"
        );
    }
}
