//! Speed of the scanner beside ripgrep, in one run over the same page-cached corpus (a
//! measurement, not a test).
//!
//! Generates (once, into `SPEED_DIR`, default a temp dir) about `SPEED_FILES` files (default
//! 100,000) of customer exports, support mails, JSON dumps and logs totalling about
//! `SPEED_MIB` MiB (default 1024); reads them once to warm the page cache; then times, best of
//! `SPEED_RUNS` (default 2):
//! - the full scan in this process (extraction, validation, linking), and
//! - `rg --count-matches -j2 -f patterns` with a comparable PII pattern set.
//!
//! `cargo bench -p breachdesk-scan --bench speed`

#![allow(clippy::unwrap_used, clippy::cast_precision_loss, clippy::print_stdout)]

use std::fmt::Write as _;
use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

mod synth;
use synth::{decoys, person};

/// The patterns ripgrep counts: the same categories the scanner validates.
const PATTERNS: &str = r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b
\b\d(?:[ -]?\d){13,18}\b
\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{1,4}){3,8}\b
\b[a-zA-Z0-9][a-zA-Z0-9._%+-]*@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}\b
(?:\+|\b00)(?:358|46)[ -]?\d(?:[ -]?\d){5,11}\b
\b0(?:4\d|50|7[02369])[ -]?\d(?:[ -]?\d){5,7}\b
\b(?:\d{1,3}\.){3}\d{1,3}\b
";

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn generate(dir: &Path, files: u64, total_bytes: u64, only_kind: Option<u64>) {
    let mut rng = StdRng::seed_from_u64(42);
    let per_file = (total_bytes / files).max(256);
    let mut id = 0usize;
    for n in 0..files {
        let sub = dir.join(format!("d{:03}", n % 500));
        if n < 500 {
            std::fs::create_dir_all(&sub).unwrap();
        }
        let kind = only_kind.unwrap_or(n % 4);
        let ext = ["csv", "mbox", "ndjson", "log"][usize::try_from(kind).unwrap()];
        // Written a megabyte at a time: one file may be large.
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(sub.join(format!("f{n}.{ext}"))).unwrap(),
        );
        let mut written = 0u64;
        let mut body = String::with_capacity(1 << 20);
        if kind == 0 {
            body.push_str("Nimi;Sähköposti;Puhelin;Henkilötunnus;IBAN;Lähiosoite;Postinumero;Postitoimipaikka\n");
        }
        while written + (body.len() as u64) < per_file {
            if body.len() > 1 << 20 {
                written += body.len() as u64;
                out.write_all(body.as_bytes()).unwrap();
                body.clear();
            }
            id += 1;
            let p = person(id, &mut rng);
            match kind {
                0 => {
                    let _ = writeln!(
                        body,
                        "{};{};{};{};{};{};{};{}",
                        p.name,
                        p.email,
                        p.phone_shown,
                        p.hetu,
                        p.iban,
                        p.street,
                        p.postcode,
                        p.city
                    );
                }
                1 => {
                    let _ = write!(
                        body,
                        "From x Mon Nov 16 10:00:00 2026\nFrom: {} <{}>\nTo: asiakaspalvelu@shop.example\nSubject: Kortti\n\nKorttini {} veloitettiin kahdesti. Soittakaa {}.\n\n",
                        p.name, p.email, p.card, p.phone_shown
                    );
                }
                2 => {
                    let _ = writeln!(
                        body,
                        r#"{{"user":{{"email":"{}","phone":"{}","last_ip":"{}.{}.{}.{}"}}}}"#,
                        p.email,
                        p.phone_shown,
                        rng.gen_range(11..127),
                        rng.gen_range(0..255),
                        rng.gen_range(0..255),
                        rng.gen_range(1..254)
                    );
                }
                _ => decoys(&mut rng, &mut body),
            }
        }
        out.write_all(body.as_bytes()).unwrap();
        out.flush().unwrap();
    }
    std::fs::write(
        dir.join(".complete"),
        format!("{files} {total_bytes} {only_kind:?}"),
    )
    .unwrap();
}

fn warm(dir: &Path) -> (u64, u64) {
    let (mut files, mut bytes) = (0, 0);
    let mut buf = vec![0; 1 << 20];
    for e in ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .build()
    {
        let e = e.unwrap();
        if e.file_type().is_some_and(|t| t.is_file()) {
            let mut f = std::fs::File::open(e.path()).unwrap();
            loop {
                let n = f.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                bytes += n as u64;
            }
            files += 1;
        }
    }
    (files, bytes)
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// Serialises each line as the CLI does, and counts them.
#[derive(Default)]
struct LineCount {
    findings: u64,
    subjects: u64,
    /// The most identifiers on one subject line.
    widest: usize,
}

impl breachdesk_scan::Sink for LineCount {
    fn finding(&mut self, line: breachdesk_scan::FindingLine) -> std::io::Result<()> {
        serde_json::to_writer(std::io::sink(), &line)?;
        self.findings += 1;
        Ok(())
    }

    fn subject(&mut self, line: breachdesk_scan::SubjectLine) -> std::io::Result<()> {
        serde_json::to_writer(std::io::sink(), &line)?;
        self.subjects += 1;
        self.widest = self
            .widest
            .max(line.identifiers.values().map(Vec::len).sum());
        Ok(())
    }
}

fn best(runs: u64, mut f: impl FnMut() -> Duration) -> Duration {
    (0..runs).map(|_| f()).min().unwrap()
}

fn main() {
    let files = env("SPEED_FILES", 100_000);
    let mib = env("SPEED_MIB", 1024);
    let runs = env("SPEED_RUNS", 2);
    let tmp;
    let dir: PathBuf = if let Ok(d) = std::env::var("SPEED_DIR") {
        PathBuf::from(d)
    } else {
        tmp = tempfile::tempdir().unwrap();
        tmp.path().to_owned()
    };
    // SPEED_KIND=0..3: every file a customer export, a mailbox, an NDJSON dump or a log of
    // decoys (with SPEED_FILES=1, one large file: the memory of a file read in pieces).
    let only_kind = std::env::var("SPEED_KIND")
        .ok()
        .and_then(|k| k.parse().ok());
    let wanted = format!("{files} {} {only_kind:?}", mib * 1024 * 1024);
    if std::fs::read_to_string(dir.join(".complete"))
        .ok()
        .as_deref()
        != Some(wanted.as_str())
    {
        let t = Instant::now();
        generate(&dir, files, mib * 1024 * 1024, only_kind);
        println!(
            "generated {files} files in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let (n, bytes) = warm(&dir);
    let gib = bytes as f64 / (1024.0 * 1024.0 * 1024.0);
    println!("corpus: {n} files, {gib:.2} GiB, page-cached");

    let patterns = dir.with_extension("patterns");
    std::fs::write(&patterns, PATTERNS).unwrap();
    // The same set with ASCII word boundaries, as the scanner's rules have them: ripgrep's `\b`
    // is Unicode-aware, and on text with ä, ö, å its faster engines give way to a slower one.
    let ascii_patterns = dir.with_extension("ascii-patterns");
    std::fs::write(&ascii_patterns, PATTERNS.replace(r"\b", r"(?-u:\b)")).unwrap();
    let rg_run = |patterns: &Path, matches: &mut u64| {
        best(runs, || {
            let t = Instant::now();
            let out = std::process::Command::new("rg")
                .args(["--count-matches", "-j2", "--no-ignore", "--hidden", "-f"])
                .arg(patterns)
                .arg(&dir)
                .output()
                .expect("ripgrep (apt-get install ripgrep)");
            let d = t.elapsed();
            *matches = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| l.rsplit(':').next().and_then(|c| c.parse::<u64>().ok()))
                .sum();
            d
        })
    };
    // SPEED_RG=0: the scan alone (for a memory profile of it).
    let with_rg = env("SPEED_RG", 1) != 0;
    let mut rg_matches = 0u64;
    let mut rg_ascii_matches = 0u64;
    let (rg, rg_ascii) = if with_rg {
        (
            rg_run(&patterns, &mut rg_matches),
            rg_run(&ascii_patterns, &mut rg_ascii_matches),
        )
    } else {
        (Duration::from_secs(1), Duration::from_secs(1))
    };
    let mut report = None;
    let mut subject_lines = 0u64;
    let mut widest = 0usize;
    let ours = best(runs, || {
        let t = Instant::now();
        // As `breachdesk scan --json` runs: counts and subjects, no findings file; with
        // SPEED_SUBJECTS=1 also the recipient list (`--subjects FILE`).
        let options = breachdesk_scan::Options {
            collect_findings: false,
            collect_subjects: env("SPEED_SUBJECTS", 0) != 0,
            ..breachdesk_scan::Options::default()
        };
        let mut lines = LineCount::default();
        report = Some(
            breachdesk_scan::scan_into(&dir, &options, &breachdesk_scan::Silent, &mut lines)
                .unwrap(),
        );
        subject_lines = lines.subjects;
        widest = lines.widest;
        t.elapsed()
    });
    let report = report.unwrap();
    let occurrences: u64 = report.categories.values().map(|c| c.occurrences).sum();
    println!("| tool | time (best of {runs}) | throughput | result |");
    println!("|---|---|---|---|");
    if with_rg {
        println!(
            "| ripgrep {} (`rg --count-matches -j2 -f patterns`) | {:.2} s | {:.0} MiB/s | {rg_matches} matches |",
            String::from_utf8_lossy(
                &std::process::Command::new("rg")
                    .arg("--version")
                    .output()
                    .unwrap()
                    .stdout
            )
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("ripgrep "),
            rg.as_secs_f64(),
            bytes as f64 / (1024.0 * 1024.0) / rg.as_secs_f64()
        );
        println!(
            "| ripgrep, the same patterns with ASCII `(?-u:\\b)` | {:.2} s | {:.0} MiB/s | {rg_ascii_matches} matches |",
            rg_ascii.as_secs_f64(),
            bytes as f64 / (1024.0 * 1024.0) / rg_ascii.as_secs_f64()
        );
    }
    println!(
        "| breachdesk scan (extract, validate, link) | {:.2} s | {:.0} MiB/s | {occurrences} validated occurrences, {} subjects |",
        ours.as_secs_f64(),
        bytes as f64 / (1024.0 * 1024.0) / ours.as_secs_f64(),
        report.subjects
    );
    if subject_lines > 0 {
        println!(
            "subject lines written (as JSON, to nowhere): {subject_lines}; the most identifiers on one: {widest}"
        );
    }
    println!(
        "ratio scan / ripgrep time: {:.2} (against ASCII boundaries: {:.2}); peak memory of this process: {} MiB",
        ours.as_secs_f64() / rg.as_secs_f64(),
        ours.as_secs_f64() / rg_ascii.as_secs_f64(),
        peak_rss_kib() / 1024
    );
    let _ = std::fs::remove_file(patterns);
    let _ = std::fs::remove_file(ascii_patterns);
}
