//! Entry points into the parsers the scanner owns, for the fuzzing property tests
//! (`tests/it/fuzz.rs`). Each takes arbitrary bytes and must neither panic nor allocate beyond
//! what its input justifies. Not a stable API.

use crate::budget::{Budget, Expansion, Limits};
use crate::doc::Doc;

/// Budget and per-member limit for one fuzz case.
const FUZZ_BUDGET: u64 = 64 * 1024 * 1024;

fn with_limits<T>(size: usize, f: impl FnOnce(&Limits<'_>) -> T) -> T {
    let budget = Budget::new(FUZZ_BUDGET);
    let limits = Limits {
        budget: &budget,
        expansion: Expansion::of(size as u64),
        max_member: FUZZ_BUDGET,
    };
    f(&limits)
}

/// Table sniffing and reading (delimiter, header, quoted cells): the records' count.
#[must_use]
pub fn table(text: &str) -> usize {
    let looks = crate::looks_like_table(text);
    let mut doc = Doc::built();
    let shape = crate::table::rows(text, &mut doc);
    let mut more = Doc::built();
    crate::table::more_rows(text, &shape, &mut more);
    usize::from(looks) + doc.records.len() + more.records.len()
}

/// The JSON visitor: records, or the error.
#[must_use]
pub fn json(text: &str) -> Option<usize> {
    let mut doc = Doc::built();
    crate::table::json(text, &mut doc).ok()?;
    Some(doc.records.len())
}

/// Mail splitting and parsing: messages and their records.
#[must_use]
pub fn mail(bytes: &[u8]) -> usize {
    breachdesk_mbox::messages(bytes)
        .into_iter()
        .filter_map(crate::mail::parse)
        .map(|m| m.records.len() + m.attachments.len())
        .sum()
}

/// The stream piece cutter: the pieces of `bytes` read as a file with this extension, in
/// pieces of about `size` bytes (at least 1024).
pub fn pieces(ext: &str, bytes: &[u8], size: usize) -> std::io::Result<Vec<Vec<u8>>> {
    let Some(cut) = crate::stream::Cut::of(ext, bytes) else {
        return Ok(vec![bytes.to_vec()]);
    };
    let mut p = crate::stream::Pieces::new(bytes, cut, size);
    let mut out = Vec::new();
    while let Some(piece) = p.next_piece()? {
        out.push(piece);
    }
    Ok(out)
}

/// The spreadsheet guard and reader (XLSX, ODS, XLS by content).
pub fn spreadsheet(bytes: &[u8]) -> Result<usize, String> {
    with_limits(bytes.len(), |limits| {
        let mut doc = Doc::built();
        crate::sheet::spreadsheet(bytes, &mut doc, limits, true)?;
        Ok(doc.records.len())
    })
}

/// As [`spreadsheet`], as the scanner runs it: a panic in calamine fails the file.
#[must_use]
pub fn spreadsheet_guarded(bytes: &[u8]) -> usize {
    crate::guarded(|| {
        vec![(
            String::new(),
            match spreadsheet(bytes) {
                Ok(_) => crate::FileResult::More(Vec::new()),
                Err(e) => crate::FileResult::Failed(e),
            },
        )]
    })
    .len()
}

/// The XLS guard alone (compound file chains, BIFF measure): the cells, or the refusal.
pub fn xls(bytes: &[u8]) -> Result<u64, String> {
    crate::sheet::xls_cells(bytes)
}

/// The XML tag scanner and the ODS cell counter over `content.xml`.
pub fn ods_content(xml: &[u8]) -> std::io::Result<u64> {
    let mut counter = crate::sheet::OdsCounter::default();
    let mut tags = crate::sheet::Tags::new(xml);
    while let Some(tag) = tags.next_tag()? {
        counter.tag(&tag);
    }
    Ok(counter.total())
}

/// The BIFF measurer over a workbook stream.
pub fn biff(stream: &[u8]) -> Result<u64, String> {
    crate::sheet::biff_cells(stream)
}

/// The shared strings' announced count.
#[must_use]
pub fn shared_strings(head: &[u8]) -> Option<u64> {
    crate::sheet::announced_strings(head)
}

/// The PDF content lexer: (slice ranges, operators) or the count where it stopped.
pub fn pdf_content(
    content: &[u8],
    per_slice: usize,
    max: u64,
) -> Result<(Vec<std::ops::Range<usize>>, u64), u64> {
    crate::pdf::slices(content, per_slice, max)
}

/// The PDF reader with its guards.
pub fn pdf(bytes: &[u8]) -> Result<String, String> {
    with_limits(bytes.len(), |limits| crate::pdf::text(bytes, limits, true))
}

/// DOCX/ODT text.
pub fn document(bytes: &[u8]) -> Result<String, String> {
    with_limits(bytes.len(), |limits| {
        crate::office::document_text(bytes, limits, true)
    })
}

/// A whole file's bytes as the scanner reads them (archives, mail, text …), named `name`:
/// the number of parts. Not guarded: a panic here is a finding.
#[must_use]
pub fn file(name: &str, bytes: &[u8]) -> usize {
    let options = crate::Options::default();
    let budget = Budget::new(FUZZ_BUDGET);
    let cx = crate::Cx::new(&options, &budget, bytes.len() as u64);
    crate::scan_bytes(name, bytes, &cx, 0).len()
}

/// The terminal escaping of untrusted strings.
#[must_use]
pub fn escaped(s: &str) -> String {
    crate::Untrusted::from(s).to_string()
}
