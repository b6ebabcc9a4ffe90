//! The leak scanner: `breachdesk scan PATH`.
//!
//! walk → read and decode → split into records → detect and validate → link records that share a
//! strong identifier into data subjects (union-find) → report. Synchronous and multi-threaded
//! (rayon over the files, linking on a thread of its own); no database, no network; it never
//! writes into the scanned tree and never logs a value.
//!
//! Reads plain text, logs, CSV/TSV (a row is a record), JSON and NDJSON, e-mail (`.eml`, mbox),
//! office documents, PDF text and archives recursively; large text files in pieces. Image files
//! are `photo` candidates; what cannot be read is listed with its reason, never silently dropped.
//! Findings and subject lines are written to a [`Sink`] at the end, from a sealed spill file,
//! so that memory does not grow with the leak.

mod budget;
pub mod context;
pub mod detect;
mod doc;
mod html;
mod link;
pub mod mail;
mod names;
mod office;
mod pdf;
mod plans;
mod rules;
mod sheet;
mod spill;
mod sql;
mod sqlite;
mod stream;
pub mod table;
mod unionfind;
mod untrusted;
mod vcard;

/// Parsers the scanner owns, exposed for the fuzzing property tests (not a stable API).
#[doc(hidden)]
pub mod fuzz;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use budget::{Budget, Limits};
pub use context::{CustomerNumberError, CustomerNumbers};
pub use detect::{Category, Country, Hit, mask};
use doc::Doc;
pub use untrusted::Untrusted;

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// Files larger than this that must be read whole (archives, office documents, PDF, JSON,
    /// UTF-16 text) are skipped and listed; text read in pieces has no limit.
    pub max_file_bytes: u64,
    /// Text files (logs, tables, NDJSON, plain text, mailboxes) larger than this are read in
    /// pieces of about this size, so that memory does not grow with a file.
    pub piece_bytes: u64,
    /// The organisation's customer numbers: reported where a column or label says customer
    /// number (or anywhere, for a distinctive pattern); none without this.
    pub customer_number: Option<CustomerNumbers>,
    /// Show values in full in findings and subjects (masked otherwise).
    pub reveal: bool,
    /// Keep every occurrence for `--findings` (memory grows with them).
    pub collect_findings: bool,
    /// Keep every data subject for `--subjects`.
    pub collect_subjects: bool,
    /// Where the sealed temporary files for findings and subjects go (the system's temporary
    /// directory when `None`); never inside the scanned tree.
    pub spill_dir: Option<PathBuf>,
    /// About how much subject data is gathered in memory at once at the end of a scan; the
    /// subjects beyond it wait in further temporary files.
    pub subject_bucket_bytes: u64,
    /// Decompressed bytes the whole scan may hold at once, across nesting levels and threads
    /// (archive members, gzip content, what office and PDF readers inflate); reserved before
    /// inflating, released after. What would go beyond is listed as failed. Never less than
    /// `max_file_bytes` (one member of that size must fit).
    pub max_expanded_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_file_bytes: 256 * 1024 * 1024,
            piece_bytes: 8 * 1024 * 1024,
            customer_number: None,
            reveal: false,
            collect_findings: true,
            collect_subjects: true,
            spill_dir: None,
            subject_bucket_bytes: 32 * 1024 * 1024,
            max_expanded_bytes: 1024 * 1024 * 1024,
        }
    }
}

/// Why a scan could not be done (a file that cannot be read is not an error: it is listed).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// PATH itself cannot be read.
    #[error("{path}: {source}")]
    Root {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The temporary files that hold findings and subjects until the end.
    #[error("temporary files in {dir}: {source}")]
    Spill {
        dir: PathBuf,
        source: std::io::Error,
    },
    /// The sink refused a finding or a subject line.
    #[error("writing the findings or subjects: {0}")]
    Output(std::io::Error),
}

/// Where findings (`--findings`) and subject lines (`--subjects`) go, one at a time, as a scan
/// ends: in file order, and in subject-number order.
pub trait Sink {
    /// One occurrence.
    ///
    /// # Errors
    /// When it cannot be written; the scan stops.
    fn finding(&mut self, line: FindingLine) -> std::io::Result<()>;
    /// One data subject.
    ///
    /// # Errors
    /// When it cannot be written; the scan stops.
    fn subject(&mut self, line: SubjectLine) -> std::io::Result<()>;
}

/// A sink that keeps every line in memory (for a small scan, and for tests).
#[derive(Debug, Default)]
pub struct Collected {
    pub findings: Vec<FindingLine>,
    pub subjects: Vec<SubjectLine>,
}

impl Sink for Collected {
    fn finding(&mut self, line: FindingLine) -> std::io::Result<()> {
        self.findings.push(line);
        Ok(())
    }

    fn subject(&mut self, line: SubjectLine) -> std::io::Result<()> {
        self.subjects.push(line);
        Ok(())
    }
}

#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct FileCounts {
    pub scanned: u64,
    pub skipped: u64,
    pub failed: u64,
}

#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct CategoryCount {
    pub occurrences: u64,
    pub distinct_values: u64,
}

/// A file that was not read, and why. The name and the reason come from the scanned material
/// (a reason can quote a parser's message about it): they are shown escaped, serialised as
/// they are.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileProblem {
    pub file: Untrusted,
    pub outcome: &'static str,
    pub reason: Untrusted,
}

/// One occurrence, as written to `--findings`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FindingLine {
    pub file: String,
    pub category: &'static str,
    pub value: String,
    /// The data subject's number (`null` for data that identifies nobody by itself).
    pub subject: Option<u64>,
}

/// One data subject, as written to `--subjects` (the format is `breachdesk-pii`'s, shared with
/// its readers).
pub type SubjectLine = breachdesk_pii::SubjectLine<&'static str>;

/// The whole result.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub subjects: u64,
    /// Of the subjects, those that rest on one weak attribute: a name together with an address,
    /// no identifier of their own (no e-mail, phone, national id, card, IBAN or customer number).
    pub subjects_by_name_and_address: u64,
    /// Of the subjects, those that may be people counted twice: known only by a payment
    /// identifier (card, IBAN, customer number) and a full name that another subject with
    /// contact or identifying data (e-mail, phone, identity code, address) also has — a payment
    /// gateway's log line with a card and its holder, that could not be joined by the card's
    /// ending (see the next figure). A name alone does not link, since two
    /// people can share one: at most this many of the subjects may be duplicates of others
    /// (other wrong splits and joins are not in this figure).
    pub subjects_named_like_another: u64,
    /// Subjects known only by a card and its holder's full name that were joined to the one
    /// subject with contact data of that name whose records show the card masked with the same
    /// last four digits: were any of them other people, the subjects would be this many more.
    pub subjects_joined_by_name_and_card_ending: u64,
    /// Subjects joined to another because a Finnish or Swedish number written without its
    /// country, whose country was guessed, was read as the other country's number that the
    /// leak holds with its country and a name (`040 123 4567` in a log line of keys and
    /// numbers, `+46 40 123 45 67` in a customer list): were any of them other people, the
    /// subjects would be this many more.
    pub subjects_joined_by_a_number_read_again: u64,
    /// Subjects known by one name with an address (a reply's quote signed `Fride`, with her new
    /// address) joined to the one subject of a full name whose first name it is at that address
    /// (`Fride Österlind`): were any of them other people, the subjects would be this many more.
    pub subjects_joined_by_first_name_and_address: u64,
    pub categories: BTreeMap<&'static str, CategoryCount>,
    pub files: FileCounts,
    #[serde(skip)]
    pub problems: Vec<FileProblem>,
    /// Every occurrence, when asked for: filled by [`scan`] and [`scan_with_progress`];
    /// [`scan_into`] gives them to its sink instead.
    #[serde(skip)]
    pub findings: Vec<FindingLine>,
    /// Every data subject, when asked for (as `findings`).
    #[serde(skip)]
    pub subject_lines: Vec<SubjectLine>,
}

/// What one file yielded.
enum FileResult {
    Scanned {
        records: Vec<Vec<Hit>>,
        photo: bool,
    },
    /// More records of a file read in pieces (already counted as scanned).
    More(Vec<Vec<Hit>>),
    Skipped(String),
    Failed(String),
}

const TEXT_EXTENSIONS: &[&str] = &[
    "txt", "log", "csv", "tsv", "json", "ndjson", "jsonl", "md", "xml", "html", "htm", "sql",
    "ini", "conf", "cfg", "yaml", "yml", "eml", "vcf",
];
const IMAGE_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "heic", "webp", "tif", "tiff", "bmp",
];

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Decodes bytes as UTF-8, UTF-16 with a BOM, or else Windows-1252/Latin-1 (every byte a char).
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest);
    }
    let utf16 = |rest: &[u8], le: bool| {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        Cow::Owned(String::from_utf16_lossy(&units))
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, false);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(bytes.iter().map(|b| char::from(*b)).collect()),
    }
}

fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"\x89PNG")
        || bytes.starts_with(b"GIF8")
        || (bytes.len() > 12 && &bytes[8..12] == b"WEBP")
}

/// Files read in parallel before their records are linked (bounds the records in memory), and
/// their size: the linking of the last batch is not overlapped by reading, so a batch of a
/// third of the leak (512 files of a megabyte) left one core idle for a third of the scan.
const LINK_BATCH: usize = 512;
const LINK_BATCH_BYTES: u64 = 8 * 1024 * 1024;

/// `files` cut into batches of at most [`LINK_BATCH`] files and, unless one file is larger,
/// [`LINK_BATCH_BYTES`].
fn batches(files: &[(PathBuf, u64)]) -> impl Iterator<Item = &[(PathBuf, u64)]> {
    let mut rest = files;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut bytes: u64 = 0;
        let n = rest
            .iter()
            .take(LINK_BATCH)
            .take_while(|(_, len)| {
                bytes = bytes.saturating_add(*len);
                bytes <= LINK_BATCH_BYTES
            })
            .count()
            .max(1);
        let (batch, after) = rest.split_at(n);
        rest = after;
        Some(batch)
    })
}

/// A table: a header line with known column names and a delimiter that recurs on the next line.
fn looks_like_table(text: &str) -> bool {
    let mut lines = text.lines();
    let (Some(first), Some(second)) = (lines.next(), lines.next()) else {
        return false;
    };
    let d = char::from(table::delimiter(first));
    let n = first.matches(d).count();
    n > 0
        && second.matches(d).count() > 0
        && first
            .split(d)
            .any(|h| table::column(h) != table::Column::Other)
        || n > 0 && first.matches(d).count() == second.matches(d).count() && first.len() < 1000
}

/// Archives nested deeper than this are not opened.
const MAX_DEPTH: usize = 3;

/// What reading one file on disk (and everything inside it) needs.
struct Cx<'a> {
    options: &'a Options,
    limits: Limits<'a>,
    /// Members of this file held (inflated) right now: a reservation made while none is may
    /// wait for other threads to give theirs back.
    holding: std::cell::Cell<u32>,
}

impl<'a> Cx<'a> {
    /// For a file (or a piece of one) of `size` bytes.
    fn new(options: &'a Options, budget: &'a Budget, size: u64) -> Self {
        Self {
            options,
            limits: Limits {
                budget,
                expansion: budget::Expansion::of(size),
                max_member: options.max_file_bytes,
            },
            holding: std::cell::Cell::new(0),
        }
    }

    /// Nothing of the budget is held for this file.
    fn top(&self) -> bool {
        self.holding.get() == 0
    }
}

/// The parts of a file, as (suffix of its name, result).
type Parts = Vec<(String, FileResult)>;

/// Scans the members of a ZIP archive one at a time: each is inflated (within the limits),
/// scanned and dropped before the next.
fn zip_members(bytes: &[u8], cx: &Cx<'_>, depth: usize, out: &mut Parts) -> Result<(), String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("corrupt ZIP archive: {e}"))?;
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                out.push((
                    format!("!#{i}"),
                    FileResult::Failed(format!("unreadable entry: {e}")),
                ));
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map_or_else(|_| format!("#{i}"), std::borrow::Cow::into_owned);
        if entry.encrypted() {
            out.push((format!("!{name}"), FileResult::Failed("encrypted".into())));
            continue;
        }
        // The ZIP reader refuses to inflate a member beyond its declared size.
        let size = entry.size();
        let read = cx.limits.read(&mut entry, Some(size), cx.top());
        drop(entry);
        member(&name, read, cx, depth, out, true);
    }
    Ok(())
}

/// Scans the members of a TAR archive one at a time.
fn tar_members(bytes: &[u8], cx: &Cx<'_>, depth: usize, out: &mut Parts) -> Result<(), String> {
    let mut archive = tar::Archive::new(bytes);
    let entries = archive
        .entries()
        .map_err(|e| format!("corrupt TAR archive: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("corrupt TAR archive: {e}"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .map_or_else(|_| "?".into(), |p| p.to_string_lossy().into_owned());
        let size = entry.size();
        let read = cx.limits.read(&mut entry, Some(size), cx.top());
        member(&name, read, cx, depth, out, true);
    }
    Ok(())
}

/// Scans one member read from an archive (then drops it, giving its bytes back to the budget);
/// `named`: its parts are named `!member…` (not so for the content of a gzip).
fn member(
    name: &str,
    read: Result<budget::Held<'_>, String>,
    cx: &Cx<'_>,
    depth: usize,
    out: &mut Parts,
    named: bool,
) {
    let prefix = if named {
        format!("!{name}")
    } else {
        String::new()
    };
    match read {
        Err(reason) => out.push((prefix, FileResult::Failed(reason))),
        Ok((inner, held)) => {
            cx.holding.set(cx.holding.get() + 1);
            out.extend(
                scan_bytes(name, &inner, cx, depth + 1)
                    .into_iter()
                    .map(|(suffix, r)| (format!("{prefix}{suffix}"), r)),
            );
            cx.holding.set(cx.holding.get() - 1);
            drop(inner);
            drop(held);
        }
    }
}

/// Scans one file's bytes; archives yield one result per member, named `archive!member`.
fn scan_bytes(name: &str, bytes: &[u8], cx: &Cx<'_>, depth: usize) -> Parts {
    let options = cx.options;
    let ext = extension(Path::new(name));
    if bytes.starts_with(sqlite::MAGIC) {
        // SQLite reads a database from a file; a leak's member is not written to disk for it.
        return vec![(
            String::new(),
            FileResult::Skipped(
                "SQLite database inside an archive or a message: extract it and scan the file"
                    .into(),
            ),
        )];
    }
    match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "ods" => {
            let mut doc = Doc::built();
            let result = sheet::spreadsheet(bytes, &mut doc, &cx.limits, cx.top()).map_or_else(
                FileResult::Failed,
                |()| FileResult::Scanned {
                    records: detect_doc(doc, options),
                    photo: false,
                },
            );
            return vec![(String::new(), result)];
        }
        "docx" | "odt" | "pdf" => {
            let text = if ext == "pdf" {
                pdf::text(bytes, &cx.limits, cx.top())
            } else {
                office::document_text(bytes, &cx.limits, cx.top())
            };
            let result = text.map_or_else(FileResult::Failed, |text| FileResult::Scanned {
                records: detect_doc(Doc::paragraphs(Cow::Owned(text)), options),
                photo: false,
            });
            return vec![(String::new(), result)];
        }
        _ => {}
    }
    let is_zip = bytes.starts_with(b"PK\x03\x04")
        && !matches!(
            ext.as_str(),
            "docx" | "xlsx" | "pptx" | "odt" | "ods" | "odp"
        );
    let gzipped = bytes.starts_with(&[0x1F, 0x8B]);
    let is_tar = bytes.len() > 262 && &bytes[257..262] == b"ustar";
    if is_zip || gzipped || is_tar {
        if depth >= MAX_DEPTH {
            return vec![(
                String::new(),
                FileResult::Skipped("archive nested too deep".into()),
            )];
        }
        let mut out = Vec::new();
        let read = if is_zip {
            zip_members(bytes, cx, depth, &mut out)
        } else if is_tar {
            tar_members(bytes, cx, depth, &mut out)
        } else {
            // A gzip of one file (or of a tar) is that file, not a folder.
            let inner_name = if ext == "tgz" {
                "archive.tar".to_owned()
            } else {
                Path::new(name)
                    .file_stem()
                    .map_or_else(|| "content".into(), |s| s.to_string_lossy().into_owned())
            };
            let read = cx
                .limits
                .read(flate2::read::GzDecoder::new(bytes), None, cx.top());
            member(&inner_name, read, cx, depth, &mut out, false);
            Ok(())
        };
        if let Err(reason) = read {
            out.push((String::new(), FileResult::Failed(reason)));
        }
        return out;
    }
    if ext == "eml" || ext == "mbox" || ext == "mbx" || bytes.starts_with(b"From ") {
        return scan_mail(bytes, cx, depth);
    }
    vec![(String::new(), scan_plain(&ext, bytes, options))]
}

/// Detects in every record of `doc` and gives back the records that hold anything. A record's
/// column hits come first, and a column's reading of a name or a date of birth wins over a
/// pattern's.
fn detect_doc(doc: Doc<'_>, options: &Options) -> Vec<Vec<Hit>> {
    detect_all(doc, options)
        .into_iter()
        .filter(|h| !h.is_empty())
        .collect()
}

/// As [`detect_doc`], one entry per record, the empty ones too.
fn detect_all(mut doc: Doc<'_>, options: &Options) -> Vec<Vec<Hit>> {
    // A table whose every row names its person by a column: a name that a pattern finds would
    // give way to the column's anyway.
    let named_by_columns = doc.columns.len() == doc.records.len()
        && doc
            .columns
            .iter()
            .all(|c| c.iter().any(|h| h.category == Category::PersonName));
    let found = detect::detect_records(
        &doc.text,
        &doc.records,
        &doc.cues,
        options.customer_number.as_ref(),
        rules::role_mailboxes(),
        !named_by_columns,
    );
    found
        .into_iter()
        .enumerate()
        .map(|(i, mut hits)| {
            let mut by_column = doc.take_columns(i);
            if !by_column.is_empty() {
                hits.retain(|h| {
                    !by_column.iter().any(|c| c.category == h.category)
                        || !matches!(h.category, Category::PersonName | Category::DateOfBirth)
                });
                by_column.append(&mut hits);
                hits = by_column;
            }
            // What the format says comes first: a message's sender is its record's person.
            let given = doc.take_given(i);
            if !given.is_empty() {
                hits.retain(|h| !given.contains(h));
                hits.splice(0..0, given);
            }
            hits
        })
        .collect()
}

/// A message or a mailbox: each message one record, each recipient one, attachments as files.
fn scan_mail(bytes: &[u8], cx: &Cx<'_>, depth: usize) -> Parts {
    let options = cx.options;
    let mut doc = Doc::built();
    // Per message: how many records it has, and its attachments' parts.
    let mut messages: Vec<(usize, Vec<(String, FileResult)>)> = Vec::new();
    for message in breachdesk_mbox::messages(bytes) {
        let Some(m) = mail::parse(message) else {
            continue;
        };
        let count = m.records.len();
        for (text, given) in m.records {
            doc.push_given(&text, given);
        }
        let mut parts = Vec::new();
        if depth < MAX_DEPTH {
            for (name, content) in m.attachments {
                let name = detect::safe_member_name(&name);
                parts.extend(
                    scan_bytes(&name, &content, cx, depth + 1)
                        .into_iter()
                        .map(|(suffix, r)| (format!("!{name}{suffix}"), r)),
                );
            }
        }
        messages.push((count, parts));
    }
    if messages.is_empty() {
        return vec![(String::new(), scan_plain("txt", bytes, options))];
    }
    // Each message's records, then its attachments: the order does not depend on where a
    // large mailbox is cut into pieces.
    let mut found = detect_all(doc, options).into_iter();
    let mut out = Vec::new();
    for (n, (count, parts)) in messages.into_iter().enumerate() {
        let records: Vec<Vec<Hit>> = found
            .by_ref()
            .take(count)
            .filter(|h| !h.is_empty())
            .collect();
        if n == 0 {
            out.push((
                String::new(),
                FileResult::Scanned {
                    records,
                    photo: false,
                },
            ));
        } else if !records.is_empty() {
            out.push((String::new(), FileResult::More(records)));
        }
        out.extend(parts);
    }
    out
}

/// Scans one file on disk; a reader that panics on it fails the file, not the scan.
fn scan_file(path: &Path, options: &Options, budget: &Budget) -> Parts {
    guarded(|| scan_file_unguarded(path, options, budget))
}

/// Runs one file's reading; a panic in a parser (calamine, lopdf, mailparse, zip …) on hostile
/// input becomes that file's failure. (Allocation failures abort and cannot be caught: the
/// limits are there for them.)
fn guarded(read: impl FnOnce() -> Parts) -> Parts {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
        vec![(
            String::new(),
            FileResult::Failed("a reader failed on this file (internal error)".into()),
        )]
    })
}

fn scan_file_unguarded(path: &Path, options: &Options, budget: &Budget) -> Parts {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return vec![(String::new(), FileResult::Failed(e.to_string()))],
    };
    if meta.len() > options.max_file_bytes {
        return vec![(
            String::new(),
            FileResult::Skipped(format!(
                "larger than the limit of {} bytes",
                options.max_file_bytes
            )),
        )];
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    if let Err(e) = std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes)) {
        return vec![(String::new(), FileResult::Failed(e.to_string()))];
    }
    if bytes.starts_with(sqlite::MAGIC) {
        // A database is read by SQLite from the file itself, table by table.
        drop(bytes);
        let mut doc = Doc::built();
        let result = sqlite::read(path, &mut doc).map_or_else(
            |e| FileResult::Failed(format!("SQLite database not readable: {e}")),
            |()| FileResult::Scanned {
                records: detect_doc(doc, options),
                photo: false,
            },
        );
        return vec![(String::new(), result)];
    }
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    scan_bytes(&name, &bytes, &Cx::new(options, budget, meta.len()), 0)
}

fn is_large_text((path, len): &(PathBuf, u64), options: &Options) -> bool {
    *len > options.piece_bytes && stream::Cut::may_apply(&extension(path))
}

/// Reads a large text file in pieces and hands each piece's parts on as it is read (two pieces
/// at a time are detected in parallel). The first piece's records are the file's; those of the
/// pieces after it are `More`. Stops early when `send` says no.
fn scan_in_pieces(
    path: &Path,
    options: &Options,
    budget: &Budget,
    progress: &dyn Progress,
    send: &mut dyn FnMut(Vec<(String, FileResult)>) -> bool,
) -> bool {
    let failed = |e: std::io::Error| vec![(String::new(), FileResult::Failed(e.to_string()))];
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return send(failed(e)),
    };
    let mut head = vec![0; 8192];
    let n = match read_full(&mut file, &mut head) {
        Ok(n) => n,
        Err(e) => return send(failed(e)),
    };
    head.truncate(n);
    let ext = extension(path);
    let Some(cut) = stream::Cut::of(&ext, &head) else {
        // Not text after all (UTF-16, binary, an archive by another name): read whole.
        let parts = scan_file(path, options, budget);
        progress.file_done(std::fs::metadata(path).map_or(0, |m| m.len()));
        return send(parts);
    };
    let size = usize::try_from(options.piece_bytes).unwrap_or(usize::MAX);
    let mut pieces = stream::Pieces::new(std::io::Cursor::new(head).chain(file), cut, size);
    // The first piece alone: it says whether a table has a header, and its shape.
    let first = match pieces.next_piece() {
        Ok(Some(p)) => p,
        Ok(None) => return send(vec![(String::new(), scan_plain(&ext, &[], options))]),
        Err(e) => return send(failed(e)),
    };
    let mut reader = PieceReader::new(&ext, cut);
    progress.file_done(first.len() as u64);
    if !send(guarded(|| reader.first(&first, options, budget))) {
        return false;
    }
    drop(first);
    let group = rayon::current_num_threads().max(1);
    loop {
        let mut next = Vec::with_capacity(group);
        let mut error = None;
        while next.len() < group {
            match pieces.next_piece() {
                Ok(Some(p)) => next.push(p),
                Ok(None) => break,
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        let done = next.len() < group;
        let results: Vec<Vec<(String, FileResult)>> = next
            .par_iter()
            .map(|p| {
                let parts = guarded(|| reader.more(p, options, budget));
                progress.file_done(p.len() as u64);
                parts
            })
            .collect();
        for parts in results {
            if !send(parts) {
                return false;
            }
        }
        if let Some(e) = error {
            return send(vec![(
                String::new(),
                FileResult::Failed(format!("read only in part: {e}")),
            )]);
        }
        if done {
            return true;
        }
    }
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// What the first piece of a large file says about the rest.
enum Shape {
    /// A table's delimiter and header.
    Table(table::Shape),
    /// An SQL dump's tables created so far.
    Sql(sql::Tables),
}

/// Reads the pieces of one large text file into records.
struct PieceReader {
    ext: String,
    cut: stream::Cut,
    /// A table's shape or a dump's tables, from its first piece.
    table: Option<Shape>,
}

impl PieceReader {
    fn new(ext: &str, cut: stream::Cut) -> Self {
        Self {
            ext: ext.to_owned(),
            cut,
            table: None,
        }
    }

    /// The first piece: for a table, its header and shape.
    fn first(&mut self, piece: &[u8], options: &Options, budget: &Budget) -> Parts {
        if self.cut == stream::Cut::Message {
            scan_mail(piece, &Cx::new(options, budget, piece.len() as u64), 0)
        } else {
            let (result, shape) = scan_text_shaped(&self.ext, decode(piece), options);
            self.table = shape;
            vec![(String::new(), result)]
        }
    }

    /// A piece after the first: its records continue the file's.
    fn more(&self, piece: &[u8], options: &Options, budget: &Budget) -> Parts {
        let mut parts = if self.cut == stream::Cut::Message {
            scan_mail(piece, &Cx::new(options, budget, piece.len() as u64), 0)
        } else if let Some(shape) = &self.table {
            let text = decode(piece);
            let mut doc = Doc::built();
            match shape {
                Shape::Table(shape) => table::more_rows(&text, shape, &mut doc),
                Shape::Sql(tables) => sql::read(&text, &mut tables.clone(), &mut doc),
            }
            vec![(
                String::new(),
                FileResult::Scanned {
                    records: detect_doc(doc, options),
                    photo: false,
                },
            )]
        } else {
            vec![(String::new(), scan_text(&self.ext, decode(piece), options))]
        };
        // The records of the file itself continue it; attachments are files of their own.
        for (suffix, result) in &mut parts {
            if suffix.is_empty()
                && let FileResult::Scanned { records, .. } = result
            {
                *result = FileResult::More(std::mem::take(records));
            }
        }
        parts
    }
}

fn scan_plain(ext: &str, bytes: &[u8], options: &Options) -> FileResult {
    let ext = ext.to_owned();
    if is_image(bytes) || IMAGE_EXTENSIONS.contains(&ext.as_str()) {
        return FileResult::Scanned {
            records: Vec::new(),
            photo: true,
        };
    }
    let head = &bytes[..bytes.len().min(8192)];
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    if !utf16 && head.contains(&0) {
        return FileResult::Skipped(if ext.is_empty() {
            "binary content".into()
        } else {
            format!("format .{ext} not supported yet")
        });
    }
    if !TEXT_EXTENSIONS.contains(&ext.as_str()) && !ext.is_empty() && !utf16 {
        // Unknown extensions are read as text only when they look like text.
        if std::str::from_utf8(head).is_err() {
            return FileResult::Skipped(format!("format .{ext} not supported yet"));
        }
    }
    scan_text(&ext, decode(bytes), options)
}

/// Records of decoded text by its kind: JSON, NDJSON, a table, lines or paragraphs.
fn scan_text(ext: &str, text: Cow<'_, str>, options: &Options) -> FileResult {
    scan_text_shaped(ext, text, options).0
}

/// As [`scan_text`], with the table's shape when the text was read as a table.
fn scan_text_shaped(
    ext: &str,
    text: Cow<'_, str>,
    options: &Options,
) -> (FileResult, Option<Shape>) {
    let mut shape = None;
    let doc = match ext {
        "sql" if sql::looks_like_dump(&text) => {
            let mut doc = Doc::built();
            let mut tables = sql::Tables::default();
            sql::read(&text, &mut tables, &mut doc);
            shape = Some(Shape::Sql(tables));
            doc
        }
        "vcf" | "vcard" => {
            let mut doc = Doc::built();
            vcard::read(&text, &mut doc);
            doc
        }
        "html" | "htm" | "xhtml" | "" if html::looks_like_html(&text) => {
            let mut doc = Doc::built();
            html::read(&text, &mut doc);
            doc
        }
        "txt" | "" if vcard::looks_like_vcard(&text) => {
            let mut doc = Doc::built();
            vcard::read(&text, &mut doc);
            doc
        }
        "json" => {
            let mut doc = Doc::built();
            if table::json(&text, &mut doc).is_ok() {
                doc
            } else {
                // Not JSON after all: read as text.
                Doc::paragraphs(text)
            }
        }
        "ndjson" | "jsonl" => {
            let mut doc = Doc::built();
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                // A line that is not JSON is still read, as text.
                if table::json(line, &mut doc).is_err() {
                    doc.push([line], Vec::new());
                }
            }
            doc
        }
        "csv" | "tsv" | "txt" | "" if looks_like_table(&text) => {
            let mut doc = Doc::built();
            shape = Some(Shape::Table(table::rows(&text, &mut doc)));
            doc
        }
        "csv" | "tsv" | "log" | "sql" => Doc::lines(text),
        _ => Doc::paragraphs(text),
    };
    let result = FileResult::Scanned {
        records: detect_doc(doc, options),
        photo: false,
    };
    (result, shape)
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn language_hint(values: &[(Category, &str)]) -> Option<&'static str> {
    // Values are in normal form: e-mail addresses are lower case.
    #[allow(clippy::case_sensitive_file_extension_comparisons)]
    for (c, v) in values {
        match c {
            Category::Phone if v.starts_with("+358") => return Some("fi"),
            Category::Phone if v.starts_with("+46") => return Some("sv"),
            Category::Email if v.ends_with(".fi") => return Some("fi"),
            Category::Email if v.ends_with(".se") => return Some("sv"),
            _ => {}
        }
    }
    None
}

/// Told how a scan advances (the CLI draws a progress bar with it).
pub trait Progress: Sync {
    /// The files found, and their total size in bytes.
    fn start(&self, files: u64, bytes: u64);
    /// These bytes are done: a whole file, or a piece of a large one read in pieces.
    fn file_done(&self, bytes: u64);
}

/// No progress to tell.
#[derive(Debug, Clone, Copy)]
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: u64, _: u64) {}
    fn file_done(&self, _: u64) {}
}

/// Scans `root` (a directory or one file). Files that cannot be read are counted and listed;
/// only an unreadable `root` is an error.
pub fn scan(root: &Path, options: &Options) -> Result<Report, ScanError> {
    scan_with_progress(root, options, &Silent)
}

/// As [`scan`], reporting progress.
pub fn scan_with_progress(
    root: &Path,
    options: &Options,
    progress: &dyn Progress,
) -> Result<Report, ScanError> {
    let mut lines = Collected::default();
    let mut report = scan_into(root, options, progress, &mut lines)?;
    report.findings = lines.findings;
    report.subject_lines = lines.subjects;
    Ok(report)
}

/// As [`scan_with_progress`], giving findings and subject lines to `sink` one at a time (memory
/// does not grow with them: until the end they wait in a sealed temporary file).
pub fn scan_into(
    root: &Path,
    options: &Options,
    progress: &dyn Progress,
    sink: &mut dyn Sink,
) -> Result<Report, ScanError> {
    std::fs::metadata(root).map_err(|source| ScanError::Root {
        path: root.to_owned(),
        source,
    })?;
    // Findings and subjects wait in sealed temporary files until the subjects are known.
    let spill_dir = if options.collect_findings || options.collect_subjects {
        Some(link::spill_dir(root, options)?)
    } else {
        None
    };
    let mut files: Vec<(PathBuf, u64)> = Vec::new();
    let mut problems = Vec::new();
    let mut counts = FileCounts::default();
    // Every file, hidden ones included; no ignore files, no symlinks followed.
    for entry in ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .follow_links(false)
        .build()
    {
        match entry {
            Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                let len = e.metadata().map_or(0, |m| m.len());
                files.push((e.into_path(), len));
            }
            Ok(_) => {}
            Err(e) => {
                counts.failed += 1;
                let file = match &e {
                    ignore::Error::WithPath { path, .. } => relative(root, path),
                    _ => String::new(),
                };
                problems.push(FileProblem {
                    file: file.into(),
                    outcome: "failed",
                    reason: e.to_string().into(),
                });
            }
        }
    }
    files.sort();
    progress.start(files.len() as u64, files.iter().map(|f| f.1).sum());
    // Files are read in parallel a batch at a time and linked in file order by a thread of
    // their own while the next batch is read, so that memory holds two batches of records, not
    // the whole leak: after linking only the identifier keys and the union-find stay — and the
    // records' hits only when findings or subjects were asked for (they need the final subject
    // numbers).
    let mut linker = link::Linker::new(counts, problems, options, spill_dir)?;
    // Decompressed bytes held at once, by all threads and nesting levels together.
    let budget = Budget::new(options.max_expanded_bytes.max(options.max_file_bytes));
    let linker = std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<(&[(PathBuf, u64)], Scanned)>(1);
        let linking = s.spawn(move || {
            // Stops (and so stops the reading) when the records cannot be kept.
            'batches: for (batch, scanned) in rx {
                for ((path, _), parts) in batch.iter().zip(scanned) {
                    if !linker.add(&relative(root, path), parts) {
                        break 'batches;
                    }
                }
            }
            linker
        });
        let read_batch = |batch: &[(PathBuf, u64)]| -> Scanned {
            batch
                .par_iter()
                .map(|(p, len)| {
                    let r = scan_file(p, options, &budget);
                    progress.file_done(*len);
                    r
                })
                .collect()
        };
        'batches: for batch in batches(&files) {
            // Large text files are read in pieces, each piece linked as it is read; the small
            // files around them in batches.
            let mut start = 0;
            for (i, entry) in batch.iter().enumerate() {
                if !is_large_text(entry, options) {
                    continue;
                }
                if tx
                    .send((&batch[start..i], read_batch(&batch[start..i])))
                    .is_err()
                {
                    break 'batches;
                }
                let one = std::slice::from_ref(entry);
                let sent = scan_in_pieces(&entry.0, options, &budget, progress, &mut |parts| {
                    tx.send((one, vec![parts])).is_ok()
                });
                if !sent {
                    break 'batches;
                }
                start = i + 1;
            }
            if tx
                .send((&batch[start..], read_batch(&batch[start..])))
                .is_err()
            {
                break;
            }
        }
        drop(tx);
        linking.join().expect("the linking thread does not panic")
    });
    linker.finish(sink)
}

/// What one batch of files yielded, file by file (an archive or a mailbox gives several parts).
type Scanned = Vec<Vec<(String, FileResult)>>;
