//! Fuzzing on the stable toolchain: a property test per parser the scanner owns, fed arbitrary
//! bytes and inputs built from the parser's own vocabulary (delimiters and quotes, mbox
//! separators and MIME boundaries, XML tags and repeat attributes, BIFF records, PDF
//! operators). Each must neither panic nor allocate beyond its input; the piece cutter must also
//! lose and double nothing. CI runs a few hundred cases each; a longer run by hand:
//!
//! ```text
//! BREACHDESK_FUZZ_CASES=200000 cargo test -p breachdesk-scan --release --test it fuzz::
//! ```
//!
//! (runs recorded in docs/FUZZING.md).

use std::io::Write as _;

use breachdesk_scan::fuzz;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};

fn config() -> Config {
    let cases = std::env::var("BREACHDESK_FUZZ_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256);
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    }
}

/// Bytes drawn mostly from `vocabulary` (whole words), some arbitrary.
fn from_words(vocabulary: &'static [&'static [u8]], max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![
            4 => proptest::sample::select(vocabulary).prop_map(<[u8]>::to_vec),
            1 => proptest::collection::vec(any::<u8>(), 0..4),
        ],
        0..max,
    )
    .prop_map(|parts| parts.concat())
}

const TABLE_WORDS: &[&[u8]] = &[
    b";",
    b",",
    b"\t",
    b"|",
    b"\"",
    b"\"\"",
    b"\n",
    b"\r\n",
    b"\r",
    b"nimi",
    b"email",
    b"name",
    b"Etunimi",
    b"osoite",
    b"Maija",
    b"131052-308T",
    b" ",
    b"\xc3\xa4",
    b"\xff",
];
const MAIL_WORDS: &[&[u8]] = &[
    b"From ",
    b"\nFrom ",
    b"From: a <a@example.fi>\n",
    b"To: b@example.se, \"x, y\" <c@d>\n",
    b"Subject: =?UTF-8?B?VGlsYXVz?=\n",
    b"Content-Type: multipart/mixed; boundary=XX\n",
    b"Content-Type: text/html\n",
    b"Content-Transfer-Encoding: base64\n",
    b"Content-Transfer-Encoding: quoted-printable\n",
    b"Content-Disposition: attachment; filename=a.csv\n",
    b"--XX\n",
    b"--XX--\n",
    b"\n",
    b"\r\n",
    b"=E4=\n",
    b"ZW1haWwK",
    b"<b>x</b>",
    b"body ",
];
const XML_WORDS: &[&[u8]] = &[
    b"<table:table>",
    b"</table:table>",
    b"<table:table-row>",
    b"</table:table-row>",
    b"<table:table-row table:number-rows-repeated=\"1048576\">",
    b"<table:table-cell table:number-columns-repeated=\"16384\"/>",
    b"<table:table-cell office:value-type=\"string\">",
    b"</table:table-cell>",
    b"<table:table-cell/>",
    b"<text:p>x</text:p>",
    b"<!--",
    b"-->",
    b"<![CDATA[",
    b"]]>",
    b"<?",
    b"?>",
    b"\"",
    b"'",
    b">",
    b"<",
    b"/>",
    b"=\"7\"",
    b" ",
];
const PDF_WORDS: &[&[u8]] = &[
    b"BT ",
    b"ET ",
    b"/F1 12 Tf ",
    b"(a) Tj ",
    b"[(x) -200 (y)] TJ ",
    b"(",
    b")",
    b"\\",
    b"<",
    b">",
    b"<<",
    b">>",
    b"[",
    b"]",
    b"{",
    b"}",
    b"%",
    b"\n",
    b"BI ",
    b"ID ",
    b" EI ",
    b"T* ",
    b"(z) ' ",
    b"1 2 (w) \" ",
    b"/Name ",
    b"12 ",
    b"-3.5 ",
    b"true ",
    b"q Q ",
];

/// A BIFF record of this type with this data.
fn record(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut v = typ.to_le_bytes().to_vec();
    v.extend_from_slice(&u16::try_from(data.len().min(0xFFFF)).unwrap().to_le_bytes());
    v.extend_from_slice(&data[..data.len().min(0xFFFF)]);
    v
}

fn biff_stream() -> impl Strategy<Value = Vec<u8>> {
    let typ = prop_oneof![
        Just(0x0809u16),
        Just(0x0085),
        Just(0x000A),
        Just(0x0200),
        Just(0x0203),
        Just(0x00BD),
        Just(0x00FD),
        Just(0x0006),
        any::<u16>(),
    ];
    proptest::collection::vec((typ, proptest::collection::vec(any::<u8>(), 0..24)), 0..40)
        .prop_map(|recs| recs.into_iter().flat_map(|(t, d)| record(t, &d)).collect())
}

/// calamine's XLS reader panics on many truncated records (an index out of range: found by
/// `xls_guard`, see docs/FUZZING.md); the scanner turns such a panic into the file's failure.
/// Those panics are not printed here, others are.
fn quiet_calamine_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info
                .location()
                .is_some_and(|l| l.file().contains("calamine"))
            {
                previous(info);
            }
        }));
    });
}

fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        z.start_file(*name, opts).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn table_sniffing_and_reading(bytes in from_words(TABLE_WORDS, 200)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = fuzz::table(&text);
        let _ = fuzz::file("x.csv", &bytes);
    }

    #[test]
    fn json_visitor(bytes in prop_oneof![
        from_words(&[b"{", b"}", b"[", b"]", b"\"nimi\"", b":", b",", b"\"a\\u00e4\"", b"1e400",
            b"-0", b"null", b"true", b"\"", b"\\", b" "], 300),
        proptest::collection::vec(any::<u8>(), 0..512),
    ]) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = fuzz::json(&text);
        let _ = fuzz::file("x.json", &bytes);
        let _ = fuzz::file("x.ndjson", &bytes);
    }

    #[test]
    fn mail_splitting(bytes in from_words(MAIL_WORDS, 80)) {
        let _ = fuzz::mail(&bytes);
        let _ = fuzz::file("x.mbox", &bytes);
    }

    #[test]
    fn piece_cutter_loses_and_doubles_nothing(
        bytes in prop_oneof![from_words(TABLE_WORDS, 600), from_words(MAIL_WORDS, 300)],
        ext in proptest::sample::select(&["csv", "log", "txt", "mbox", "ndjson", ""][..]),
        size in 1usize..3000,
    ) {
        let pieces = fuzz::pieces(ext, &bytes, size).unwrap();
        prop_assert_eq!(pieces.concat(), bytes);
        prop_assert!(pieces.iter().all(|p| p.len() <= 8 * size.max(1024) + 8 * 1024));
    }

    #[test]
    fn ods_guard(xml in from_words(XML_WORDS, 120)) {
        fuzz::ods_content(&xml).unwrap();
        // Inside a document calamine reads: the guard first, then calamine if it passes.
        let mut doc = br#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="S">"#.to_vec();
        doc.extend_from_slice(&xml);
        doc.extend_from_slice(b"</table:table></office:spreadsheet></office:body></office:document-content>");
        let _ = fuzz::spreadsheet(&crate::hostile::ods_with(&xml));
        let _ = fuzz::spreadsheet(&crate::hostile::ods_with(&doc));
    }

    #[test]
    fn xlsx_guard(sheet in from_words(&[b"<worksheet>", b"<sheetData>", b"<row r=\"1\">",
            b"<row r=\"1048576\">", b"</row>", b"<c r=\"A1\" t=\"s\"><v>0</v></c>",
            b"<c r=\"XFD1048576\"><v>1</v></c>", b"<c t=\"inlineStr\"><is><t>x</t></is></c>",
            b"<dimension ref=\"A1:B2\"/>", b"</sheetData>", b"</worksheet>", b"<", b"\""], 40),
        strings in from_words(&[b"<sst uniqueCount=\"", b"99999999999", b"3", b"\">",
            b"<si><t>x</t></si>", b"</sst>", b"\""], 12),
    ) {
        let bytes = crate::hostile::xlsx_with(
            &String::from_utf8_lossy(&sheet),
            Some(&String::from_utf8_lossy(&strings)),
        );
        let _ = fuzz::spreadsheet(&bytes);
        let _ = fuzz::shared_strings(&strings);
    }

    #[test]
    fn xls_guard(stream in biff_stream(), header in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = fuzz::biff(&stream);
        // A compound file header followed by anything: the chains are walked within bounds.
        let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        cfb.extend_from_slice(&header);
        let _ = fuzz::xls(&cfb);
        // The records as the sheet of a real workbook: the guard must not panic; calamine,
        // which panics on many truncated records, runs as the scanner runs it.
        let book = crate::hostile::biff_workbook(&stream[..stream.len().min(60_000)]);
        let xls = crate::hostile::xls_with(&book);
        let _ = fuzz::xls(&xls);
        quiet_calamine_panics();
        prop_assert_eq!(fuzz::spreadsheet_guarded(&xls), 1);
    }

    #[test]
    fn pdf_guard(content in from_words(PDF_WORDS, 200), per in 1usize..50) {
        if let Ok((slices, _)) = fuzz::pdf_content(&content, per, 1_000_000) {
            let joined: Vec<u8> = slices.iter().flat_map(|r| content[r.clone()].to_vec()).collect();
            prop_assert_eq!(joined, content.clone());
        }
        let _ = fuzz::pdf(&crate::hostile::pdf_with_content(&content, false));
    }

    #[test]
    fn pdf_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048), at in any::<usize>()) {
        // A valid PDF with some bytes overwritten, and arbitrary bytes.
        let mut pdf = crate::hostile::pdf_with_content(b"BT /F1 12 Tf (a) Tj ET", false);
        let at = at % pdf.len();
        let end = (at + bytes.len()).min(pdf.len());
        pdf[at..end].copy_from_slice(&bytes[..end - at]);
        let _ = fuzz::pdf(&pdf);
        let _ = fuzz::pdf(&bytes);
    }

    #[test]
    fn archives_and_documents(bytes in proptest::collection::vec(any::<u8>(), 0..2048),
            name in proptest::sample::select(&["a.zip", "a.gz", "a.tar", "a.docx", "a.eml", "a"][..])) {
        let _ = fuzz::file(name, &bytes);
        let _ = fuzz::document(&bytes);
        let nested = zip_of(&[("in.zip", &zip_of(&[("x.csv", &bytes)])), ("b.gz", &bytes)]);
        let _ = fuzz::file("n.zip", &nested);
    }

    #[test]
    fn escaping_leaves_nothing_a_terminal_obeys(s in any::<String>()) {
        let shown = fuzz::escaped(&s);
        let obeyed = shown.chars().any(|c| c.is_control()
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c));
        prop_assert!(!obeyed, "{:?}", shown);
    }
}

/// The targets reach their parsers: valid input read through them gives its text or records
/// (a harness that failed early on everything would fuzz nothing).
#[test]
fn the_fuzz_targets_reach_their_parsers() {
    let pdf = crate::hostile::pdf_with_content(b"BT /F1 12 Tf (Maija) Tj ET", false);
    assert!(fuzz::pdf(&pdf).unwrap().contains("Maija"));
    let xlsx = crate::hostile::xlsx_with(
        r#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>y</t></is></c></row><row r="2"><c r="A2"><v>4</v></c></row></sheetData></worksheet>"#,
        Some(r#"<sst uniqueCount="1"><si><t>email</t></si></sst>"#),
    );
    assert_eq!(fuzz::spreadsheet(&xlsx), Ok(2));
    let content = br#"<table:table><table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#;
    assert_eq!(fuzz::ods_content(content).unwrap(), 2);
    let ods = crate::hostile::ods_with(
            br#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="S"><table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#,
    );
    assert_eq!(fuzz::spreadsheet(&ods), Ok(1));
    let xls = crate::hostile::xls_with(&crate::hostile::biff_workbook(
        &[
            crate::hostile::biff_number(0, 0),
            crate::hostile::biff_number(3, 2),
        ]
        .concat(),
    ));
    assert_eq!(fuzz::spreadsheet(&xls), Ok(4));
    assert_eq!(fuzz::json(r#"[{"nimi":"Maija"}]"#), Some(1));
    assert_eq!(fuzz::mail(b"From x\nFrom: a@example.fi\n\nhi\n"), 1);
    assert!(fuzz::file("a.zip", &zip_of(&[("b.csv", b"email\na@example.fi\n")])) >= 1);
}

/// Found by `xls_guard`: a MULRK record whose last column comes before its first made calamine
/// subtract with overflow (a panic where overflow is checked); the guard refuses it.
#[test]
fn a_mulrk_record_ending_before_it_starts_is_refused() {
    let record = crate::hostile::biff(0x00BD, &[0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    let xls = crate::hostile::xls_with(&crate::hostile::biff_workbook(&record));
    assert!(fuzz::spreadsheet(&xls).unwrap_err().contains("MULRK"));
}
