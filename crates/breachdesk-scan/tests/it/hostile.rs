//! Hostile files (issue 17, item 6): each is generated here, scanned in a child process of this
//! test binary under an address-space limit, and must be listed as failed with its reason while
//! the other files are scanned, the scan ends normally, its peak memory (`VmHWM`) stays bounded
//! and it leaves no temporary file behind.

use std::io::Write as _;
use std::path::Path;
use std::process::Command;

use breachdesk_scan::{Options, scan};

/// Set in the child: the directory to scan.
const ROOT: &str = "BREACHDESK_HOSTILE_ROOT";
/// Set in the child: where the scan's temporary files go.
const SPILL: &str = "BREACHDESK_HOSTILE_SPILL";
/// Address space the child may use (KiB): a scan that tries to allocate what a hostile file
/// asks for fails here instead of taking the machine.
const CHILD_ADDRESS_SPACE_KIB: u64 = 4 * 1024 * 1024;
/// Time the child may take.
const CHILD_TIME: std::time::Duration = std::time::Duration::from_mins(2);
/// Peak resident memory the child may reach (KiB).
const CHILD_PEAK_KIB: u64 = 640 * 1024;

fn deflated() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true)
}

fn stored() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)
}

fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        z.start_file(*name, deflated()).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

/// An XLSX of one sheet with this sheet XML (and these shared strings, if any).
pub fn xlsx_with(sheet: &str, shared: Option<&str>) -> Vec<u8> {
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    if let Some(s) = shared {
        parts.push(("xl/sharedStrings.xml", s.as_bytes()));
    }
    package(&parts)
}

const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

/// Two cells, A1 and XFD1048576: a dense range of 17 billion cells.
pub fn sparse_xlsx() -> Vec<u8> {
    xlsx_with(
        &format!(
            r#"{SHEET_HEAD}<dimension ref="A1"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#
        ),
        None,
    )
}

/// Shared strings announcing 10^11 entries (2.4 TB of `String`s reserved up front).
pub fn unique_count_xlsx() -> Vec<u8> {
    xlsx_with(
        &format!(
            r#"{SHEET_HEAD}<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#
        ),
        Some(
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="100000000000" uniqueCount="100000000000"><si><t>x</t></si></sst>"#,
        ),
    )
}

/// An ODS whose rows each put one value after 16,383 empty repeated cells.
pub fn repeated_ods() -> Vec<u8> {
    use std::fmt::Write as _;
    let mut content = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S">"#,
    );
    for _ in 0..20_000 {
        let _ = write!(
            content,
            r#"<table:table-row><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#
        );
    }
    content.push_str("</table:table></office:spreadsheet></office:body></office:document-content>");
    ods_with(content.as_bytes())
}

/// An ODS of one table with these rows (`content.xml` closed unless `open`).
pub fn ods_rows(rows: &str, open: bool) -> Vec<u8> {
    let mut content = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S">"#,
    );
    content.push_str(rows);
    if !open {
        content.push_str(
            "</table:table></office:spreadsheet></office:body></office:document-content>",
        );
    }
    ods_with(content.as_bytes())
}

/// An ODS with this `content.xml`.
pub fn ods_with(content: &[u8]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file("mimetype", stored()).unwrap();
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    z.start_file("content.xml", deflated()).unwrap();
    z.write_all(content).unwrap();
    z.start_file("META-INF/manifest.xml", deflated()).unwrap();
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
    z.finish().unwrap().into_inner()
}

/// A BIFF record.
pub fn biff(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut v = typ.to_le_bytes().to_vec();
    v.extend_from_slice(&u16::try_from(data.len()).unwrap().to_le_bytes());
    v.extend_from_slice(data);
    v
}

/// A workbook stream of one sheet named S holding these records (BIFF8).
pub fn biff_workbook(sheet: &[u8]) -> Vec<u8> {
    let bof = biff(
        0x0809,
        &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    let sheet_bof = biff(
        0x0809,
        &[0x00, 0x06, 0x10, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    let eof = biff(0x000A, &[]);
    // BOUNDSHEET: position, visible worksheet, name of 1 character, compressed.
    let at = u32::try_from(bof.len() + 4 + 10 + eof.len()).unwrap();
    let mut bs = at.to_le_bytes().to_vec();
    bs.extend_from_slice(&[0, 0, 1, 0, b'S', 0]);
    let mut stream = [bof, biff(0x0085, &bs[..10]), eof.clone(), sheet_bof].concat();
    stream.extend_from_slice(sheet);
    stream.extend_from_slice(&eof);
    stream
}

/// An XLS: a compound file (512-byte sectors) holding `stream` as its Workbook stream.
pub fn xls_with(stream: &[u8]) -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    let mut stream = stream.to_vec();
    // At least 4096 bytes (else it would live in the mini stream), in whole sectors.
    let len = stream.len().max(4096).div_ceil(512) * 512;
    stream.resize(len, 0);
    let sectors = u32::try_from(len / 512).unwrap();
    assert!(sectors <= 126, "one FAT sector");
    let mut out = vec![0u8; 512];
    out[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    out[24..26].copy_from_slice(&0x3Eu16.to_le_bytes());
    out[26..28].copy_from_slice(&3u16.to_le_bytes());
    out[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    out[30..32].copy_from_slice(&9u16.to_le_bytes());
    out[32..34].copy_from_slice(&6u16.to_le_bytes());
    out[44..48].copy_from_slice(&1u32.to_le_bytes());
    out[48..52].copy_from_slice(&0u32.to_le_bytes());
    out[56..60].copy_from_slice(&4096u32.to_le_bytes());
    out[60..64].copy_from_slice(&END.to_le_bytes());
    out[68..72].copy_from_slice(&END.to_le_bytes());
    for i in 0..109 {
        let id: u32 = if i == 0 { 1 } else { 0xFFFF_FFFF };
        out[76 + 4 * i..80 + 4 * i].copy_from_slice(&id.to_le_bytes());
    }
    // Sector 0: the directory.
    let entry = |name: &str, typ: u8, child: u32, start: u32, size: u64| {
        let mut e = vec![0u8; 128];
        let units: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        e[..units.len()].copy_from_slice(&units);
        e[64..66].copy_from_slice(&u16::try_from(units.len() + 2).unwrap().to_le_bytes());
        e[66] = typ;
        e[67] = 1;
        e[68..72].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        e[72..76].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..128].copy_from_slice(&size.to_le_bytes());
        e
    };
    out.extend(entry("Root Entry", 5, 1, END, 0));
    out.extend(entry("Workbook", 2, 0xFFFF_FFFF, 2, len as u64));
    out.extend(vec![0u8; 256]);
    // Sector 1: the FAT.
    let mut fat = vec![END, 0xFFFF_FFFD];
    fat.extend((3..2 + sectors).collect::<Vec<u32>>());
    fat.push(END);
    fat.resize(128, 0xFFFF_FFFF);
    out.extend(fat.iter().flat_map(|f| f.to_le_bytes()));
    out.extend_from_slice(&stream);
    out
}

/// A NUMBER record.
pub fn biff_number(row: u16, col: u16) -> Vec<u8> {
    let mut d = row.to_le_bytes().to_vec();
    d.extend_from_slice(&col.to_le_bytes());
    d.extend_from_slice(&[0, 0]);
    d.extend_from_slice(&4711f64.to_le_bytes());
    biff(0x0203, &d)
}

/// An XLS whose sheet's DIMENSIONS claim 4 billion rows by 255 columns (calamine reserves
/// them), with one cell.
pub fn dimensions_xls() -> Vec<u8> {
    let mut dims = 0u32.to_le_bytes().to_vec();
    dims.extend_from_slice(&u32::MAX.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    dims.extend_from_slice(&255u16.to_le_bytes());
    dims.extend_from_slice(&[0, 0]);
    xls_with(&biff_workbook(
        &[biff(0x0200, &dims), biff_number(0, 0)].concat(),
    ))
}

/// A ZIP of about 190 KB holding a ZIP that expands to 4 GiB (16 members of 256 MiB of
/// zeros), padded so that each level stays within the old per-level ratio of 200.
pub fn nested_zip_bomb() -> Vec<u8> {
    const MEMBER: usize = 256 * 1024 * 1024;
    let mut one = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    one.start_file(
        "zeros.bin",
        deflated().compression_level(Some(9)).large_file(false),
    )
    .unwrap();
    let chunk = vec![0u8; 1024 * 1024];
    for _ in 0..MEMBER / chunk.len() {
        one.write_all(&chunk).unwrap();
    }
    let one = one.finish().unwrap().into_inner();
    let mut source = zip::ZipArchive::new(std::io::Cursor::new(one)).unwrap();
    let mut inner = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..16 {
        inner
            .raw_copy_file_rename(source.by_index(0).unwrap(), format!("z{i:02}.bin"))
            .unwrap();
    }
    // Pad the inner archive so that its own size allows a 4 GiB expansion (200 times), with
    // 160 KiB that do not compress so that the outer one allows the inner's 26 MiB.
    inner.start_file("padding", stored()).unwrap();
    let mut pad = vec![0u8; 22 * 1024 * 1024];
    let mut x = 0x2545_f491_4f6c_dd1du64;
    for b in &mut pad[..160 * 1024] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x.to_le_bytes()[0];
    }
    inner.write_all(&pad).unwrap();
    let inner = inner.finish().unwrap().into_inner();
    let mut outer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    outer
        .start_file("inner.zip", deflated().compression_level(Some(9)))
        .unwrap();
    outer.write_all(&inner).unwrap();
    outer.finish().unwrap().into_inner()
}

/// A one-page PDF whose content stream (deflated) holds `ops` text operators.
pub fn operator_pdf(ops: usize) -> Vec<u8> {
    let mut content = Vec::with_capacity(ops * 6 + 64);
    content.extend_from_slice(b"BT /F1 12 Tf 72 712 Td\n");
    for _ in 0..ops {
        content.extend_from_slice(b"(a)Tj\n");
    }
    content.extend_from_slice(b"ET\n");
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&content).unwrap();
    let stream = e.finish().unwrap();
    pdf_with_content(&stream, true)
}

/// A PDF of one page with this content stream.
pub fn pdf_with_content(stream: &[u8], deflated: bool) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    let filter = if deflated {
        " /Filter /FlateDecode"
    } else {
        ""
    };
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
        [
            format!("<< /Length {}{filter} >>\nstream\n", stream.len()).as_bytes(),
            stream,
            b"\nendstream",
        ]
        .concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    ];
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A name with a terminal escape sequence (set the title, clear the screen) and a bidi override.
pub const EVIL_NAME: &str = "evil\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}fdp.zip";

fn write(root: &Path, name: &str, bytes: &[u8]) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// What the child reports: the scan's outcome and its own peak memory.
#[derive(Debug, serde::Deserialize)]
struct ChildReport {
    scanned: u64,
    email_distinct: u64,
    problems: Vec<(String, String, String)>,
    vm_hwm_kib: u64,
}

/// The child: scans `BREACHDESK_HOSTILE_ROOT` and prints what it found and its peak memory.
/// A no-op in a normal test run.
#[test]
fn child() {
    let Ok(root) = std::env::var(ROOT) else {
        return;
    };
    let options = Options {
        spill_dir: std::env::var(SPILL).ok().map(Into::into),
        ..Options::default()
    };
    let report = scan(Path::new(&root), &options).unwrap();
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let hwm: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    let line = serde_json::json!({
        "scanned": report.files.scanned,
        "email_distinct": report.categories.get("email").map_or(0, |c| c.distinct_values),
        "problems": report.problems.iter().map(|p| (p.file.to_string(), p.outcome, p.reason.to_string())).collect::<Vec<_>>(),
        "vm_hwm_kib": hwm,
    });
    println!("HOSTILE-REPORT {line}");
}

/// Runs the child on `root` under the address-space limit; its report, or the exit status and
/// output when it did not finish.
fn run_child(root: &Path, spill: &Path) -> Result<ChildReport, String> {
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {CHILD_ADDRESS_SPACE_KIB}; exec \"$0\" \"$@\""
        ))
        .arg(exe)
        .args([
            "hostile::child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROOT, root)
        .env(SPILL, spill)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A scan that loops for ever on a file is a failure too.
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > CHILD_TIME {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("child did not finish within {CHILD_TIME:?}"));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("HOSTILE-REPORT ").map(|(_, r)| r));
    match (out.status.success(), line) {
        (true, Some(line)) => Ok(serde_json::from_str(line).unwrap()),
        _ => Err(format!(
            "child {}: {}\n{}",
            out.status,
            stdout.chars().take(2000).collect::<String>(),
            String::from_utf8_lossy(&out.stderr)
                .chars()
                .take(2000)
                .collect::<String>()
        )),
    }
}

/// Fifty ordinary CSV files, each with one e-mail address.
fn ordinary(root: &Path) {
    for i in 0..50 {
        write(
            root,
            &format!("csv/{i:02}.csv"),
            format!("email;phone\nuser{i}@example.fi;040 123 45{i:02}\n").as_bytes(),
        );
    }
}

/// Scans `root` (the hostile `files` and 50 ordinary CSVs) in a child and checks it survived
/// with bounded memory, each hostile file failed with a reason containing `reason`.
fn survives(root: &Path, hostile: &[(&str, &str)]) -> ChildReport {
    ordinary(root);
    let spill = tempfile::tempdir().unwrap();
    let report = run_child(root, spill.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        std::fs::read_dir(spill.path()).unwrap().count(),
        0,
        "no temporary file left behind"
    );
    assert_eq!(
        report.email_distinct, 50,
        "the ordinary files are scanned: {report:?}"
    );
    assert!(report.scanned >= 50, "{report:?}");
    for (file, reason) in hostile {
        assert!(
            report
                .problems
                .iter()
                .any(|(f, outcome, r)| f.starts_with(file)
                    && outcome == "failed"
                    && r.contains(reason)),
            "{file} is listed as failed because {reason}: {:?}",
            report.problems
        );
    }
    assert!(
        report.vm_hwm_kib < CHILD_PEAK_KIB,
        "peak memory {} KiB (limit {CHILD_PEAK_KIB} KiB)",
        report.vm_hwm_kib
    );
    report
}

#[test]
fn a_sparse_spreadsheet_is_refused_before_it_is_allocated() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = sparse_xlsx();
    assert!(bytes.len() < 2048, "{}", bytes.len());
    write(dir.path(), "sparse.xlsx", &bytes);
    survives(dir.path(), &[("sparse.xlsx", "cells")]);
}

#[test]
fn an_xls_whose_dimensions_claim_four_billion_rows_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Read as it is, a plain sheet of one number is an ordinary file.
    let plain = xls_with(&biff_workbook(&biff_number(2, 1)));
    let report = scan(dir.path(), &Options::default()).unwrap();
    assert!(report.problems.is_empty());
    write(dir.path(), "plain.xls", &plain);
    write(dir.path(), "dims.xls", &dimensions_xls());
    let report = survives(dir.path(), &[("dims.xls", "cells")]);
    assert!(
        !report.problems.iter().any(|p| p.0 == "plain.xls"),
        "{:?}",
        report.problems
    );
}

/// An XLSX of 1,200 cells, each of 1 MiB of text (1.2 GiB of XML deflated to 12 MB): a
/// small used area whose text alone is beyond the scan's budget.
pub fn text_xlsx() -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ] {
        z.start_file(name, deflated()).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.start_file(
        "xl/worksheets/sheet1.xml",
        deflated().compression_level(Some(1)),
    )
    .unwrap();
    z.write_all(format!("{SHEET_HEAD}<sheetData>").as_bytes())
        .unwrap();
    let text = vec![b'x'; 1024 * 1024];
    for r in 1..=1200 {
        write!(z, r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>"#).unwrap();
        z.write_all(&text).unwrap();
        z.write_all(b"</t></is></c></row>").unwrap();
    }
    z.write_all(b"</sheetData></worksheet>").unwrap();
    z.finish().unwrap().into_inner()
}

#[test]
fn a_spreadsheet_whose_text_inflates_beyond_the_budget_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = text_xlsx();
    assert!(bytes.len() < 16 * 1024 * 1024, "{}", bytes.len());
    write(dir.path(), "text.xlsx", &bytes);
    survives(dir.path(), &[("text.xlsx", "budget")]);
}

#[test]
fn shared_strings_announcing_1e11_entries_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "strings.xlsx", &unique_count_xlsx());
    survives(dir.path(), &[("strings.xlsx", "shared strings")]);
}

#[test]
fn an_ods_of_repeated_empty_cells_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = repeated_ods();
    assert!(bytes.len() < 200_000, "{}", bytes.len());
    write(dir.path(), "repeated.ods", &bytes);
    survives(dir.path(), &[("repeated.ods", "cells")]);
}

#[test]
fn ods_documents_that_loop_or_multiply_their_text_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cell = |text: &str| {
        format!(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell></table:table-row>"#
        )
    };
    // A table that never ends: calamine reads on past the end of the file for ever.
    write(dir.path(), "open.ods", &ods_rows(&cell("x"), true));
    // Two billion spaces asked for in one tag, in eight cells (calamine parses the count as
    // a 32-bit number).
    write(
        dir.path(),
        "spaces.ods",
        &ods_rows(&cell(r#"a<text:s text:c="2000000000"/>b"#).repeat(8), false),
    );
    // One cell of 1 MiB of text, repeated across 16,384 columns: 16 GiB of clones.
    let big = "x".repeat(1024 * 1024);
    write(
        dir.path(),
        "clones.ods",
        &ods_rows(
            &format!(
                r#"<table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>{big}</text:p></table:table-cell></table:table-row>"#
            ),
            false,
        ),
    );
    // An ordinary one is read.
    write(dir.path(), "plain.ods", &ods_rows(&cell("Maija"), false));
    let report = survives(
        dir.path(),
        &[
            ("open.ods", "ends inside a table"),
            ("spaces.ods", "spaces"),
            ("clones.ods", "budget"),
        ],
    );
    assert!(
        !report.problems.iter().any(|p| p.0 == "plain.ods"),
        "{:?}",
        report.problems
    );
    assert_eq!(report.problems.len(), 3, "{:?}", report.problems);
}

#[test]
fn nested_zip_bombs_stay_within_the_expansion_budget() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = nested_zip_bomb();
    assert!(bomb.len() < 400 * 1024, "{}", bomb.len());
    // Two of them, read at the same time by two threads.
    write(dir.path(), "bomb1.zip", &bomb);
    write(dir.path(), "bomb2.zip", &bomb);
    survives(
        dir.path(),
        &[
            ("bomb1.zip!inner.zip!z", "may expand to"),
            ("bomb2.zip!inner.zip!z", "may expand to"),
        ],
    );
}

#[test]
fn a_pdf_of_ten_million_operators_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = operator_pdf(10_000_000);
    assert!(pdf.len() < 200 * 1024, "{}", pdf.len());
    write(dir.path(), "ops.pdf", &pdf);
    survives(dir.path(), &[("ops.pdf", "operators")]);
}

#[test]
fn a_name_with_terminal_escapes_is_printed_escaped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), EVIL_NAME, b"PK\x03\x04 not a zip");
    let report = scan(dir.path(), &Options::default()).unwrap();
    let p = &report.problems[0];
    let shown = format!("{}: {} ({})", p.outcome, p.file, p.reason);
    assert!(
        !shown
            .chars()
            .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
        "{shown:?}"
    );
    assert!(
        shown.contains(r"evil\x1b]0;pwned\x07\x1b[2J\u{202e}fdp.zip"),
        "{shown}"
    );
    // As data (JSON) the name is the name, escaped the JSON way.
    let json = serde_json::to_string(p).unwrap();
    assert!(
        json.contains(r"evil\u001b]0;pwned\u0007\u001b[2J"),
        "{json}"
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&json).unwrap()["file"],
        EVIL_NAME
    );
}

/// Writes the hostile corpus into `BREACHDESK_HOSTILE_CORPUS` (for measuring by hand, see
/// docs/FUZZING.md); a no-op in a normal test run.
#[test]
fn write_corpus() {
    let Ok(dir) = std::env::var("BREACHDESK_HOSTILE_CORPUS") else {
        return;
    };
    let root = Path::new(&dir);
    ordinary(root);
    write(root, "sparse.xlsx", &sparse_xlsx());
    write(root, "strings.xlsx", &unique_count_xlsx());
    write(root, "repeated.ods", &repeated_ods());
    let bomb = nested_zip_bomb();
    write(root, "bomb1.zip", &bomb);
    write(root, "bomb2.zip", &bomb);
    write(root, "ops.pdf", &operator_pdf(10_000_000));
    write(root, "dims.xls", &dimensions_xls());
    write(root, "text.xlsx", &text_xlsx());
    write(
        root,
        "open.ods",
        &ods_rows(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#,
            true,
        ),
    );
    let cell = |attrs: &str, text: &str| {
        format!(
            r#"<table:table-row><table:table-cell {attrs} office:value-type="string"><text:p>{text}</text:p></table:table-cell></table:table-row>"#
        )
    };
    write(
        root,
        "spaces.ods",
        &ods_rows(
            &cell("", r#"a<text:s text:c="2000000000"/>b"#).repeat(8),
            false,
        ),
    );
    write(
        root,
        "clones.ods",
        &ods_rows(
            &cell(
                r#"table:number-columns-repeated="16384""#,
                &"x".repeat(1024 * 1024),
            ),
            false,
        ),
    );
    write(root, EVIL_NAME, b"PK\x03\x04 not a zip");
}

#[test]
fn the_decompression_budget_is_shared_by_nesting_levels() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("email\n");
    let mut i = 0;
    while csv.len() < 600 * 1024 {
        let _ = writeln!(csv, "user{i}@example.fi");
        i += 1;
    }
    let mut inner = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    inner.start_file("a.csv", stored()).unwrap();
    inner.write_all(csv.as_bytes()).unwrap();
    let inner = inner.finish().unwrap().into_inner();
    write(dir.path(), "outer.zip", &package(&[("inner.zip", &inner)]));
    write(
        dir.path(),
        "alone.zip",
        &package(&[("a.csv", csv.as_bytes())]),
    );
    // 1 MiB held at once: the inner archive (600 KiB) and its member (600 KiB) do not fit
    // together, though each would alone; the member of the other archive fits.
    let options = Options {
        max_expanded_bytes: 1024 * 1024,
        max_file_bytes: 1024 * 1024,
        ..Options::default()
    };
    let report = scan(dir.path(), &options).unwrap();
    let problems: Vec<(&str, &str)> = report
        .problems
        .iter()
        .map(|p| (p.file.as_str(), p.reason.as_str()))
        .collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, "outer.zip!inner.zip!a.csv");
    assert!(problems[0].1.contains("budget of 1048576"), "{problems:?}");
    assert_eq!(
        report.categories["email"].distinct_values, i,
        "alone.zip is read"
    );
    // With the default budget both are read.
    let report = scan(dir.path(), &Options::default()).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}
