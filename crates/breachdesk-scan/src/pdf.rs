//! PDF text within limits. lopdf decodes a page's whole content stream into one list of
//! operations (some hundreds of bytes each), so a page of ten million `Tj` — 92 KB deflated —
//! takes gigabytes. Here the decoded content is first lexed (no allocation) to count its
//! operators and find where they end; a document beyond [`MAX_OPERATORS`] is refused, and the
//! rest is decoded by lopdf a slice of [`OPERATORS_PER_SLICE`] operators at a time, the font
//! state carried from slice to slice. Each page's decoded content is reserved from the scan's
//! decompression budget while it is held.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::budget::Limits;

/// Content operators read from one PDF; a document with more is refused.
pub const MAX_OPERATORS: u64 = 4_000_000;
/// Operators decoded by lopdf at once.
const OPERATORS_PER_SLICE: usize = 20_000;
/// Decompressed content allowed per page, and for a font's `ToUnicode` map.
const PAGE_LIMIT: usize = 64 * 1024 * 1024;
/// Pages read from one PDF.
const MAX_PAGES: u32 = 10_000;

fn is_white(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// Content stream bytes cut into slices of at most `per_slice` operators, each ending just
/// after an operator outside any array or dictionary, and the number of operators; counting
/// stops (`Err` with the count so far) beyond `max`.
pub fn slices(content: &[u8], per_slice: usize, max: u64) -> Result<(Vec<Range<usize>>, u64), u64> {
    let mut out = Vec::new();
    let mut count = 0u64;
    let mut in_slice = 0usize;
    let mut start = 0usize;
    let mut depth = 0usize;
    let mut i = 0usize;
    let n = content.len();
    while i < n {
        let b = content[i];
        if is_white(b) {
            i += 1;
            continue;
        }
        match b {
            b'%' => {
                while i < n && content[i] != b'\n' && content[i] != b'\r' {
                    i += 1;
                }
            }
            b'(' => {
                let mut nest = 0usize;
                while i < n {
                    match content[i] {
                        b'\\' => i += 1,
                        b'(' => nest += 1,
                        b')' => {
                            nest -= 1;
                            if nest == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            b'<' if content.get(i + 1) == Some(&b'<') => {
                depth += 1;
                i += 2;
            }
            b'>' if content.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 2;
            }
            b'<' => {
                while i < n && content[i] != b'>' {
                    i += 1;
                }
                i += 1;
            }
            b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'/' => {
                i += 1;
                while i < n && !is_white(content[i]) && !is_delimiter(content[i]) {
                    i += 1;
                }
            }
            _ => {
                let word_start = i;
                while i < n && !is_white(content[i]) && !is_delimiter(content[i]) {
                    i += 1;
                }
                if i == word_start {
                    // A stray delimiter (`)` or `>`).
                    i += 1;
                    continue;
                }
                let word = &content[word_start..i];
                let operand = word[0].is_ascii_digit()
                    || matches!(word[0], b'+' | b'-' | b'.')
                    || matches!(word, b"true" | b"false" | b"null");
                if operand || depth > 0 {
                    continue;
                }
                count += 1;
                if count > max {
                    return Err(count);
                }
                if word == b"BI" {
                    // An inline image: its data runs from `ID` to `EI`.
                    match memchr::memmem::find(&content[i..], b"ID") {
                        Some(at) => {
                            i += at + 2;
                            let data = &content[i..];
                            i = memchr::memmem::find_iter(data, b"EI")
                                .find(|&e| {
                                    (e == 0 || is_white(data[e - 1]))
                                        && data.get(e + 2).is_none_or(|c| is_white(*c))
                                })
                                .map_or(n, |e| i + e + 2);
                        }
                        None => i = n,
                    }
                }
                in_slice += 1;
                if in_slice >= per_slice {
                    out.push(start..i);
                    start = i;
                    in_slice = 0;
                }
            }
        }
    }
    if start < n {
        out.push(start..n);
    }
    Ok((out, count))
}

/// The text of a PDF's pages (lopdf: content streams decoded through the fonts' encodings),
/// pages separated by blank lines. A page that cannot be read is left out; a document of which
/// none can be read, which is encrypted with a password, or which has more than
/// [`MAX_OPERATORS`] content operators, is refused with the reason. Scanned images of text
/// have no text to read (no OCR). `top`: the caller holds nothing of the budget.
pub fn text(bytes: &[u8], limits: &Limits<'_>, top: bool) -> Result<String, String> {
    let encrypted = || bytes.windows(8).any(|w| w == b"/Encrypt");
    // Streams inflated while loading (object streams, cross-reference streams): each at most
    // the page limit (lopdf's default is 256 MiB).
    let load = lopdf::LoadOptions::with_max_decompressed_size(PAGE_LIMIT);
    let doc = lopdf::Document::load_mem_with_options(bytes, load).map_err(|e| {
        if encrypted() {
            "encrypted PDF (needs a password)".to_owned()
        } else {
            format!("corrupt PDF: {e}")
        }
    })?;
    let pages: Vec<(u32, lopdf::ObjectId)> = doc
        .get_pages()
        .into_iter()
        .take_while(|(p, _)| *p <= MAX_PAGES)
        .collect();
    let mut text = String::new();
    let mut read = 0;
    let mut operators = 0u64;
    for (_, page) in &pages {
        let held = limits.reserve(PAGE_LIMIT as u64, top)?;
        let Ok(content) = doc.get_page_content_with_limit(*page, PAGE_LIMIT) else {
            continue;
        };
        let left = MAX_OPERATORS - operators;
        let (slices, count) = slices(&content, OPERATORS_PER_SLICE, left).map_err(|_| {
            format!("more than {MAX_OPERATORS} content operators (refused against content bombs)")
        })?;
        operators += count;
        if page_text(&doc, *page, &content, &slices, &mut text).is_ok() {
            text.push_str("\n\n");
            read += 1;
        }
        drop(held);
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

/// One page's text, as lopdf's `extract_text` reads it, a slice of operators at a time.
fn page_text(
    doc: &lopdf::Document,
    page: lopdf::ObjectId,
    content: &[u8],
    slices: &[Range<usize>],
    text: &mut String,
) -> lopdf::Result<()> {
    let encodings: BTreeMap<Vec<u8>, lopdf::Encoding<'_>> = doc
        .get_page_fonts(page)?
        .into_iter()
        .filter_map(|(name, font)| {
            font.get_font_encoding_with_limit(doc, PAGE_LIMIT)
                .ok()
                .map(|e| (name, e))
        })
        .collect();
    let mut current = None;
    for slice in slices {
        let ops = lopdf::content::Content::decode(&content[slice.clone()])?;
        for op in &ops.operations {
            match op.operator.as_str() {
                "Tf" => {
                    current = op
                        .operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .and_then(|f| encodings.get(f));
                }
                "Tj" | "TJ" => {
                    if let Some(e) = current {
                        collect(text, e, &op.operands);
                    }
                }
                "'" | "\"" => {
                    if let Some(e) = current {
                        if !text.ends_with('\n') {
                            text.push('\n');
                        }
                        let shown = if op.operator == "'" { 0 } else { 2 };
                        collect(text, e, op.operands.get(shown..=shown).unwrap_or_default());
                    }
                }
                "T*" | "ET" if !text.ends_with('\n') => text.push('\n'),
                _ => {}
            }
        }
    }
    Ok(())
}

fn collect(text: &mut String, encoding: &lopdf::Encoding<'_>, operands: &[lopdf::Object]) {
    for operand in operands {
        match operand {
            lopdf::Object::String(bytes, _) => {
                let _ = encoding.write_to_string(bytes, text);
            }
            lopdf::Object::Array(items) => {
                collect(text, encoding, items);
                text.push(' ');
            }
            lopdf::Object::Integer(i) if *i < -100 => text.push(' '),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_are_counted_and_slices_end_after_one() {
        let content = b"BT /F1 12 Tf (a (nested) \\) b) Tj [(x) -200 (y)] TJ <</K [1 2]>> BDC \
                        % comment Tj\n<414243> Tj BI /W 1 ID \x00EI\xff EI ET";
        let (s, n) = slices(content, 2, 100).unwrap();
        assert_eq!(n, 8, "BT Tf Tj TJ BDC Tj BI ET");
        let joined: Vec<u8> = s.iter().flat_map(|r| content[r.clone()].to_vec()).collect();
        assert_eq!(joined, content);
        assert_eq!(&content[s[0].clone()], b"BT /F1 12 Tf");
        assert_eq!(slices(content, 2, 5), Err(6));
    }
}
