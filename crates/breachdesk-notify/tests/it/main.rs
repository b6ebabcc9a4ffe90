//! The notices' files as other programs read them: PDFs through Poppler (`pdftotext`,
//! `pdffonts`, from Debian's poppler-utils, which `scripts/test` installs), not only through the
//! PDF library the unit tests use.

#![allow(clippy::unwrap_used)]

use std::process::Command;

use breachdesk_notify::document::Document;
use breachdesk_notify::pdf;

const NAMES: [&str; 6] = [
    "Áilu Ŋuolja-Đuođđa Ŧeahkká",
    "Мария Ивановна Смирнова",
    "Γιώργος Παπαδόπουλος",
    "Nguyễn Thị Minh Khai",
    "Łukasz Šťastný Øvergård",
    "Ärjänsalo Åkerström",
];

fn poppler(tool: &str, pdf: &[u8], args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("letters.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| {
            panic!("{tool} (Debian poppler-utils; scripts/test installs it) did not run: {e}")
        });
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn letters() -> Vec<Document> {
    NAMES
        .iter()
        .map(|name| {
            let mut d = Document::new("fi", "Ilmoitus henkilötietojen tietoturvaloukkauksesta");
            d.field("Vastaanottaja", *name)
                .heading("Mitä tapahtui")
                .paragraph(format!(
                    "Hyvä {name}, tietosi näkyivät yhteisellä levyllä – pahoittelemme."
                ));
            d
        })
        .collect()
}

#[test]
fn every_name_prints_and_reads_back_in_poppler() {
    let bytes = pdf::render(&letters());
    let text = poppler("pdftotext", &bytes, &["-enc", "UTF-8"]);
    for name in NAMES {
        assert!(text.contains(name), "{name} not in:\n{text}");
    }
    assert!(text.contains("pahoittelemme"), "{text}");
    assert!(!text.contains('?'), "{text}");
    // One page per letter.
    assert_eq!(text.matches('\u{c}').count(), NAMES.len(), "{text}");
}

#[test]
fn the_fonts_are_embedded_subsets_with_unicode_maps() {
    let bytes = pdf::render(&letters());
    let fonts = poppler("pdffonts", &bytes, &[]);
    // name, type, encoding, emb, sub, uni: both faces, CID TrueType, Identity-H, yes yes yes.
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{fonts}");
    for (row, face) in rows.iter().zip(["DejaVuSans", "DejaVuSans-Bold"]) {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert!(cols[0].ends_with(&format!("+{face}")), "{fonts}");
        assert!(row.contains("CID TrueType"), "{fonts}");
        assert!(row.contains("Identity-H"), "{fonts}");
        assert_eq!(
            &cols[cols.len() - 5..cols.len() - 2],
            ["yes", "yes", "yes"],
            "{fonts}"
        );
    }
    // Subsets: far smaller than the two faces (1.4 MB).
    assert!(bytes.len() < 120_000, "{}", bytes.len());
}

#[test]
fn arabic_names_are_joined_right_to_left_and_read_back() {
    let mut d = Document::new("en", "Notice");
    d.field("Recipient", "محمد علي")
        .paragraph("Hyvä محمد علي, tietosi näkyivät yhteisellä levyllä.");
    let bytes = pdf::render(&[d]);
    let text = poppler("pdftotext", &bytes, &["-enc", "UTF-8"]);
    // Poppler gives the name back in reading order (first name first) from the ToUnicode map
    // of the joined forms, and the Finnish words around it in theirs.
    let plain: String = text
        .chars()
        .filter(|c| !('\u{202a}'..='\u{202e}').contains(c))
        .collect();
    assert!(plain.contains("محمد علي"), "{text}");
    assert!(!plain.contains("علي محمد"), "{text}");
    assert!(
        plain.contains("tietosi näkyivät yhteisellä levyllä."),
        "{text}"
    );
}
