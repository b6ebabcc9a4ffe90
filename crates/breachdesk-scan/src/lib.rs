//! The leak scanner: `breachdesk scan PATH`.
//!
//! walk → read and decode → split into records → detect and validate → link records that share a
//! strong identifier into data subjects (union-find) → report. Synchronous and multi-threaded
//! (rayon over the files); no database, no network; it never writes into the scanned tree and
//! never logs a value.
//!
//! This first version reads plain text, logs, CSV/TSV (a row is a record), JSON and NDJSON (a line
//! is a record), and counts image files as `photo` candidates. Other formats (office documents,
//! PDF, archives, mailboxes) are counted as skipped with their reason, never silently dropped.

pub mod detect;
mod doc;
pub mod mail;
mod names;
mod office;
mod rules;
mod stream;
pub mod table;
mod unionfind;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use regex::Regex;
use serde::Serialize;

pub use detect::{Category, Hit, mask};
use doc::Doc;

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// Files larger than this that must be read whole (archives, office documents, PDF, JSON,
    /// UTF-16 text) are skipped and listed; text read in pieces has no limit.
    pub max_file_bytes: u64,
    /// Text files (logs, tables, NDJSON, plain text, mailboxes) larger than this are read in
    /// pieces of about this size, so that memory does not grow with a file.
    pub piece_bytes: u64,
    /// The organisation's customer-number pattern.
    pub customer_number: Option<Regex>,
    /// Show values in full in findings and subjects (masked otherwise).
    pub reveal: bool,
    /// Keep every occurrence for `--findings` (memory grows with them).
    pub collect_findings: bool,
    /// Keep every data subject for `--subjects`.
    pub collect_subjects: bool,
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
        }
    }
}

/// Why PATH itself could not be scanned.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct ScanError {
    pub path: PathBuf,
    pub source: std::io::Error,
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

/// A file that was not read, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileProblem {
    pub file: String,
    pub outcome: &'static str,
    pub reason: String,
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

/// One data subject, as written to `--subjects`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SubjectLine {
    pub subject: u64,
    /// Identifiers by category (masked unless revealed).
    pub identifiers: BTreeMap<&'static str, Vec<String>>,
    /// Every category of this person's data found.
    pub categories: Vec<&'static str>,
    /// `fi`, `sv` or `en` when the person's records suggest one (a Finnish or Swedish phone or
    /// e-mail domain), else absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language_hint: Option<&'static str>,
    pub files: Vec<String>,
}

/// The whole result.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub subjects: u64,
    pub categories: BTreeMap<&'static str, CategoryCount>,
    pub files: FileCounts,
    #[serde(skip)]
    pub problems: Vec<FileProblem>,
    #[serde(skip)]
    pub findings: Vec<FindingLine>,
    #[serde(skip)]
    pub subject_lines: Vec<SubjectLine>,
}

/// What is gathered about one subject: identifiers shown, categories, files, raw identifiers.
type SubjectAcc = (
    BTreeMap<&'static str, Vec<String>>,
    Vec<&'static str>,
    Vec<String>,
    Vec<(Category, String)>,
);

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

/// A scanned file kept for findings and subjects: its name, whether it is a photo, and its
/// records with their union-find nodes.
type KeptFile = (String, bool, Vec<(Vec<Hit>, Option<usize>)>);

/// Files read in parallel before their records are linked (bounds the records in memory).
const LINK_BATCH: usize = 512;

/// Makes a record with a strong identifier a node of the union-find, joined to every earlier
/// record that shares one of its identifiers; `None` for a record that identifies nobody.
fn link(
    hits: &[Hit],
    uf: &mut unionfind::UnionFind,
    owner: &mut foldhash::HashMap<u64, usize>,
    distinct: &mut HashMap<Category, u64>,
) -> Option<usize> {
    // (the category whose distinct values a new key counts, the key)
    let mut keys: Vec<(Option<Category>, u64)> = hits
        .iter()
        .filter(|h| h.category.is_strong())
        .map(|h| (Some(h.category), identifier_key(h.category, &h.value, "")))
        .collect();
    // A name together with an address identifies a person; either alone does not.
    let name = hits.iter().find(|h| h.category == Category::PersonName);
    let address = hits.iter().find(|h| h.category == Category::PostalAddress);
    if let (Some(n), Some(a)) = (name, address) {
        keys.push((
            None,
            identifier_key(Category::PersonName, &n.value, &a.value),
        ));
    }
    if keys.is_empty() {
        return None;
    }
    let node = uf.add();
    for (category, key) in keys {
        if let Some(&other) = owner.get(&key) {
            uf.union(node, other);
        } else {
            owner.insert(key, node);
            // The linking map holds every strong identifier once: it counts them too.
            if let Some(c) = category {
                *distinct.entry(c).or_default() += 1;
            }
        }
    }
    Some(node)
}

/// A fixed-size key for an identifier (or a name with an address): the same value always gives
/// the same key, within a run and across runs.
fn identifier_key(category: Category, value: &str, with: &str) -> u64 {
    use std::hash::BuildHasher as _;
    foldhash::quality::FixedState::with_seed(0x6272_6561_6368_6473)
        .hash_one((category, value, with))
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

/// Limits against archive bombs.
const MAX_DEPTH: usize = 3;
/// An archive may expand to at most this many times its own size (and never beyond 4 GiB).
const MAX_EXPANSION: u64 = 200;
const MAX_EXPANDED_TOTAL: u64 = 4 * 1024 * 1024 * 1024;

/// The files inside an archive, as (name inside, bytes or the reason they were not read).
type Members = Vec<(String, Result<Vec<u8>, String>)>;

fn read_limited(mut r: impl Read, limit: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    r.by_ref()
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("cannot be decompressed: {e}"))?;
    if out.len() as u64 > limit {
        return Err(format!("expands beyond the limit of {limit} bytes"));
    }
    Ok(out)
}

fn zip_members(bytes: &[u8], options: &Options) -> Result<Members, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("corrupt ZIP archive: {e}"))?;
    let budget = (bytes.len() as u64)
        .saturating_mul(MAX_EXPANSION)
        .min(MAX_EXPANDED_TOTAL);
    let mut used = 0u64;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                out.push((format!("#{i}"), Err(format!("unreadable entry: {e}"))));
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
            out.push((name, Err("encrypted".into())));
            continue;
        }
        let limit = options.max_file_bytes.min(budget.saturating_sub(used));
        let read = read_limited(&mut entry, limit);
        if let Ok(b) = &read {
            used += b.len() as u64;
        }
        out.push((name, read));
    }
    Ok(out)
}

fn tar_members(bytes: &[u8], options: &Options) -> Result<Members, String> {
    let mut archive = tar::Archive::new(bytes);
    let mut out = Vec::new();
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
        out.push((name, read_limited(&mut entry, options.max_file_bytes)));
    }
    Ok(out)
}

/// Scans one file's bytes; archives yield one result per member, named `archive!member`.
fn scan_bytes(
    name: &str,
    bytes: &[u8],
    options: &Options,
    depth: usize,
) -> Vec<(String, FileResult)> {
    let ext = extension(Path::new(name));
    match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "ods" => {
            let mut doc = Doc::built();
            let result =
                office::spreadsheet(bytes, &mut doc).map_or_else(FileResult::Failed, |()| {
                    FileResult::Scanned {
                        records: detect_doc(doc, options),
                        photo: false,
                    }
                });
            return vec![(String::new(), result)];
        }
        "docx" | "odt" | "pdf" => {
            let text = if ext == "pdf" {
                office::pdf_text(bytes)
            } else {
                office::document_text(bytes)
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
        let members = if is_zip {
            zip_members(bytes, options)
        } else if is_tar {
            tar_members(bytes, options)
        } else {
            let limit = options
                .max_file_bytes
                .min((bytes.len() as u64).saturating_mul(MAX_EXPANSION));
            read_limited(flate2::read::GzDecoder::new(bytes), limit).map(|inner| {
                let inner_name = if ext == "tgz" {
                    "archive.tar".to_owned()
                } else {
                    Path::new(name)
                        .file_stem()
                        .map_or_else(|| "content".into(), |s| s.to_string_lossy().into_owned())
                };
                vec![(inner_name, Ok(inner))]
            })
        };
        return match members {
            Err(reason) => vec![(String::new(), FileResult::Failed(reason))],
            Ok(members) => members
                .into_iter()
                .flat_map(|(member, read)| match read {
                    Err(reason) => vec![(format!("!{member}"), FileResult::Failed(reason))],
                    Ok(inner) => scan_bytes(&member, &inner, options, depth + 1)
                        .into_iter()
                        .map(|(suffix, r)| {
                            // A gzip of one file (or of a tar) is that file, not a folder.
                            if gzipped {
                                (suffix, r)
                            } else {
                                (format!("!{member}{suffix}"), r)
                            }
                        })
                        .collect(),
                })
                .collect(),
        };
    }
    if ext == "eml" || ext == "mbox" || ext == "mbx" || bytes.starts_with(b"From ") {
        return scan_mail(bytes, options, depth);
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
            hits
        })
        .collect()
}

/// A message or a mailbox: each message one record, each recipient one, attachments as files.
fn scan_mail(bytes: &[u8], options: &Options, depth: usize) -> Vec<(String, FileResult)> {
    let mut doc = Doc::built();
    // Per message: how many records it has, and its attachments' parts.
    let mut messages: Vec<(usize, Vec<(String, FileResult)>)> = Vec::new();
    for message in mail::split_mbox(bytes) {
        let Some(m) = mail::parse(message) else {
            continue;
        };
        for r in &m.records {
            doc.push([r], Vec::new());
        }
        let mut parts = Vec::new();
        if depth < MAX_DEPTH {
            for (name, content) in m.attachments {
                let name = detect::safe_member_name(&name);
                parts.extend(
                    scan_bytes(&name, &content, options, depth + 1)
                        .into_iter()
                        .map(|(suffix, r)| (format!("!{name}{suffix}"), r)),
                );
            }
        }
        messages.push((m.records.len(), parts));
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

fn scan_file(path: &Path, options: &Options) -> Vec<(String, FileResult)> {
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
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    scan_bytes(&name, &bytes, options, 0)
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
        let parts = scan_file(path, options);
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
    if !send(reader.first(&first, options)) {
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
                let parts = reader.more(p, options);
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

/// Reads the pieces of one large text file into records.
struct PieceReader {
    ext: String,
    cut: stream::Cut,
    /// A table's shape, from its first piece.
    table: Option<table::Shape>,
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
    fn first(&mut self, piece: &[u8], options: &Options) -> Vec<(String, FileResult)> {
        if self.cut == stream::Cut::Message {
            scan_mail(piece, options, 0)
        } else {
            let (result, shape) = scan_text_shaped(&self.ext, decode(piece), options);
            self.table = shape;
            vec![(String::new(), result)]
        }
    }

    /// A piece after the first: its records continue the file's.
    fn more(&self, piece: &[u8], options: &Options) -> Vec<(String, FileResult)> {
        let mut parts = if self.cut == stream::Cut::Message {
            scan_mail(piece, options, 0)
        } else if let Some(shape) = &self.table {
            let text = decode(piece);
            let mut doc = Doc::built();
            table::more_rows(&text, shape, &mut doc);
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
) -> (FileResult, Option<table::Shape>) {
    let mut shape = None;
    let doc = match ext {
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
            shape = Some(table::rows(&text, &mut doc));
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

struct Silent;

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
    std::fs::metadata(root).map_err(|source| ScanError {
        path: root.to_owned(),
        source,
    })?;
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
                    file,
                    outcome: "failed",
                    reason: e.to_string(),
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
    let mut linker = Linker::new(counts, problems, options);
    let linker = std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<(&[(PathBuf, u64)], Scanned)>(1);
        let linking = s.spawn(move || {
            for (batch, scanned) in rx {
                for ((path, _), parts) in batch.iter().zip(scanned) {
                    linker.add(&relative(root, path), parts);
                }
            }
            linker
        });
        let read_batch = |batch: &[(PathBuf, u64)]| -> Scanned {
            batch
                .par_iter()
                .map(|(p, len)| {
                    let r = scan_file(p, options);
                    progress.file_done(*len);
                    r
                })
                .collect()
        };
        'batches: for batch in files.chunks(LINK_BATCH) {
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
                let sent = scan_in_pieces(&entry.0, options, progress, &mut |parts| {
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
    Ok(linker.finish())
}

/// What one batch of files yielded, file by file (an archive or a mailbox gives several parts).
type Scanned = Vec<Vec<(String, FileResult)>>;

/// Counts, links and (when asked) keeps what the files yielded, in file order.
struct Linker<'o> {
    options: &'o Options,
    counts: FileCounts,
    problems: Vec<FileProblem>,
    uf: unionfind::UnionFind,
    /// Identifiers are kept as 64-bit hashes (foldhash's quality hasher, fixed seed), not as
    /// strings: two different identifiers sharing a hash would join two people, which at 10
    /// million identifiers has a probability of about 3 in a million.
    owner: foldhash::HashMap<u64, usize>,
    categories: BTreeMap<&'static str, CategoryCount>,
    /// Distinct values: of identifiers, counted by the linking map; of the rest, a set of keys.
    distinct: HashMap<Category, foldhash::HashSet<u64>>,
    strong_distinct: HashMap<Category, u64>,
    kept: Vec<KeptFile>,
}

impl<'o> Linker<'o> {
    fn new(counts: FileCounts, problems: Vec<FileProblem>, options: &'o Options) -> Self {
        Self {
            options,
            counts,
            problems,
            uf: unionfind::UnionFind::default(),
            owner: foldhash::HashMap::default(),
            categories: BTreeMap::new(),
            distinct: HashMap::new(),
            strong_distinct: HashMap::new(),
            kept: Vec::new(),
        }
    }

    fn keep(&self) -> bool {
        self.options.collect_findings || self.options.collect_subjects
    }

    /// One file's parts.
    fn add(&mut self, base: &str, parts: Vec<(String, FileResult)>) {
        for (suffix, result) in parts {
            let file = format!("{base}{suffix}");
            let (records, photo, more) = match result {
                FileResult::Skipped(reason) => {
                    self.counts.skipped += 1;
                    self.problems.push(FileProblem {
                        file,
                        outcome: "skipped",
                        reason,
                    });
                    continue;
                }
                FileResult::Failed(reason) => {
                    self.counts.failed += 1;
                    self.problems.push(FileProblem {
                        file,
                        outcome: "failed",
                        reason,
                    });
                    continue;
                }
                FileResult::Scanned { records, photo } => (records, photo, false),
                FileResult::More(records) => (records, false, true),
            };
            if !more {
                self.counts.scanned += 1;
            }
            if photo {
                self.categories
                    .entry(Category::Photo.id())
                    .or_default()
                    .occurrences += 1;
                self.distinct
                    .entry(Category::Photo)
                    .or_default()
                    .insert(identifier_key(Category::Photo, &file, ""));
            }
            let mut linked = Vec::new();
            for hits in records {
                for h in &hits {
                    self.categories
                        .entry(h.category.id())
                        .or_default()
                        .occurrences += 1;
                    if !h.category.is_strong() {
                        self.distinct
                            .entry(h.category)
                            .or_default()
                            .insert(identifier_key(h.category, &h.value, ""));
                    }
                }
                let node = link(
                    &hits,
                    &mut self.uf,
                    &mut self.owner,
                    &mut self.strong_distinct,
                );
                if self.keep() {
                    linked.push((hits, node));
                }
            }
            if self.keep() {
                match self.kept.last_mut() {
                    Some(last) if more && last.0 == file => last.2.append(&mut linked),
                    _ => self.kept.push((file, photo, linked)),
                }
            }
        }
    }

    fn finish(self) -> Report {
        let keep = self.keep();
        let Self {
            options,
            counts,
            problems,
            mut uf,
            owner,
            mut categories,
            distinct,
            strong_distinct,
            kept,
        } = self;
        for (c, values) in &distinct {
            categories.entry(c.id()).or_default().distinct_values = values.len() as u64;
        }
        for (c, n) in &strong_distinct {
            categories.entry(c.id()).or_default().distinct_values = *n;
        }
        drop(distinct);
        drop(owner);
        if !keep {
            return Report {
                subjects: uf.sets(),
                categories,
                files: counts,
                problems,
                findings: Vec::new(),
                subject_lines: Vec::new(),
            };
        }
        // Subject numbers in order of first appearance.
        let mut number: HashMap<usize, u64> = HashMap::new();
        let mut findings = Vec::new();
        let mut subjects: BTreeMap<u64, SubjectAcc> = BTreeMap::new();
        let shown = |c: Category, v: &str| {
            if options.reveal {
                v.to_owned()
            } else {
                mask(c, v)
            }
        };
        for (file, photo, records) in kept {
            if photo && options.collect_findings {
                findings.push(FindingLine {
                    file: file.clone(),
                    category: Category::Photo.id(),
                    value: file.clone(),
                    subject: None,
                });
            }
            for (hits, node) in records {
                let subject = node.map(|n| {
                    let root = uf.find(n);
                    let next = number.len() as u64 + 1;
                    *number.entry(root).or_insert(next)
                });
                for h in hits {
                    if options.collect_findings {
                        findings.push(FindingLine {
                            file: file.clone(),
                            category: h.category.id(),
                            value: shown(h.category, &h.value),
                            subject,
                        });
                    }
                    if let Some(s) = subject.filter(|_| options.collect_subjects) {
                        let entry = subjects.entry(s).or_default();
                        if h.category.is_strong() {
                            let list = entry.0.entry(h.category.id()).or_default();
                            let v = shown(h.category, &h.value);
                            if !list.contains(&v) {
                                list.push(v);
                            }
                            entry.3.push((h.category, h.value));
                        }
                        if !entry.1.contains(&h.category.id()) {
                            entry.1.push(h.category.id());
                        }
                        if !entry.2.contains(&file) {
                            entry.2.push(file.clone());
                        }
                    }
                }
            }
        }
        let subject_lines = subjects
            .into_iter()
            .map(|(subject, (identifiers, mut cats, files, raw))| {
                cats.sort_unstable();
                let raw: Vec<(Category, &str)> =
                    raw.iter().map(|(c, v)| (*c, v.as_str())).collect();
                SubjectLine {
                    subject,
                    identifiers,
                    categories: cats,
                    language_hint: language_hint(&raw),
                    files,
                }
            })
            .collect();
        Report {
            subjects: uf.sets(),
            categories,
            files: counts,
            problems,
            findings,
            subject_lines,
        }
    }
}
