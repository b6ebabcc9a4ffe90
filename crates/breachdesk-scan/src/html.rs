//! HTML pages: every row of a `<table>` is a record whose columns are named by its header row
//! (`<th>` cells, or a first row that names known columns), as a CSV export's are; the text
//! around the tables is read in paragraphs. Tags are dropped and character references decoded
//! (`html-escape`); scripts and styles are not text.

use crate::doc::{Doc, paragraph_ranges};
use crate::table::{self, Column};

/// Whether a text is an HTML page (by its first kilobytes).
#[must_use]
pub fn looks_like_html(text: &str) -> bool {
    let head = &text[..text.floor_char_boundary(text.len().min(4096))];
    let lower = head.to_ascii_lowercase();
    lower.contains("<html") || lower.contains("<!doctype html") || lower.contains("<table")
}

/// The position of `needle` (ASCII, lower case) in `hay` at or after `from`, ignoring case.
fn find(hay: &str, needle: &str, from: usize) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    (from..=h.len().checked_sub(n.len())?).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// The start of the next tag named `name` (`<td`, `<td>`, not `<tdx`) at or after `from`.
fn tag(hay: &str, name: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(i) = find(hay, name, at) {
        let next = hay.as_bytes().get(i + name.len());
        if next.is_none_or(|b| matches!(b, b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')) {
            return Some(i);
        }
        at = i + 1;
    }
    None
}

/// The text of an HTML fragment: tags dropped (block tags as line breaks), scripts and styles
/// left out, references decoded, runs of blanks made one.
fn text_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        // A `<` that opens no tag (`alle < 5 €`) is text.
        if !after[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'))
        {
            out.push('<');
            rest = &after[1..];
            continue;
        }
        let close = after.find('>').map_or(after.len(), |c| c + 1);
        let name: String = after[1..close.max(1)]
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        let mut skip = close;
        if matches!(name.as_str(), "script" | "style") && !after[1..].starts_with('/') {
            skip = find(after, &format!("</{name}"), 0)
                .and_then(|e| after[e..].find('>').map(|c| e + c + 1))
                .unwrap_or(after.len());
        }
        let block = matches!(
            name.as_str(),
            "p" | "br"
                | "div"
                | "li"
                | "tr"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "table"
                | "section"
                | "article"
                | "header"
                | "footer"
                | "ul"
                | "ol"
                | "address"
        );
        out.push(if block { '\n' } else { ' ' });
        rest = &after[skip..];
    }
    out.push_str(rest);
    let decoded = html_escape::decode_html_entities(&out);
    decoded
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The cells of one row (`<tr>…`): the text of each `<td>` / `<th>`, and whether all were `<th>`.
fn cells(row: &str) -> (Vec<String>, bool) {
    // The row ends at its `</tr>`; each cell at the next cell's start (one pass over the row).
    let row = &row[..find(row, "</tr", 0).unwrap_or(row.len())];
    let mut out = Vec::new();
    let mut all_th = true;
    let mut next = next_cell(row, 0);
    while let Some((start, is_th)) = next {
        let Some(gt) = row[start..].find('>') else {
            break;
        };
        let body = start + gt + 1;
        next = next_cell(row, body);
        let end = next.map_or(row.len(), |(s, _)| s);
        out.push(
            text_of(&row[body..end])
                .replace('\n', " ")
                .trim()
                .to_owned(),
        );
        all_th &= is_th;
    }
    (out, all_th)
}

/// The next `<td` or `<th` tag at or after `from`, and whether it is a `<th`.
fn next_cell(row: &str, from: usize) -> Option<(usize, bool)> {
    let b = row.as_bytes();
    let mut at = from;
    while let Some(i) = row[at..].find('<').map(|i| at + i) {
        let name = b.get(i + 1..i + 3).map(<[u8]>::to_ascii_lowercase);
        let after = b.get(i + 3);
        let is_cell_tag = matches!(name.as_deref(), Some(b"td" | b"th"))
            && after.is_none_or(|c| matches!(c, b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/'));
        if is_cell_tag {
            return Some((i, name.as_deref() == Some(b"th")));
        }
        at = i + 1;
    }
    None
}

/// Reads an HTML page into `doc`: table rows as records with their columns, other text as
/// paragraphs.
pub fn read(html: &str, doc: &mut Doc<'_>) {
    let mut outside = String::new();
    let mut at = 0;
    while let Some(start) = tag(html, "<table", at) {
        outside.push_str(&html[at..start]);
        let end = find(html, "</table", start).unwrap_or(html.len());
        let body = &html[start..end];
        let mut columns: Option<Vec<Column>> = None;
        let mut first = true;
        let mut r = 0;
        while let Some(row_start) = tag(body, "<tr", r) {
            let row_end = tag(body, "<tr", row_start + 3).unwrap_or(body.len());
            let (row, all_th) = cells(&body[row_start..row_end]);
            r = row_end;
            if row.iter().all(String::is_empty) {
                continue;
            }
            if std::mem::take(&mut first) {
                if let Some(h) = table::header(&row) {
                    columns = Some(h);
                    continue;
                }
                if all_th {
                    continue;
                }
            }
            table::push_row(doc, columns.as_deref(), &row);
        }
        at = html[end..].find('>').map_or(html.len(), |c| end + c + 1);
    }
    outside.push_str(&html[at..]);
    let text = text_of(&outside);
    for r in paragraph_ranges(&text) {
        doc.push([text[r].trim_end()], Vec::new());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_are_records_named_by_their_header() {
        let page = "<!DOCTYPE html><html><body><h1>J&auml;senet</h1><p>Yhteydet: info@x.fi</p>\
            <table><thead><tr><th>J\u{e4}sennumero</th><th>Nimi</th><th>Osoite</th></tr></thead>\
            <tbody><tr><td>3081</td><td>Kirsikka <b>Mallat</b></td><td>Aurinkorinne 72, 01300 Vantaa</td></tr>\n\
            <tr>\n <td>8321</td>\n <td>Tiitus&nbsp;Kailasalo</td>\n <td>Haapatie 1, 13100 H&auml;meenlinna</td>\n</tr>\
            </tbody></table><script>var x = '<td>no</td>';</script><p>Loppu &amp; kiitos</p>\
            <p>alle < 5 €, maija@x.fi</p></body></html>";
        assert!(looks_like_html(page));
        let mut doc = Doc::built();
        read(page, &mut doc);
        let texts: Vec<&str> = doc.records.iter().map(|r| &doc.text[r.clone()]).collect();
        assert_eq!(
            texts,
            [
                "3081 | Kirsikka Mallat | Aurinkorinne 72, 01300 Vantaa",
                "8321 | Tiitus Kailasalo | Haapatie 1, 13100 Hämeenlinna",
                "Jäsenet",
                "Yhteydet: info@x.fi",
                "Loppu & kiitos",
                "alle < 5 €, maija@x.fi",
            ]
        );
        assert_eq!(doc.columns[0][0].value, "kirsikka mallat");
        assert_eq!(doc.columns[1][1].value, "haapatie 1, 13100 hämeenlinna");
        // The member number's cell carries its column's cue.
        assert_eq!(&doc.text[doc.cues[0].0.clone()], "3081");
    }
}
