//! Accuracy of the scanner on a labelled synthetic leak (not a test: a measurement).
//!
//! Generates, from a fixed seed, a leak of customer exports (CSV), support e-mails (mbox), JSON
//! dumps (NDJSON), web-server logs and staff notes naming people in running text, with Finnish, Swedish and English people and the
//! look-alike decoys (order numbers, invoice references, EAN codes, timestamps, dates, UUIDs,
//! version strings, identity codes with a wrong check character); records every planted value; runs
//! the scanner with `--reveal`; and prints precision and recall per category and the error of the
//! subject count.
//!
//! `cargo bench -p breachdesk-scan --bench accuracy` (`ACC_PEOPLE`, default 2000; `ACC_SEED`;
//! `ACC_KEEP=DIR` keeps a copy of the leak, `ACC_TRUTH=FILE` writes the planted values as
//! `file TAB category TAB value`, for `benches/presidio.py`).

#![allow(clippy::unwrap_used, clippy::cast_precision_loss, clippy::print_stdout)]

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

mod synth;
use synth::{Person, decoys, person};

/// What was planted: (file, category, comparable value).
type Truth = HashSet<(String, &'static str, String)>;

fn comparable(category: &str, value: &str) -> String {
    let v: String = value
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, ' ' | ',' | '-'))
        .collect();
    match category {
        "phone" => v.trim_start_matches('+').to_owned(),
        _ => v,
    }
}

fn plant(truth: &mut Truth, file: &str, category: &'static str, value: &str) {
    truth.insert((file.to_owned(), category, comparable(category, value)));
}

fn generate(dir: &Path, people: usize, seed: u64) -> (Truth, usize) {
    let mut rng = StdRng::seed_from_u64(seed);
    let people: Vec<Person> = (0..people).map(|i| person(i, &mut rng)).collect();
    let mut truth = Truth::new();
    let mut seen_people = HashSet::new();
    std::fs::create_dir_all(dir.join("exports")).unwrap();
    std::fs::create_dir_all(dir.join("mail")).unwrap();
    std::fs::create_dir_all(dir.join("dumps")).unwrap();
    std::fs::create_dir_all(dir.join("logs")).unwrap();
    // Customer exports: a third of the people each, with every column.
    for (n, chunk) in people.chunks(people.len().div_ceil(3)).enumerate() {
        let mut csv = String::from(
            "Nimi;Sähköposti;Puhelin;Henkilötunnus;IBAN;Lähiosoite;Postinumero;Postitoimipaikka\n",
        );
        let file = format!("exports/customers_{n}.csv");
        for p in chunk {
            let _ = writeln!(
                csv,
                "{};{};{};{};{};{};{};{}",
                p.name, p.email, p.phone_shown, p.hetu, p.iban, p.street, p.postcode, p.city
            );
            plant(&mut truth, &file, "person_name", &p.name);
            plant(&mut truth, &file, "email", &p.email);
            plant(&mut truth, &file, "phone", &p.phone_intl);
            plant(&mut truth, &file, "national_id", &p.hetu);
            plant(&mut truth, &file, "iban", &p.iban);
            plant(
                &mut truth,
                &file,
                "postal_address",
                &format!("{} {} {}", p.street, p.postcode, p.city),
            );
            seen_people.insert(p.id);
        }
        std::fs::write(dir.join(&file), csv).unwrap();
    }
    // Support mail: a quarter of the people write about their card.
    let mut mbox = String::new();
    for p in &people {
        if !rng.gen_bool(0.25) {
            continue;
        }
        let (greeting, body, closing) = match p.lang {
            "fi" => (
                "Hei",
                "korttini {card} veloitettiin kahdesti. Soittakaa {phone}.",
                "Ystävällisin terveisin",
            ),
            "sv" => (
                "Hej",
                "mitt kort {card} debiterades två gånger. Ring {phone}.",
                "Med vänlig hälsning",
            ),
            _ => (
                "Hello",
                "my card {card} was charged twice. Please call {phone}.",
                "Best regards,",
            ),
        };
        let body = body
            .replace("{card}", &p.card)
            .replace("{phone}", &p.phone_shown);
        let _ = write!(
            mbox,
            "From x Mon Nov 16 10:00:00 2026\nFrom: {} <{}>\nTo: asiakaspalvelu@shop.example\nSubject: Kortti\n\n{greeting}, {body}\n\n{closing}\n{}\n\n",
            p.name, p.email, p.name
        );
        let mbox_file = "mail/support.mbox";
        plant(&mut truth, mbox_file, "payment_card", &p.card);
        plant(&mut truth, mbox_file, "email", &p.email);
        plant(&mut truth, mbox_file, "phone", &p.phone_intl);
        // The name in the From header and in the signature: free text without a label.
        plant(&mut truth, mbox_file, "person_name", &p.name);
        let mut d = String::new();
        decoys(&mut rng, &mut d);
        mbox.push_str(&d);
        mbox.push('\n');
    }
    std::fs::write(dir.join("mail/support.mbox"), mbox).unwrap();
    // Staff notes: people named in running text, without a label, a header or a signature,
    // between paragraphs of capitalised words that are not names.
    std::fs::create_dir_all(dir.join("notes")).unwrap();
    let mut notes = String::new();
    let notes_file = "notes/calls.txt";
    for p in &people {
        if rng.gen_bool(0.9) {
            continue;
        }
        let line = match (p.lang, rng.gen_range(0..2)) {
            ("fi", 0) => format!(
                "Soitin asiakkaalle tänään. {} kertoi, että kortti on kadonnut.",
                p.name
            ),
            ("fi", _) => format!("Asiakas {} pyysi poistamaan tiedot rekisteristä.", p.name),
            ("sv", 0) => format!("Pratade med {} om fakturan i dag.", p.name),
            ("sv", _) => format!("Kunden {} bad oss radera uppgifterna.", p.name),
            (_, 0) => format!("Spoke to {} about the refund today.", p.name),
            _ => format!("Customer {} asked us to delete the account.", p.name),
        };
        let _ = writeln!(notes, "{line}\n");
        plant(&mut truth, notes_file, "person_name", &p.name);
        let decoy = synth::NAME_DECOYS[rng.gen_range(0..synth::NAME_DECOYS.len())];
        let _ = writeln!(notes, "{decoy}\n");
    }
    std::fs::write(dir.join(notes_file), notes).unwrap();
    // JSON dumps and web logs.
    let mut ndjson = String::new();
    let mut log = String::new();
    for p in &people {
        if !rng.gen_bool(0.3) {
            continue;
        }
        let first =
            [rng.gen_range(11..127), rng.gen_range(128..220)][usize::from(rng.gen_bool(0.5))];
        let ip = format!(
            "{}.{}.{}.{}",
            first,
            rng.gen_range(0..255),
            rng.gen_range(0..255),
            rng.gen_range(1..254)
        );
        let _ = writeln!(
            ndjson,
            r#"{{"user":{{"email":"{}","last_ip":"{ip}","plan":"basic"}}}}"#,
            p.email
        );
        let _ = writeln!(
            log,
            "{ip} - - [16/Nov/2026:10:00:00 +0200] \"GET /account?user={} HTTP/1.1\" 200 512",
            p.email
        );
        for file in ["dumps/users.ndjson", "logs/access.log"] {
            plant(&mut truth, file, "ip_address", &ip);
            plant(&mut truth, file, "email", &p.email);
        }
    }
    std::fs::write(dir.join("dumps/users.ndjson"), ndjson).unwrap();
    std::fs::write(dir.join("logs/access.log"), log).unwrap();
    // Noise: decoys only.
    let mut noise = String::new();
    for _ in 0..people.len() {
        decoys(&mut rng, &mut noise);
    }
    std::fs::write(dir.join("logs/build.log"), noise).unwrap();
    (truth, seen_people.len())
}

fn main() {
    let people: usize = std::env::var("ACC_PEOPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let seed: u64 = std::env::var("ACC_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2026);
    let dir = tempfile::tempdir().unwrap();
    let (truth, subjects) = generate(dir.path(), people, seed);
    if let Ok(keep) = std::env::var("ACC_KEEP") {
        let _ = std::process::Command::new("cp")
            .args(["-r"])
            .arg(dir.path())
            .arg(&keep)
            .status();
    }
    if let Ok(path) = std::env::var("ACC_TRUTH") {
        // The planted values, for scoring another tool on the same leak (benches/presidio.py).
        let mut lines: Vec<String> = truth
            .iter()
            .map(|(f, c, v)| format!("{f}\t{c}\t{v}"))
            .collect();
        lines.sort();
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    }
    let started = std::time::Instant::now();
    let report = breachdesk_scan::scan(
        dir.path(),
        &breachdesk_scan::Options {
            reveal: true,
            ..breachdesk_scan::Options::default()
        },
    )
    .unwrap();
    let elapsed = started.elapsed();
    let found: Truth = report
        .findings
        .iter()
        .map(|f| (f.file.clone(), f.category, comparable(f.category, &f.value)))
        .collect();
    let mut categories: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for (_, c, _) in truth.iter().chain(found.iter()) {
        categories.entry(c).or_default();
    }
    for (c, (tp, fp, fn_)) in &mut categories {
        *tp = found
            .iter()
            .filter(|x| x.1 == *c && truth.contains(*x))
            .count();
        *fp = found
            .iter()
            .filter(|x| x.1 == *c && !truth.contains(*x))
            .count();
        *fn_ = truth
            .iter()
            .filter(|x| x.1 == *c && !found.contains(*x))
            .count();
    }
    println!(
        "labelled leak: {people} people, seed {seed}; scanned {} files in {:.2} s",
        report.files.scanned,
        elapsed.as_secs_f64()
    );
    println!("(counted per file, category and distinct value)");
    println!("| category | planted | found | precision | recall |");
    println!("|---|---|---|---|---|");
    for (c, (tp, fp, fn_)) in &categories {
        let precision = if tp + fp == 0 {
            1.0
        } else {
            *tp as f64 / (tp + fp) as f64
        };
        let recall = if tp + fn_ == 0 {
            1.0
        } else {
            *tp as f64 / (tp + fn_) as f64
        };
        println!(
            "| {c} | {} | {} | {precision:.4} | {recall:.4} |",
            tp + fn_,
            tp + fp
        );
    }
    if std::env::var_os("ACC_SHOW").is_some() {
        for c in [
            "phone",
            "payment_card",
            "ip_address",
            "person_name",
            "postal_address",
        ] {
            let fps: Vec<_> = found
                .iter()
                .filter(|x| x.1 == c && !truth.contains(*x))
                .take(3)
                .collect();
            let fns: Vec<_> = truth
                .iter()
                .filter(|x| x.1 == c && !found.contains(*x))
                .take(3)
                .collect();
            println!("{c}: false positives {fps:?}; missed {fns:?}");
        }
    }
    let error = (report.subjects as f64 - subjects as f64) / subjects as f64 * 100.0;
    println!(
        "distinct data subjects: found {}, truth {subjects}, error {error:+.2} %",
        report.subjects
    );
}
