//! Spreadsheets read within limits. calamine builds a dense range of every sheet (a cell for
//! every position between the first and the last used one) and trusts counts that a file
//! announces, so a file of a few kilobytes can make it allocate terabytes and abort the
//! process. What calamine will allocate is therefore measured first, from the file itself,
//! and a file beyond the limits is refused with the reason before calamine opens it:
//!
//! - XLSX: the shared strings' `uniqueCount` (reserved up front by calamine) at most
//!   [`MAX_SHARED_STRINGS`]; each sheet's used area, from the positions of its cells (read with
//!   calamine's own streaming cell reader, not from the `<dimension>` the file claims), at most
//!   [`MAX_SHEET_CELLS`]; XLSB is not read (calamine reserves what its header says).
//! - ODS: `number-rows-repeated` and `number-columns-repeated` expanded as calamine does, read
//!   from `content.xml` by a small tag scanner: the cells of the rows and of each table's area.
//! - XLS: the compound file's chains (no cycle, nothing beyond the file) and, in the workbook
//!   stream, each sheet's `DIMENSIONS` record (reserved by calamine) and the positions of its
//!   cells.
//!
//! What passes is then reserved from the scan's decompression budget (the area times the size
//! of a cell) while calamine holds it.

use std::io::{Cursor, Read};

use calamine::{Data, DataRef, Reader};

use crate::budget::{Limits, Reserved};
use crate::doc::Doc;
use crate::table;

/// The cells (rows × columns of the used area, empty ones included) of one spreadsheet that
/// are read; a sparse or oversized sheet beyond it is refused.
pub const MAX_SHEET_CELLS: u64 = 16 * 1024 * 1024;
/// Shared strings an XLSX may announce.
pub const MAX_SHARED_STRINGS: u64 = 4 * 1024 * 1024;
/// Memory per cell that calamine holds (a `Data` and, for ODS, its formula).
const CELL_BYTES: u64 = 64;

/// Rows of every sheet into `doc`, each with its column hits; a file beyond the limits is
/// refused with the reason.
/// `top`: the caller holds nothing of the budget (and so may wait for it).
pub fn spreadsheet(
    bytes: &[u8],
    doc: &mut Doc<'_>,
    limits: &Limits<'_>,
    top: bool,
) -> Result<(), String> {
    let unreadable = |e: &dyn std::fmt::Display| format!("unreadable spreadsheet: {e}");
    if bytes.starts_with(&CFB_MAGIC) {
        let cells = xls_cells(bytes)?;
        let _held = hold(limits, cells, 0, top)?;
        let mut book: calamine::Xls<_> =
            calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
        read_sheets(&mut book, doc);
        return Ok(());
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.to_ascii_lowercase()).unwrap_or_default())
        .collect();
    if names.iter().any(|n| n.ends_with("workbook.bin")) {
        return Err("binary workbook (XLSB) not supported yet".into());
    }
    if names.iter().any(|n| n == "content.xml") && !names.iter().any(|n| n.starts_with("xl/")) {
        let (cells, text) = ods_cells(&mut zip)?;
        // One reservation: only a caller holding nothing may wait for one.
        let _held = hold(limits, cells, text, top)?;
        let mut book: calamine::Ods<_> =
            calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
        read_sheets(&mut book, doc);
        return Ok(());
    }
    // XLSX: the shared strings calamine reserves for, then each sheet's used area.
    let mut shared_bytes = 0;
    let mut declared = 0u64;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| unreadable(&e))?;
        // Each part's declared size (the ZIP reader inflates no more): what calamine may hold
        // of it, as the text of its cells.
        declared = declared.saturating_add(part.size());
        if !part
            .name()
            .is_ok_and(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        {
            continue;
        }
        shared_bytes += part.size();
        let mut head = Vec::new();
        (&mut part)
            .take(64 * 1024)
            .read_to_end(&mut head)
            .map_err(|e| unreadable(&e))?;
        if let Some(n) = announced_strings(&head)
            && n > MAX_SHARED_STRINGS
        {
            return Err(format!(
                "its shared strings announce {n} entries, more than the limit of \
                 {MAX_SHARED_STRINGS}"
            ));
        }
    }
    drop(zip);
    // calamine holds the shared strings (and reserves 24 bytes for each announced one) and the
    // text of every cell: at most what the parts inflate to.
    let mut held = limits.reserve(declared.saturating_add(shared_bytes), top)?;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut cells = 0u64;
    for name in book.sheet_names() {
        let Ok(mut reader) = book.worksheet_cells_reader(&name) else {
            continue;
        };
        let mut area = Area::default();
        while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
            if !matches!(cell.get_value(), DataRef::Empty) {
                let (r, c) = cell.get_position();
                area.add(r, c);
            }
        }
        cells = cells.saturating_add(area.cells());
        refuse_beyond(cells)?;
    }
    // The cells too, without waiting now that the strings are held.
    refuse_beyond(cells)?;
    if !held.grow(cells.saturating_mul(CELL_BYTES)) {
        return Err(limits.exhausted());
    }
    read_sheets(&mut book, doc);
    drop(held);
    Ok(())
}

fn refuse_beyond(cells: u64) -> Result<(), String> {
    if cells > MAX_SHEET_CELLS {
        Err(format!(
            "its sheets span {cells} cells (rows × columns of the used area), more than the \
             limit of {MAX_SHEET_CELLS}: a sparse or oversized spreadsheet"
        ))
    } else {
        Ok(())
    }
}

/// Reserves what calamine will hold for `cells` and `text` bytes of their text.
fn hold<'s>(limits: &Limits<'s>, cells: u64, text: u64, top: bool) -> Result<Reserved<'s>, String> {
    refuse_beyond(cells)?;
    limits.reserve(cells.saturating_mul(CELL_BYTES).saturating_add(text), top)
}

/// The rows of every sheet (read by calamine, now known to be within the limits).
fn read_sheets<RS, R>(book: &mut R, doc: &mut Doc<'_>)
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
{
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
            table::push_row(doc, columns.as_deref(), &cells);
        }
    }
}

/// The bounding box of used cells, as calamine builds it.
#[derive(Debug, Default, Clone, Copy)]
struct Area {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
}

impl Area {
    fn add(&mut self, r: u32, c: u32) {
        let grow = |b: Option<(u32, u32)>, v: u32| {
            Some(b.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
        };
        self.rows = grow(self.rows, r);
        self.cols = grow(self.cols, c);
    }

    fn cells(self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => {
                (u64::from(r1 - r0) + 1).saturating_mul(u64::from(c1 - c0) + 1)
            }
            _ => 0,
        }
    }
}

/// The `uniqueCount` of an `<sst>` element at the start of `head`, as calamine reads it (its
/// leading digits); `None` when there is none.
#[must_use]
pub fn announced_strings(head: &[u8]) -> Option<u64> {
    let sst = memchr::memmem::find(head, b"<sst")?;
    let rest = &head[sst..];
    let end = memchr::memchr(b'>', rest).unwrap_or(rest.len());
    let tag = &rest[..end];
    let at = memchr::memmem::find(tag, b"uniqueCount")?;
    let value = tag[at + b"uniqueCount".len()..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace() || **b == b'=' || **b == b'"' || **b == b'\'')
        .skip_while(|b| **b == b'+');
    let mut n = 0u64;
    let mut any = false;
    for b in value.take_while(|b| b.is_ascii_digit()) {
        any = true;
        n = n.saturating_mul(10).saturating_add(u64::from(b - b'0'));
    }
    any.then_some(n)
}

// ---------------------------------------------------------------------------------------------
// ODS

/// calamine's caps on an ODS table.
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLUMNS: u64 = 16_384;

/// Spaces an ODS may ask for with `<text:s text:c=…>` (calamine writes them all out).
pub const MAX_ODS_SPACES: u64 = 16 * 1024 * 1024;

/// What calamine will hold for an ODS: cells, and bytes of text (a cell's content is cloned
/// for each repeat of its column and of its row). A document that would make calamine loop
/// for ever (a table or an annotation that never ends: calamine reads on past the end of the
/// file) or write out billions of spaces is refused.
fn ods_cells<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>) -> Result<(u64, u64), String> {
    let part = zip
        .by_name("content.xml")
        .map_err(|e| format!("unreadable spreadsheet: {e}"))?;
    let mut counter = OdsCounter::default();
    let mut scanner = Tags::new(part);
    while let Some(tag) = scanner
        .next_tag()
        .map_err(|e| format!("unreadable spreadsheet: {e}"))?
    {
        counter.tag(&tag);
        refuse_beyond(counter.total())?;
        counter.check()?;
    }
    counter.finish()?;
    Ok((counter.total(), counter.text_bytes))
}

/// Counts what calamine will hold for the tables of an ODS, from their tags.
#[derive(Debug, Default)]
pub struct OdsCounter {
    /// Cells of all row elements (each pushed once, whatever its repeat).
    pushed: u64,
    /// Areas of the tables done.
    areas: u64,
    // The table being read.
    rows_total: u64,
    /// Rows (repeats expanded) from the first non-empty row to the last one.
    first_row: Option<u64>,
    last_row_end: u64,
    width: u64,
    // The row being read.
    in_row: bool,
    row_repeats: u64,
    col: u64,
    used: u64,
    /// Bytes of the row's cells' content, each times its column repeat.
    row_bytes: u64,
    /// The cell being read: where its content starts, and its repeat.
    cell: Option<(u64, u64)>,
    /// Bytes of text all cells hold, repeats expanded.
    pub text_bytes: u64,
    /// Unclosed `table:table` and `office:annotation` elements.
    tables_open: u64,
    annotations_open: u64,
    spaces: u64,
}

impl OdsCounter {
    /// The cells so far.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.pushed
            .saturating_add(self.areas)
            .saturating_add(self.area())
    }

    fn area(&self) -> u64 {
        self.first_row
            .map_or(0, |f| (self.last_row_end - f).saturating_mul(self.width))
    }

    /// Refuses what is already too much.
    pub fn check(&self) -> Result<(), String> {
        if self.spaces > MAX_ODS_SPACES {
            return Err(format!(
                "unreadable spreadsheet: it asks for more than {MAX_ODS_SPACES} spaces"
            ));
        }
        Ok(())
    }

    /// At the end of `content.xml`: refuses a table or an annotation left open.
    pub fn finish(&self) -> Result<(), String> {
        self.check()?;
        if self.tables_open > 0 || self.annotations_open > 0 {
            return Err(
                "unreadable spreadsheet: content.xml ends inside a table or an annotation".into(),
            );
        }
        Ok(())
    }

    /// One tag of `content.xml`.
    pub fn tag(&mut self, tag: &Tag) {
        match (tag.name.as_slice(), tag.kind) {
            (b"table:table", TagKind::Open) => {
                self.tables_open += 1;
                self.areas = self.areas.saturating_add(self.area());
                self.rows_total = 0;
                self.first_row = None;
                self.last_row_end = 0;
                self.width = 0;
            }
            (b"table:table", TagKind::Close) => {
                self.tables_open = self.tables_open.saturating_sub(1);
            }
            (b"office:annotation", TagKind::Open) => self.annotations_open += 1,
            (b"office:annotation", TagKind::Close) => {
                self.annotations_open = self.annotations_open.saturating_sub(1);
            }
            (b"text:s", TagKind::Open | TagKind::Empty) => {
                self.spaces = self
                    .spaces
                    .saturating_add(tag.number(b"text:c").unwrap_or(1));
            }
            (b"table:table-row", TagKind::Open | TagKind::Empty) => {
                let repeats = tag.number(b"table:number-rows-repeated").unwrap_or(1);
                let repeats = repeats.min(ODS_MAX_ROWS.saturating_sub(self.rows_total));
                self.row_repeats = repeats;
                self.col = 0;
                self.used = 0;
                self.row_bytes = 0;
                self.in_row = tag.kind == TagKind::Open;
                if !self.in_row {
                    self.end_row();
                }
            }
            (b"table:table-row", TagKind::Close) if self.in_row => {
                self.in_row = false;
                self.end_row();
            }
            (b"table:table-cell" | b"table:covered-table-cell", TagKind::Open | TagKind::Empty)
                if self.in_row =>
            {
                let repeats = tag.number(b"table:number-columns-repeated").unwrap_or(1);
                let repeats = repeats.min(ODS_MAX_COLUMNS - self.col);
                self.col += repeats;
                // A cell with a value, a formula or content is not empty (as far as can be told
                // from its tag: counting too many is safe).
                if tag.kind == TagKind::Open
                    || tag.has(b"office:value-type")
                    || tag.has(b"table:formula")
                {
                    self.used = self.col;
                }
                // Its attributes (a value, a formula) are cloned with it; its content too.
                let own = (tag.name.len() + tag.attrs.len()) as u64;
                self.row_bytes = self.row_bytes.saturating_add(own.saturating_mul(repeats));
                if tag.kind == TagKind::Open {
                    self.cell = Some((tag.end, repeats));
                }
            }
            (b"table:table-cell" | b"table:covered-table-cell", TagKind::Close) => {
                if let Some((start, repeats)) = self.cell.take() {
                    let content = tag.start.saturating_sub(start);
                    self.row_bytes = self
                        .row_bytes
                        .saturating_add(content.saturating_mul(repeats));
                }
            }
            _ => {}
        }
    }

    fn end_row(&mut self) {
        self.pushed = self.pushed.saturating_add(self.used);
        self.text_bytes = self
            .text_bytes
            .saturating_add(self.row_bytes.saturating_mul(self.row_repeats.max(1)));
        let start = self.rows_total;
        self.rows_total = self.rows_total.saturating_add(self.row_repeats);
        if self.used > 0 {
            self.first_row.get_or_insert(start);
            self.last_row_end = self.rows_total;
            self.width = self.width.max(self.used);
        }
    }
}

/// What a tag is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    Open,
    Close,
    Empty,
}

/// One XML tag: its name and its attributes' raw text.
#[derive(Debug)]
pub struct Tag {
    pub kind: TagKind,
    pub name: Vec<u8>,
    pub attrs: Vec<u8>,
    /// Offsets in the stream of its `<` and just after its `>`.
    pub start: u64,
    pub end: u64,
}

impl Tag {
    /// The raw value of an attribute.
    #[must_use]
    pub fn attr(&self, name: &[u8]) -> Option<&[u8]> {
        let mut rest = self.attrs.as_slice();
        while let Some(at) = memchr::memmem::find(rest, name) {
            let before_ok = at == 0 || rest[at - 1].is_ascii_whitespace();
            let after = &rest[at + name.len()..];
            let after = after.trim_ascii_start();
            if before_ok && let Some(after) = after.strip_prefix(b"=") {
                let after = after.trim_ascii_start();
                let quote = *after.first()?;
                if quote == b'"' || quote == b'\'' {
                    let value = &after[1..];
                    let end = memchr::memchr(quote, value).unwrap_or(value.len());
                    return Some(&value[..end]);
                }
            }
            rest = &rest[at + name.len()..];
        }
        None
    }

    #[must_use]
    pub fn has(&self, name: &[u8]) -> bool {
        self.attr(name).is_some()
    }

    /// An attribute as a count (saturating; `None` when absent or not a number).
    #[must_use]
    pub fn number(&self, name: &[u8]) -> Option<u64> {
        let v = self.attr(name)?.trim_ascii();
        if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(v.iter().fold(0u64, |n, b| {
            n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        }))
    }
}

/// Longest tag kept whole; the rest of a longer one is skipped.
const MAX_TAG: usize = 64 * 1024;

/// The tags of an XML stream, read a chunk at a time (comments, CDATA, processing instructions
/// and text skipped).
pub struct Tags<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    /// Bytes of the stream before `buf`.
    before: u64,
}

impl<R: Read> Tags<R> {
    pub fn new(reader: R) -> Self {
        Self {
            reader,
            buf: Vec::new(),
            pos: 0,
            eof: false,
            before: 0,
        }
    }

    fn byte(&mut self) -> std::io::Result<Option<u8>> {
        if self.pos == self.buf.len() {
            if self.eof {
                return Ok(None);
            }
            self.before += self.buf.len() as u64;
            self.buf.resize(64 * 1024, 0);
            let n = loop {
                match self.reader.read(&mut self.buf) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            self.buf.truncate(n);
            self.pos = 0;
            if n == 0 {
                self.eof = true;
                return Ok(None);
            }
        }
        self.pos += 1;
        Ok(Some(self.buf[self.pos - 1]))
    }

    /// Skips to just after `end` (at most 3 bytes), `seen` being the bytes already read.
    fn skip_past(&mut self, end: &[u8], seen: &[u8]) -> std::io::Result<()> {
        let mut last = [0u8; 3];
        let mut n = 0;
        let mut push = |b: u8, last: &mut [u8; 3]| {
            last.rotate_left(1);
            last[2] = b;
            n += 1;
            n >= end.len() && last.ends_with(end)
        };
        for &b in seen {
            if push(b, &mut last) {
                return Ok(());
            }
        }
        while let Some(b) = self.byte()? {
            if push(b, &mut last) {
                return Ok(());
            }
        }
        Ok(())
    }

    /// The next tag; `None` at the end.
    pub fn next_tag(&mut self) -> std::io::Result<Option<Tag>> {
        loop {
            // Text up to the next tag.
            loop {
                match self.byte()? {
                    None => return Ok(None),
                    Some(b'<') => break,
                    Some(_) => {}
                }
            }
            let start = self.offset() - 1;
            let mut raw = Vec::new();
            let mut quote = None;
            loop {
                let Some(b) = self.byte()? else {
                    return Ok(None);
                };
                if raw.is_empty() && b == b'?' {
                    self.skip_past(b"?>", &[])?;
                    break;
                }
                if raw == b"!--" || raw == b"![CDATA[" {
                    let end: &[u8] = if raw == b"!--" { b"-->" } else { b"]]>" };
                    self.skip_past(end, &[b])?;
                    break;
                }
                match (quote, b) {
                    (None, b'>') => {
                        if raw.first() == Some(&b'!') {
                            break;
                        }
                        let mut tag = Self::tag(&raw);
                        tag.start = start;
                        tag.end = self.offset();
                        return Ok(Some(tag));
                    }
                    (None, b'"' | b'\'') => quote = Some(b),
                    (Some(q), b) if q == b => quote = None,
                    _ => {}
                }
                if raw.len() < MAX_TAG {
                    raw.push(b);
                }
            }
        }
    }

    /// Bytes of the stream read so far.
    fn offset(&self) -> u64 {
        self.before + self.pos as u64
    }

    fn tag(raw: &[u8]) -> Tag {
        let (kind, body) = if let Some(b) = raw.strip_prefix(b"/") {
            (TagKind::Close, b)
        } else if let Some(b) = raw.strip_suffix(b"/") {
            (TagKind::Empty, b)
        } else {
            (TagKind::Open, raw)
        };
        let end = body
            .iter()
            .position(u8::is_ascii_whitespace)
            .unwrap_or(body.len());
        Tag {
            kind,
            name: body[..end].to_vec(),
            attrs: body[end..].to_vec(),
            start: 0,
            end: 0,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// XLS (a compound file holding BIFF records)

const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn corrupt(what: &str) -> String {
    format!("unreadable spreadsheet: corrupt compound file ({what})")
}

/// A compound file, read as calamine reads it, but refusing what would make calamine loop or
/// allocate beyond the file: chains must end within the number of sectors there are.
struct Cfb<'a> {
    bytes: &'a [u8],
    sector: usize,
    fat: Vec<u32>,
}

impl<'a> Cfb<'a> {
    fn new(bytes: &'a [u8]) -> Result<Self, String> {
        if bytes.len() < 512 || !bytes.starts_with(&CFB_MAGIC) {
            return Err(corrupt("header"));
        }
        let sector = match u16_at(bytes, 30) {
            Some(9) => 512,
            Some(12) => 4096,
            _ => return Err(corrupt("sector size")),
        };
        let sectors = bytes.len() / sector;
        let mut cfb = Self {
            bytes,
            sector,
            fat: Vec::new(),
        };
        let mut difat: Vec<u32> = (0..109).filter_map(|i| u32_at(bytes, 76 + 4 * i)).collect();
        let mut id = u32_at(bytes, 68).unwrap_or(ENDOFCHAIN);
        let mut steps = 0;
        while id < RESERVED_SECTORS {
            steps += 1;
            if steps > sectors + 1 {
                return Err(corrupt("DIFAT chain"));
            }
            let s = cfb.sector(id).ok_or_else(|| corrupt("DIFAT sector"))?;
            difat.extend(
                s.chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            );
            id = difat.pop().unwrap_or(ENDOFCHAIN);
        }
        let fat_sectors: Vec<u32> = difat.into_iter().filter(|id| *id < DIFSECT).collect();
        if fat_sectors.len() > sectors + 1 {
            return Err(corrupt("FAT larger than the file"));
        }
        let mut fat = Vec::with_capacity(fat_sectors.len() * sector / 4);
        for id in fat_sectors {
            let s = cfb.sector(id).ok_or_else(|| corrupt("FAT sector"))?;
            fat.extend(
                s.chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            );
        }
        cfb.fat = fat;
        Ok(cfb)
    }

    fn sector(&self, id: u32) -> Option<&'a [u8]> {
        let start = (id as usize + 1).checked_mul(self.sector)?;
        let bytes: &'a [u8] = self.bytes;
        // calamine reads a last, short sector as far as the file goes.
        let end = (start + self.sector).min(bytes.len());
        (start < end).then(|| &bytes[start..end])
    }

    /// A chain of `size`-byte units through `table`, at most `len` bytes; refused when it does
    /// not end within the units there are.
    fn chain<'u>(
        start: u32,
        table: &[u32],
        len: usize,
        unit: impl Fn(u32) -> Option<&'u [u8]>,
    ) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        let mut id = start;
        let mut steps = 0;
        while id != ENDOFCHAIN && out.len() < len {
            steps += 1;
            if steps > table.len() + 1 {
                return Err(corrupt("a chain loops"));
            }
            let s = unit(id).ok_or_else(|| corrupt("a sector beyond the file"))?;
            out.extend_from_slice(&s[..s.len().min(len - out.len())]);
            if out.len() >= len {
                break;
            }
            id = *table
                .get(id as usize)
                .ok_or_else(|| corrupt("a chain leaves the table"))?;
        }
        Ok(out)
    }

    /// The workbook stream (`Workbook`, or `Book` for BIFF5), as calamine finds it.
    fn workbook(&self) -> Result<Vec<u8>, String> {
        let dir_start = u32_at(self.bytes, 48).unwrap_or(ENDOFCHAIN);
        let dirs = Self::chain(dir_start, &self.fat, usize::MAX, |id| self.sector(id))?;
        let entries: Vec<&[u8]> = dirs.chunks_exact(128).collect();
        let root = entries
            .first()
            .ok_or_else(|| corrupt("no root directory"))?;
        let entry = |name: &str| {
            entries.iter().find(|e| {
                let units: Vec<u16> = e[..64]
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .take_while(|u| *u != 0)
                    .collect();
                String::from_utf16_lossy(&units).eq_ignore_ascii_case(name)
            })
        };
        let e = entry("Workbook")
            .or_else(|| entry("Book"))
            .ok_or_else(|| "unreadable spreadsheet: no workbook stream".to_owned())?;
        let start = u32_at(e, 116).unwrap_or(ENDOFCHAIN);
        let len = if self.sector == 512 {
            u64::from(u32_at(e, 120).unwrap_or(0))
        } else {
            u64::from_le_bytes(e[120..128].try_into().unwrap_or_default())
        };
        if len > self.bytes.len() as u64 {
            return Err(corrupt("a stream longer than the file"));
        }
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        if len >= 4096 {
            return Self::chain(start, &self.fat, len, |id| self.sector(id));
        }
        // A small stream lives in the mini stream (the root's chain), in 64-byte units.
        let mini_fat_start = u32_at(self.bytes, 60).unwrap_or(ENDOFCHAIN);
        let mini_fat_len = u32_at(self.bytes, 64).unwrap_or(0) as usize;
        let root_start = u32_at(root, 116).unwrap_or(ENDOFCHAIN);
        let root_len = usize::try_from(u32_at(root, 120).unwrap_or(0)).unwrap_or(0);
        if root_len > self.bytes.len() {
            return Err(corrupt("a mini stream longer than the file"));
        }
        let mini = Self::chain(root_start, &self.fat, root_len, |id| self.sector(id))?;
        let mini_fat_bytes = Self::chain(
            mini_fat_start,
            &self.fat,
            mini_fat_len
                .saturating_mul(self.sector)
                .min(self.bytes.len()),
            |id| self.sector(id),
        )?;
        let mini_fat: Vec<u32> = mini_fat_bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        Self::chain(start, &mini_fat, len, |id| {
            let at = (id as usize).checked_mul(64)?;
            mini.get(at..(at + 64).min(mini.len()))
                .filter(|s| !s.is_empty())
        })
    }
}

/// The cells calamine will reserve and build for an XLS: per sheet, the larger of its
/// `DIMENSIONS` and the area of its cells.
pub fn xls_cells(bytes: &[u8]) -> Result<u64, String> {
    let stream = Cfb::new(bytes)?.workbook()?;
    biff_cells(&stream)
}

/// As [`xls_cells`], from the workbook stream.
pub fn biff_cells(stream: &[u8]) -> Result<u64, String> {
    // The globals: where each sheet starts.
    let mut sheets = Vec::new();
    for (typ, data) in Records(stream) {
        match typ {
            0x0085 if data.len() >= 6 => sheets.push(u32_at(data, 0).unwrap_or(0) as usize),
            0x000A => break,
            _ => {}
        }
    }
    let mut total = 0u64;
    for pos in sheets {
        let Some(sheet) = stream.get(pos..) else {
            return Err("unreadable spreadsheet: a sheet beyond the workbook".into());
        };
        let mut area = Area::default();
        let mut reserved = 0u64;
        // As calamine: the first BOF is the sheet's own; a later one starts a nested substream
        // (an embedded chart …) whose records, up to its own EOF, are skipped (found by
        // fuzzing: stopping at the nested EOF missed what follows it).
        let mut seen_bof = false;
        let mut nested = 0usize;
        for (typ, data) in Records(sheet) {
            let at = |i: usize| u16_at(data, i).map(u32::from);
            if nested > 0 {
                match typ {
                    0x0809 => nested += 1,
                    0x000A => nested -= 1,
                    _ => {}
                }
                continue;
            }
            match typ {
                0x0809 => {
                    if seen_bof {
                        nested += 1;
                    } else {
                        seen_bof = true;
                    }
                }
                0x0200 => reserved = reserved.max(dimensions(data)),
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x0207 => {
                    if let (Some(r), Some(c)) = (at(0), at(2)) {
                        area.add(r, c);
                    }
                }
                0x00BD => {
                    // MULRK: row, first column, …, last column.
                    if let (Some(r), Some(c), Some(last)) =
                        (at(0), at(2), data.len().checked_sub(2).and_then(at))
                    {
                        // calamine subtracts the first column from the last (found by fuzzing:
                        // it panics where overflow is checked).
                        if last < c {
                            return Err("unreadable spreadsheet: a MULRK record whose last \
                                        column comes before its first"
                                .into());
                        }
                        area.add(r, c);
                        area.add(r, last);
                    }
                }
                0x000A => break,
                _ => {}
            }
        }
        total = total.saturating_add(reserved).saturating_add(area.cells());
        refuse_beyond(total)?;
    }
    Ok(total)
}

/// The cells a `DIMENSIONS` record makes calamine reserve (a record that would make it
/// underflow counts as everything).
fn dimensions(r: &[u8]) -> u64 {
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (
            u32::from(u16_at(r, 0).unwrap_or(0)),
            u32::from(u16_at(r, 2).unwrap_or(0)),
            u32::from(u16_at(r, 4).unwrap_or(0)),
            u32::from(u16_at(r, 6).unwrap_or(0)),
        ),
        14 | 16 => (
            u32_at(r, 0).unwrap_or(0),
            u32_at(r, 4).unwrap_or(0),
            u32::from(u16_at(r, 8).unwrap_or(0)),
            u32::from(u16_at(r, 10).unwrap_or(0)),
        ),
        _ => return 0,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    if rl >= 1 && cl >= 1 {
        let (Some(rows), Some(cols)) = ((rl - 1).checked_sub(rf), (cl - 1).checked_sub(cf)) else {
            return u64::MAX;
        };
        (u64::from(rows) + 1).saturating_mul(u64::from(cols) + 1)
    } else {
        1
    }
}

/// BIFF records (type, data) of a stream, until one does not fit.
struct Records<'a>(&'a [u8]);

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let typ = u16_at(self.0, 0)?;
        let len = usize::from(u16_at(self.0, 2)?);
        let data = self.0.get(4..4 + len)?;
        self.0 = &self.0[4 + len..];
        Some((typ, data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(xml: &str) -> Vec<(TagKind, String)> {
        let mut t = Tags::new(xml.as_bytes());
        let mut out = Vec::new();
        while let Some(tag) = t.next_tag().unwrap() {
            out.push((tag.kind, String::from_utf8(tag.name).unwrap()));
        }
        out
    }

    #[test]
    fn the_tag_scanner_skips_comments_cdata_and_quoted_brackets() {
        assert_eq!(
            tags(r#"<?xml v="1"?><a x="1>2"><!-- <b> " --><![CDATA[<c>]]><d/>text</a>"#),
            [
                (TagKind::Open, "a".into()),
                (TagKind::Empty, "d".into()),
                (TagKind::Close, "a".into())
            ]
        );
        assert_eq!(tags("<!---->< e>"), [(TagKind::Open, String::new())]);
    }

    #[test]
    fn ods_cells_are_counted_as_calamine_expands_them() {
        let count = |xml: &str| {
            let mut c = OdsCounter::default();
            let mut t = Tags::new(xml.as_bytes());
            while let Some(tag) = t.next_tag().unwrap() {
                c.tag(&tag);
            }
            c.total()
        };
        // Two used cells in one row; trailing empty repeated rows and cells cost nothing.
        let plain = r#"<table:table><table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="1"/><table:table-cell table:number-columns-repeated="1000"/></table:table-row><table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>"#;
        assert_eq!(count(plain), 2 + 2);
        // A value after 16,383 empty cells, in a row repeated 1000 times.
        let wide = r#"<table:table><table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#;
        assert_eq!(count(wide), 16_384 + 1000 * 16_384);
    }

    #[test]
    fn ods_loops_spaces_and_clones_are_measured() {
        let run = |xml: &str| {
            let mut c = OdsCounter::default();
            let mut t = Tags::new(xml.as_bytes());
            while let Some(tag) = t.next_tag().unwrap() {
                c.tag(&tag);
            }
            (c.finish(), c.text_bytes)
        };
        assert!(
            run("<table:table><table:table-row>")
                .0
                .unwrap_err()
                .contains("ends inside")
        );
        assert!(
            run("<table:table></table:table><office:annotation>")
                .0
                .is_err()
        );
        assert!(
            run(r#"<table:table><text:s text:c="99999999999"/></table:table>"#)
                .0
                .unwrap_err()
                .contains("spaces")
        );
        let (ok, bytes) = run(
            r#"<table:table><table:table-row table:number-rows-repeated="10"><table:table-cell table:number-columns-repeated="3"><text:p>0123456789</text:p></table:table-cell></table:table-row></table:table>"#,
        );
        assert!(ok.is_ok());
        // Each of 30 clones holds the cell's content (and, counted too, its tag).
        assert!((30 * 10..30 * 100).contains(&bytes), "{bytes}");
    }

    #[test]
    fn announced_shared_strings_are_read_as_calamine_reads_them() {
        assert_eq!(
            announced_strings(br#"<?xml?><sst xmlns="x" count="5" uniqueCount="100000000000">"#),
            Some(100_000_000_000)
        );
        assert_eq!(announced_strings(br#"<sst uniqueCount="1e11">"#), Some(1));
        assert_eq!(announced_strings(br#"<sst count="3">"#), None);
    }

    #[test]
    fn biff_dimensions_and_cells_are_measured() {
        let rec = |typ: u16, data: &[u8]| {
            let mut v = typ.to_le_bytes().to_vec();
            v.extend_from_slice(&u16::try_from(data.len()).unwrap().to_le_bytes());
            v.extend_from_slice(data);
            v
        };
        let number = |r: u16, c: u16| {
            let mut d = r.to_le_bytes().to_vec();
            d.extend_from_slice(&c.to_le_bytes());
            d.extend_from_slice(&[0; 10]);
            rec(0x0203, &d)
        };
        let mut globals = rec(0x0809, &[0; 16]);
        // After BOUNDSHEET (4 + 10 bytes) and EOF (4).
        let sheet_at = globals.len() + 14 + 4;
        let mut bs = u32::try_from(sheet_at).unwrap().to_le_bytes().to_vec();
        bs.extend_from_slice(&[0, 0, 1, 0, b'S', 0]);
        globals.extend(rec(0x0085, &bs));
        globals.extend(rec(0x000A, &[]));
        let sheet = |cells: &[u8]| {
            let mut s = globals.clone();
            assert_eq!(s.len(), sheet_at);
            s.extend(rec(0x0809, &[0; 16]));
            s.extend_from_slice(cells);
            s.extend(rec(0x000A, &[]));
            s
        };
        let small = sheet(&[number(0, 0), number(9, 2)].concat());
        assert_eq!(biff_cells(&small).unwrap(), 30);
        let sparse = sheet(&[number(0, 0), number(65_535, 1000)].concat());
        assert!(biff_cells(&sparse).unwrap_err().contains("sparse"));
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend_from_slice(&u32::MAX.to_le_bytes());
        dims.extend_from_slice(&[0, 0, 0xFF, 0, 0, 0]);
        let reserved = sheet(&rec(0x0200, &dims));
        assert!(biff_cells(&reserved).unwrap_err().contains("sparse"));
    }
}
