//! vCards (`.vcf`, versions 2.1, 3.0 and 4.0, one or many per file): each card is one record,
//! its properties the columns — `FN` (or `N` as given, middle and family name) the name, `ADR`
//! the street, postcode and town, `TEL` phones, `BDAY` the date of birth; the country of `ADR`
//! stays in the record as the context national numbers are read in.

use crate::doc::Doc;
use crate::table::{self, Column};

/// Whether a text holds vCards.
#[must_use]
pub fn looks_like_vcard(text: &str) -> bool {
    let head = &text[..text.floor_char_boundary(text.len().min(1024))];
    head.trim_start()
        .get(..11)
        .is_some_and(|s| s.eq_ignore_ascii_case("BEGIN:VCARD"))
}

/// A property value with the escapes of RFC 6350 undone (`\,` `\;` `\n` `\\`).
fn unescape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push(' '),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The structured parts of `N` or `ADR` (split at unescaped `;`).
fn parts(v: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    for c in v.chars() {
        if escaped {
            cur.push('\\');
            cur.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ';' {
            out.push(unescape(&cur).trim().to_owned());
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    out.push(unescape(&cur).trim().to_owned());
    out
}

/// One card's cells and their columns, built as its properties are read.
#[derive(Default)]
struct Card {
    cells: Vec<String>,
    columns: Vec<Column>,
    full_name: bool,
    given_family: Option<String>,
}

impl Card {
    fn add(&mut self, column: Column, value: String) {
        if !value.is_empty() {
            self.cells.push(value);
            self.columns.push(column);
        }
    }

    fn push(mut self, doc: &mut Doc<'_>) {
        if !self.full_name
            && let Some(name) = self.given_family.take()
        {
            self.add(Column::FullName, name);
        }
        if !self.cells.is_empty() {
            table::push_row(doc, Some(&self.columns), &self.cells);
        }
    }
}

/// Reads the cards of a text into `doc`, one record each.
pub fn read(text: &str, doc: &mut Doc<'_>) {
    // Lines that start with a blank continue the one before (folding).
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        match (line.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(more), Some(last)) => last.push_str(more),
            _ => lines.push(line.to_owned()),
        }
    }
    let mut card: Option<Card> = None;
    for line in &lines {
        let Some((head, value)) = line.split_once(':') else {
            continue;
        };
        let name = head
            .split(';')
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        // `item1.TEL`: the group is not part of the name.
        let name = name.rsplit('.').next().unwrap_or_default();
        match name {
            "BEGIN" if value.trim().eq_ignore_ascii_case("VCARD") => card = Some(Card::default()),
            "END" => {
                if let Some(c) = card.take() {
                    c.push(doc);
                }
            }
            _ => {
                let Some(c) = card.as_mut() else { continue };
                match name {
                    "FN" => {
                        c.full_name = true;
                        c.add(Column::FullName, unescape(value).trim().to_owned());
                    }
                    "N" => {
                        // Family; given; additional; prefixes; suffixes.
                        let p = parts(value);
                        let get = |i: usize| p.get(i).map_or("", String::as_str);
                        let name = [get(1), get(2), get(0)]
                            .into_iter()
                            .filter(|s| !s.is_empty())
                            .collect::<Vec<_>>()
                            .join(" ");
                        c.given_family = Some(name);
                    }
                    "ADR" => {
                        // PO box; extended; street; locality; region; postcode; country.
                        let p = parts(value);
                        let get = |i: usize| p.get(i).cloned().unwrap_or_default();
                        let street = [get(2), get(1)]
                            .into_iter()
                            .filter(|s| !s.is_empty())
                            .collect::<Vec<_>>()
                            .join(" ");
                        c.add(Column::Street, street);
                        c.add(Column::Postcode, get(5));
                        c.add(Column::City, get(3));
                        c.add(Column::Other, get(4));
                        c.add(Column::Other, get(6));
                    }
                    "TEL" => {
                        let v = unescape(value);
                        let v = v.trim().trim_start_matches("tel:").to_owned();
                        c.add(Column::Phone, v);
                    }
                    "BDAY" => c.add(Column::DateOfBirth, unescape(value).trim().to_owned()),
                    "EMAIL" | "NOTE" | "ORG" | "TITLE" | "URL" | "NICKNAME" | "LABEL" => {
                        c.add(Column::Other, unescape(value).trim().to_owned());
                    }
                    _ => {}
                }
            }
        }
    }
    if let Some(c) = card {
        c.push(doc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_card_is_a_record_of_name_address_and_phones() {
        let vcf = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Nyblom;Asl\u{f6}g;;;\r\nFN:Asl\u{f6}g Nyblom\r\n\
            TEL;TYPE=home:040 88 35 43\r\nEMAIL;TYPE=home:a@mejl.example\r\n\
            ADR;TYPE=home:;;\u{d6}vre Husargatan 79;Malm\u{f6};;214 21;Sweden\r\nEND:VCARD\r\n\
            BEGIN:VCARD\nVERSION:4.0\nN:Kyr\u{f6};Aarre;Johannes;;\nTEL;VALUE=uri:tel:+358-40-123\n 4567\n\
            BDAY:19800203\nADR:;;Fredrikinkatu 21\\, B;Lahti;;15100;\nEND:VCARD\n";
        assert!(looks_like_vcard(vcf));
        let mut doc = Doc::built();
        read(vcf, &mut doc);
        assert_eq!(doc.records.len(), 2);
        let hits = |i: usize| -> Vec<(&str, &str)> {
            doc.columns[i]
                .iter()
                .map(|h| (h.category.id(), h.value.as_str()))
                .collect()
        };
        assert_eq!(
            hits(0),
            [
                ("person_name", "aslög nyblom"),
                ("postal_address", "övre husargatan 79, 214 21 malmö")
            ]
        );
        assert_eq!(
            hits(1),
            [
                ("person_name", "aarre johannes kyrö"),
                ("postal_address", "fredrikinkatu 21, b, 15100 lahti"),
                ("date_of_birth", "19800203")
            ]
        );
        assert!(doc.text.contains("+358-40-1234567"));
        assert!(doc.text.contains("Sweden"));
    }
}
