//! Word-processor documents (DOCX, ODT) as text, a paragraph being a record. (Spreadsheets are
//! in `sheet.rs`, PDF in `pdf.rs`.)

use std::io::Cursor;

use crate::budget::Limits;

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
/// The text part is inflated within the scan's limits (`top`: the caller holds nothing of the
/// budget).
pub fn document_text(bytes: &[u8], limits: &Limits<'_>, top: bool) -> Result<String, String> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("corrupt document: {e}"))?;
    let part = ["word/document.xml", "content.xml"]
        .into_iter()
        .find(|p| zip.index_for_name(p).is_some())
        .ok_or_else(|| "no text part in the document".to_owned())?;
    let mut entry = zip
        .by_name(part)
        .map_err(|e| format!("corrupt document: {e}"))?;
    let size = entry.size();
    let (xml, _held) = limits.read(&mut entry, Some(size), top)?;
    let xml = String::from_utf8(xml).map_err(|e| format!("corrupt document: {e}"))?;
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
