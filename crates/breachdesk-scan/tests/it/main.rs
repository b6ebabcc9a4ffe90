//! The scanner over a small leak on disk: categories, distinct values, linked subjects, files
//! skipped with a reason, masked output.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use breachdesk_scan::{Options, scan};

mod fuzz;
mod hostile;

fn write(root: &Path, name: &str, bytes: &[u8]) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn leak() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "export/customers.csv",
        "name;email;phone;hetu;iban\n\
         Maija Meikäläinen;maija.m@example.fi;040 123 4567;131052-308T;FI21 1234 5600 0007 85\n\
         Erik Svensson;erik.s@example.se;+46 70 123 45 67;;\n\
         Order 4711;info@shop.example;;;\n"
            .as_bytes(),
    );
    // The same person as the first row, found by her e-mail, in a support mail.
    write(
        root,
        "mail/support.txt",
        "Hei,\nsalasanani ei toimi. Maija\nmaija.m@example.fi\n\nTerveisin asiakaspalvelu\n"
            .as_bytes(),
    );
    // UTF-16 with a BOM, and Windows-1252 text.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "puhelin +358 50 765 4321\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    write(root, "notes/utf16.txt", &utf16);
    write(
        root,
        "notes/latin1.txt",
        b"P\xe4\xe4kaupunki: kalle.k@example.fi\n",
    );
    write(root, ".hidden/keys.txt", b"password=Tr0ub4dor&3\n");
    write(
        root,
        "photos/team.jpg",
        &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0, 0],
    );
    write(root, "bin/tool.exe", &[0x4D, 0x5A, 0, 0, 0, 1, 2, 3]);
    write(
        root,
        "decoys.txt",
        b"order 131052-308X, EAN 6417084100018, version 1.2.3.4-beta\n",
    );
    dir
}

#[test]
fn a_leak_is_counted_by_category_and_by_person() {
    let dir = leak();
    let report = scan(dir.path(), &Options::default()).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["files"]["scanned"], 7, "{json}");
    assert_eq!(json["files"]["skipped"], 1);
    assert_eq!(json["files"]["failed"], 0);
    let c = &json["categories"];
    assert_eq!(c["email"]["occurrences"], 4, "{c}");
    assert_eq!(c["email"]["distinct_values"], 3);
    assert_eq!(c["national_id"]["occurrences"], 1);
    assert_eq!(c["iban"]["occurrences"], 1);
    assert_eq!(c["phone"]["distinct_values"], 3);
    assert_eq!(c["credential"]["occurrences"], 1);
    assert_eq!(c["photo"]["occurrences"], 1);
    assert!(
        c.get("payment_card").is_none(),
        "decoys are not reported: {c}"
    );
    // Maija (CSV row + support mail), Erik, the UTF-16 phone, Kalle.
    assert_eq!(json["subjects"], 4);
    let maija = report
        .subject_lines
        .iter()
        .find(|s| {
            s.identifiers
                .get("email")
                .is_some_and(|e| e.contains(&"m***@example.fi".to_owned()))
        })
        .unwrap();
    assert_eq!(maija.files, ["export/customers.csv", "mail/support.txt"]);
    assert_eq!(maija.language_hint, Some("fi"));
    assert!(maija.categories.contains(&"national_id"));
    // Masked by default; the skipped file is listed with its reason.
    let findings = serde_json::to_string(&report.findings).unwrap();
    assert!(!findings.contains("131052-308T") && !findings.contains("maija.m@"));
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.file == "bin/tool.exe" && p.outcome == "skipped")
    );
    // Revealed on request.
    let revealed = scan(
        dir.path(),
        &Options {
            reveal: true,
            ..Options::default()
        },
    )
    .unwrap();
    assert!(revealed.findings.iter().any(|f| f.value == "131052-308T"));
}

#[test]
fn an_unreadable_root_is_the_only_error() {
    let dir = tempfile::tempdir().unwrap();
    let e = scan(&dir.path().join("nope"), &Options::default()).unwrap_err();
    assert!(matches!(e, breachdesk_scan::ScanError::Root { .. }), "{e}");
    let empty = scan(dir.path(), &Options::default()).unwrap();
    assert_eq!(empty.subjects, 0);
    assert_eq!(empty.files.scanned, 0);
}

fn listing(root: &Path) -> Vec<std::path::PathBuf> {
    let mut all: Vec<_> = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .build()
        .map(|e| e.unwrap().into_path())
        .collect();
    all.sort();
    all
}

#[test]
fn temporary_files_never_go_into_the_scanned_tree_nor_nowhere() {
    let dir = leak();
    let root = dir.path();
    let before = listing(root);
    // Findings and subjects wait in sealed temporary files: inside the tree is refused before
    // anything is read.
    let inside = scan(
        root,
        &Options {
            spill_dir: Some(root.join("export")),
            ..Options::default()
        },
    )
    .unwrap_err();
    assert!(matches!(inside, breachdesk_scan::ScanError::Spill { .. }));
    assert!(
        inside.to_string().contains("inside the scanned tree"),
        "{inside}"
    );
    // A directory that is not there is named in the error.
    let missing = scan(
        root,
        &Options {
            spill_dir: Some(root.parent().unwrap().join("no-such-spill-dir")),
            ..Options::default()
        },
    )
    .unwrap_err();
    assert!(
        missing.to_string().contains("no-such-spill-dir"),
        "{missing}"
    );
    // Counts alone need no temporary files.
    let counts = scan(
        root,
        &Options {
            spill_dir: Some(root.join("export")),
            collect_findings: false,
            collect_subjects: false,
            ..Options::default()
        },
    )
    .unwrap();
    assert!(counts.subjects > 0);
    assert_eq!(listing(root), before);
}

/// A sink that fails after a few lines, as a full disk would.
struct FullDisk(usize);

impl breachdesk_scan::Sink for FullDisk {
    fn finding(&mut self, _: breachdesk_scan::FindingLine) -> std::io::Result<()> {
        self.0 = self
            .0
            .checked_sub(1)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::StorageFull, "no space left"))?;
        Ok(())
    }

    fn subject(&mut self, line: breachdesk_scan::SubjectLine) -> std::io::Result<()> {
        self.finding(breachdesk_scan::FindingLine {
            file: String::new(),
            category: "",
            value: String::new(),
            subject: Some(line.subject),
        })
    }
}

#[test]
fn a_sink_that_cannot_write_stops_the_scan_with_its_error() {
    let dir = leak();
    let e = breachdesk_scan::scan_into(
        dir.path(),
        &Options::default(),
        &breachdesk_scan::Silent,
        &mut FullDisk(2),
    )
    .unwrap_err();
    assert!(matches!(e, breachdesk_scan::ScanError::Output(_)));
    assert!(e.to_string().contains("no space left"), "{e}");
}

#[test]
fn a_card_with_a_name_another_subject_has_is_not_linked_but_counted_as_possibly_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "customers.csv",
        "name,email,phone\n\
         Maija Virtanen,maija.v@example.fi,040 123 4567\n\
         Erik Svensson,erik.s@example.se,+46 70 123 45 67\n"
            .as_bytes(),
    );
    // A payment gateway's log: a card and its holder, nothing else. Maija's card is hers only
    // by her name; Kalle Nieminen's name is nobody else's; Erik's card line has his e-mail.
    write(
        root,
        "gateway.log",
        b"2026-11-02T10:00:01Z DEBUG gw request {\"pan\":\"4111111111111111\",\"holder\":\"MAIJA VIRTANEN\"}\n\
          2026-11-02T10:00:02Z DEBUG gw request {\"pan\":\"4111111111111111\",\"holder\":\"MAIJA VIRTANEN\"}\n\
          2026-11-02T10:00:03Z DEBUG gw request {\"pan\":\"5555555555554444\",\"holder\":\"KALLE NIEMINEN\"}\n\
          2026-11-02T10:00:04Z DEBUG gw request {\"pan\":\"4012888888881881\",\"holder\":\"ERIK SVENSSON\",\"email\":\"erik.s@example.se\"}\n",
    );
    let report = scan(root, &Options::default()).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json["categories"]["payment_card"]["distinct_values"], 3,
        "{json}"
    );
    // Maija, Erik (with his card), Maija's card, Kalle's card: a name alone links no one.
    assert_eq!(json["subjects"], 4, "{json}");
    // Of them, Maija's card may be Maija: between 3 and 4 people.
    assert_eq!(json["subjects_named_like_another"], 1, "{json}");

    // Two cards with the same name and nobody reachable of that name; a holder with one name.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "gateway.log",
        b"DEBUG gw {\"pan\":\"4111111111111111\",\"holder\":\"KALLE NIEMINEN\"}\n\
          DEBUG gw {\"pan\":\"5555555555554444\",\"holder\":\"KALLE NIEMINEN\"}\n\
          DEBUG gw {\"pan\":\"4012888888881881\",\"holder\":\"MAIJA\"}\n",
    );
    write(
        dir.path(),
        "people.csv",
        b"name,email\nMaija,maija@example.fi\n",
    );
    let json = serde_json::to_value(scan(dir.path(), &Options::default()).unwrap()).unwrap();
    assert_eq!(json["subjects"], 4, "{json}");
    assert_eq!(json["subjects_named_like_another"], 0, "{json}");
}

#[test]
fn a_card_and_its_holder_join_the_one_customer_of_that_name_whose_masked_card_ends_alike() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "customers.csv",
        "name,email,customer_no\nPekko Huovila,pekko@example.fi,3675913\n".as_bytes(),
    );
    // The shop's log shows his card masked beside his customer number, the gateway's log the
    // whole card with his name.
    write(
        root,
        "app.log",
        b"INFO payment.captured amount=12.00 card=****1881 customer_no=3675913\n\
          INFO payment.captured amount=9.50 card=****0005 customer_no=7654321\n",
    );
    write(
        root,
        "gateway.log",
        b"DEBUG gw request {\"pan\":\"4012888888881881\",\"holder\":\"PEKKO HUOVILA\"}\n",
    );
    let options = Options {
        customer_number: Some(
            breachdesk_scan::CustomerNumbers::new(Some("(?-u:\\b)[0-9]{7}(?-u:\\b)"), &[]).unwrap(),
        ),
        reveal: true,
        ..Options::default()
    };
    let report = scan(root, &options).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    // Pekko, and whoever has customer number 7654321: the gateway's card is Pekko's.
    assert_eq!(json["subjects"], 2, "{json}");
    assert_eq!(json["subjects_named_like_another"], 0, "{json}");
    assert_eq!(json["subjects_joined_by_name_and_card_ending"], 1, "{json}");
    // A masked card is no finding: one card, seen once, and no finding or subject shows a mask.
    assert_eq!(
        json["categories"]["payment_card"]["occurrences"], 1,
        "{json}"
    );
    assert_eq!(
        json["categories"]["payment_card"]["distinct_values"], 1,
        "{json}"
    );
    let cards: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.category == "payment_card")
        .map(|f| (f.file.as_str(), f.value.as_str()))
        .collect();
    assert_eq!(cards, [("gateway.log", "4012888888881881")]);
    assert_eq!(report.subject_lines.len(), 2);
    assert!(
        report
            .subject_lines
            .iter()
            .flat_map(|s| s.identifiers.values().flatten())
            .all(|v| v != "1881" && v != "0005"),
        "{:?}",
        report.subject_lines
    );

    // A second Pekko Huovila whose masked card ends alike: the card could be either's.
    write(
        root,
        "more.csv",
        "name,email,customer_no\nPekko Huovila,pekko.h@example.com,1234567\n".as_bytes(),
    );
    write(
        root,
        "app2.log",
        b"INFO payment.captured amount=1.00 card=4012 **** **** 1881 customer_no=1234567\n",
    );
    let json = serde_json::to_value(scan(root, &options).unwrap()).unwrap();
    assert_eq!(json["subjects"], 4, "{json}");
    assert_eq!(json["subjects_named_like_another"], 1, "{json}");
    assert_eq!(json["subjects_joined_by_name_and_card_ending"], 0, "{json}");
    // Only one Pekko, but his masked card ends otherwise: nothing to join by.
    std::fs::remove_file(root.join("more.csv")).unwrap();
    std::fs::remove_file(root.join("app2.log")).unwrap();
    write(
        root,
        "app.log",
        b"INFO payment.captured amount=12.00 card=XXXX-XXXX-XXXX-4444 customer_no=3675913\n",
    );
    let json = serde_json::to_value(scan(root, &options).unwrap()).unwrap();
    assert_eq!(json["subjects"], 2, "{json}");
    assert_eq!(json["subjects_named_like_another"], 1, "{json}");
    // A whole card of his with the same ending is another card: it offers nothing.
    write(
        root,
        "customers.csv",
        "name,email,card\nPekko Huovila,pekko@example.fi,4111 1111 1111 1881\n".as_bytes(),
    );
    std::fs::remove_file(root.join("app.log")).unwrap();
    let json = serde_json::to_value(scan(root, &options).unwrap()).unwrap();
    assert_eq!(json["subjects"], 2, "{json}");
    assert_eq!(json["subjects_joined_by_name_and_card_ending"], 0, "{json}");
}

/// A Finnish customer whose number the leak writes with its country.
const PEKKO: &str = "name,phone,email\nPekko Huovila,+358 44 856 5548,pekko@example.fi\n";

#[test]
fn finnish_and_swedish_numbers_of_the_same_digits_link_only_with_the_same_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "customers.csv", PEKKO.as_bytes());
    // A Swedish note about him: the national number read as Kristianstad's.
    write(
        root,
        "notes.txt",
        "Pratade med Pekko Huovila idag, tel 044-856 55 48, han är nöjd och tackar.\n".as_bytes(),
    );
    let json = serde_json::to_value(scan(root, &Options::default()).unwrap()).unwrap();
    assert_eq!(json["subjects"], 1, "{json}");
    // The same digits with no name, or with another name, stay another person.
    write(root, "sms.log", b"SMS sent to +46 44 856 55 48\n");
    write(
        root,
        "kunder.csv",
        "namn,telefon\nIngrid Blom,+46 44 856 55 48\n".as_bytes(),
    );
    let json = serde_json::to_value(scan(root, &Options::default()).unwrap()).unwrap();
    assert_eq!(json["subjects"], 2, "{json}");
    assert_eq!(json["categories"]["phone"]["distinct_values"], 2, "{json}");
}

#[test]
fn a_national_number_whose_country_was_guessed_is_read_as_the_leak_writes_it_elsewhere() {
    let options = Options {
        reveal: true,
        ..Options::default()
    };
    let phones_of = |report: &breachdesk_scan::Report, file: &str| -> Vec<String> {
        report
            .findings
            .iter()
            .filter(|f| f.file == file && f.category == "phone")
            .map(|f| f.value.clone())
            .collect()
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "customers.csv", PEKKO.as_bytes());
    // A Swedish note about him writes his number nationally: read as Kristianstad's `+46 44 …`
    // by its words.
    write(
        root,
        "notes.txt",
        "Pratade med Pekko Huovila idag, tel 044-856 55 48, han är nöjd och tackar.\n".as_bytes(),
    );
    let report = scan(root, &options).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    // The leak holds the number with its country and never as Swedish, with the same name: one
    // person, one number, shown as Finnish in the note too.
    assert_eq!(json["subjects"], 1, "{json}");
    assert_eq!(json["categories"]["phone"]["distinct_values"], 1, "{json}");
    assert_eq!(phones_of(&report, "notes.txt"), ["+358448565548"]);
    // The name and the number's national digits had joined the two already: the reading
    // joined no subject.
    assert_eq!(json["subjects_joined_by_a_number_read_again"], 0, "{json}");

    // Once the leak also holds the Swedish reading with its country (a nameless line), the
    // guess stands: the note's number is counted and shown as read.
    write(root, "sms.log", b"SMS sent to +46 44 856 55 48\n");
    let report = scan(root, &options).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["categories"]["phone"]["distinct_values"], 2, "{json}");
    assert_eq!(phones_of(&report, "notes.txt"), ["+46448565548"]);

    // A nameless line with the same digits, read as Swedish by its words, is not Pekko's: a
    // Malmö or Kristianstad number written nationally may have them.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "customers.csv", PEKKO.as_bytes());
    write(
        root,
        "sms.log",
        "2024-10-03 sms skickat till 044-856 55 48 med kod 4471 och tack\n".as_bytes(),
    );
    let report = scan(root, &options).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["subjects"], 2, "{json}");
    assert_eq!(json["categories"]["phone"]["distinct_values"], 2, "{json}");
    assert_eq!(phones_of(&report, "sms.log"), ["+46448565548"]);

    // A nameless log line of keys and numbers says nothing of its country: the rest of the log
    // (Swedish customers' lines) chose Sweden, a vote over other people. Read as the number the
    // leak holds with its country and a name, it is Pekko's.
    let log = "2024-10-03T10:00:01 INFO sms.sent to=044-856 55 48 code=4471\n\
                       2024-10-03T10:00:02 INFO note kund tack och hej, Storgatan 5\n\
                       2024-10-03T10:00:03 INFO note kund tack och hej, Sveavägen 9\n";
    let pekko = PEKKO.to_owned();
    let ingrid =
        "namn,e-post,adress\nIngrid Blom,ingrid@mail.example,Storgatan 5 291 31 Kristianstad\n";
    // (what, the leak's files, subjects, the log line's number as shown, subjects joined by it)
    let cases: [(&str, Files, u64, &str, u64); 6] = [
        (
            "Pekko's number with its country in his row",
            vec![
                ("customers.csv", pekko.clone()),
                ("app.log", log.to_owned()),
            ],
            1,
            "+358448565548",
            1,
        ),
        (
            // Nothing says whose the digits are.
            "the number with its country in a nameless row",
            vec![
                (
                    "customers.csv",
                    "phone,email\n+358 44 856 5548,pekko@example.fi\n".to_owned(),
                ),
                ("app.log", log.to_owned()),
            ],
            2,
            "+46448565548",
            0,
        ),
        (
            // Whose would it be?
            "two named people with the number with its country",
            vec![
                (
                    "customers.csv",
                    "name,phone\nPekko Huovila,+358 44 856 5548\nAnna Lind,+358 44 856 5548\n"
                        .to_owned(),
                ),
                ("app.log", log.to_owned()),
            ],
            3,
            "+46448565548",
            0,
        ),
        (
            // The line's person is named elsewhere, by another identifier on the line: a
            // Swedish customer's number.
            "the line's e-mail is Ingrid's",
            vec![
                ("customers.csv", pekko.clone()),
                ("kunder.csv", ingrid.to_owned()),
                (
                    "app.log",
                    log.replace("code=4471", "user=ingrid@mail.example code=4471"),
                ),
            ],
            2,
            "+46448565548",
            0,
        ),
        (
            // The line's numbers would be two people's: it is neither's, whatever the order the
            // readings are looked at in.
            "the line's two numbers are Pekko's and Matti's with their country",
            vec![
                (
                    "customers.csv",
                    "name,phone\nPekko Huovila,+358 44 856 5548\nMatti Nieminen,+358 40 123 4567\n"
                        .to_owned(),
                ),
                (
                    "app.log",
                    log.replace("code=4471", "cc=040-123 45 67 code=4471"),
                ),
            ],
            3,
            "+46448565548",
            0,
        ),
        (
            "the leak also holds this reading with its country",
            vec![
                ("customers.csv", pekko),
                ("app.log", log.to_owned()),
                ("sms.log", "SMS sent to +46 44 856 55 48\n".to_owned()),
            ],
            2,
            "+46448565548",
            0,
        ),
    ];
    for (what, files, subjects, shown, joined) in cases {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in &files {
            write(dir.path(), name, text.as_bytes());
        }
        // Several runs: the readings are decided in a fixed order, not a hash map's.
        for _ in 0..3 {
            let report = scan(dir.path(), &options).unwrap();
            let json = serde_json::to_value(&report).unwrap();
            assert_eq!(json["subjects"], subjects, "{what}: {json}");
            assert_eq!(
                json["subjects_joined_by_a_number_read_again"], joined,
                "{what}: {json}"
            );
            let log_phones = phones_of(&report, "app.log");
            assert!(
                log_phones.iter().any(|p| p == shown),
                "{what}: {log_phones:?}"
            );
        }
    }
}

#[test]
fn a_quoted_message_signed_with_a_first_name_links_by_that_name_and_the_address() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A customer writes her new address and signs with her first name; the reply quotes the
    // message, so the quote holds the first name and the address but not her e-mail.
    let mbox = "From frideo31@brev.example Sun Nov 10 00:05:31 2024\n\
                From: Fride =?utf-8?q?=C3=96sterlind?= <frideo31@brev.example>\n\
                To: info@lumo.example\n\
                Subject: Ny adress\n\
                Content-Type: text/plain; charset=\"utf-8\"\n\
                \n\
                Goddag,\n\
                \n\
                Min nya adress är Stora Nygatan 33 SE-111 22 Stockholm.\n\
                Hälsningar från Maija Virtanen som bor där också.\n\
                \n\
                Mvh\n\
                Fride\n\
                \n\
                From info@lumo.example Mon Nov 11 03:05:31 2024\n\
                From: \"Kauppahuone Lumo\" <info@lumo.example>\n\
                To: kundtjanst@lumo.example\n\
                Subject: Re: Ny adress\n\
                Content-Type: text/plain; charset=\"utf-8\"\n\
                \n\
                Vi har tagit emot meddelandet nedan.\n\
                \n\
                > Min nya adress är Stora Nygatan 33 SE-111 22 Stockholm.\n\
                >\n\
                > Mvh\n\
                > Fride\n";
    write(root, "mail/support.mbox", mbox.as_bytes());
    // Another person at that address, named in her message: someone else.
    write(
        root,
        "members.csv",
        "name,address\nMaija Virtanen,Stora Nygatan 33 SE-111 22 Stockholm\n".as_bytes(),
    );
    let options = Options {
        reveal: true,
        ..Options::default()
    };
    let report = scan(root, &options).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    let subject_of =
        |file: &str, category: &str, value: &str| subjects_of(&report, file, category, value);
    let fride = subject_of("mail/support.mbox", "email", "frideo31@brev.example");
    assert_eq!(fride.len(), 1, "{json}");
    // Her message and the reply's quote: one person.
    assert_eq!(
        subject_of("mail/support.mbox", "person_name", "fride"),
        [fride[0], fride[0]],
        "{json}"
    );
    assert_eq!(
        json["subjects_joined_by_first_name_and_address"], 1,
        "{json}"
    );
    // Maija, whom Fride's record names beside the address, is not Fride.
    let maija = subject_of("members.csv", "person_name", "maija virtanen");
    assert_eq!(maija.len(), 1, "{json}");
    assert_ne!(maija, fride, "{json}");
    assert_eq!(json["subjects"], 2, "{json}");
}

/// A leak's files: name and text.
type Files = Vec<(&'static str, String)>;

/// The subjects of the findings of `value` in `file`, one a finding.
fn subjects_of(
    report: &breachdesk_scan::Report,
    file: &str,
    category: &str,
    value: &str,
) -> Vec<Option<u64>> {
    report
        .findings
        .iter()
        .filter(|f| f.file == file && f.category == category && f.value == value)
        .map(|f| f.subject)
        .collect()
}

#[test]
fn a_first_name_with_an_address_joins_no_one_when_it_could_be_two() {
    let options = Options {
        reveal: true,
        ..Options::default()
    };
    let subjects = |root: &Path, file: &str, category: &str, value: &str| {
        subjects_of(&scan(root, &options).unwrap(), file, category, value)
    };
    // Two Annas of one office sign with the first name; a quote signed `Anna` with the
    // office's address could be either.
    let message = |who: &str, address: &str| {
        format!(
            "From {address} Mon Nov 11 03:05:31 2024\nFrom: {who} <{address}>\n\
             To: info@lumo.example\nSubject: Adress\n\n\
             Vi har flyttat till Stora Nygatan 33 SE-111 22 Stockholm.\n\nMvh\nAnna\n\n"
        )
    };
    let quote = "From info@lumo.example Tue Nov 12 03:05:31 2024\n\
                 From: info@lumo.example\nTo: kundtjanst@lumo.example\nSubject: Re: Adress\n\n\
                 Se nedan.\n\n\
                 > Vi har flyttat till Stora Nygatan 33 SE-111 22 Stockholm.\n>\n> Mvh\n> Anna\n";
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mbox = message("Anna Lind", "anna.lind@acme.example")
        + &message("Anna Berg", "anna.berg@acme.example")
        + quote;
    write(root, "support.mbox", mbox.as_bytes());
    let lind = subjects(root, "support.mbox", "email", "anna.lind@acme.example");
    let berg = subjects(root, "support.mbox", "email", "anna.berg@acme.example");
    assert_eq!(lind.len(), 1);
    assert_eq!(berg.len(), 1);
    assert_ne!(lind, berg);
    let quoted = subjects(root, "support.mbox", "person_name", "anna");
    assert_eq!(quoted.len(), 3, "{quoted:?}");
    // Each signature is its own message's; the quote is neither's.
    assert_eq!(quoted[..2], [lind[0], berg[0]]);
    assert_ne!(quoted[2], lind[0]);
    assert_ne!(quoted[2], berg[0]);

    // Two of one household share a surname: a note of hers that names him beside the address
    // does not make them one.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "note.txt",
        "Maija Virtanen (maija.virtanen@example.fi) soitti. Uusi osoite on Mannerheimintie 12 \
         00100 Helsinki, jossa myös Matti Virtanen asuu.\n"
            .as_bytes(),
    );
    write(
        root,
        "members.csv",
        "name,address,email\nMatti Virtanen,Mannerheimintie 12 00100 Helsinki,matti@example.fi\n"
            .as_bytes(),
    );
    let maija = subjects(root, "note.txt", "email", "maija.virtanen@example.fi");
    let matti = subjects(root, "members.csv", "email", "matti@example.fi");
    assert_eq!(maija.len(), 1);
    assert_ne!(maija, matti);

    // The review's cases: each leak holds two people, whom a record of a first name and an
    // address must not join (the number of subjects as before the rule).
    let mail = |from: &str, body: &str| {
        format!(
            "From {from} Tue Nov 12 03:05:31 2024\nFrom: {from}\nTo: kundtjanst@lumo.example\n\
             Subject: Adress\n\n{body}\n\nMvh\nAnna\n\n"
        )
    };
    let mail_from = |from: &str, body: &str| {
        format!(
            "From x@example Tue Nov 12 03:05:31 2024\nFrom: {from}\nTo: kundtjanst@lumo.example\n\
             Subject: Adress\n\n{body}\n\n"
        )
    };
    let staff_mail = mail_from(
        "Anna Lind <anna.lind@brev.example>",
        "Min nya adress är Storgatan 5 111 22 Stockholm.\n\nMvh\nAnna Lind",
    ) + &mail_from(
        "Anna <anna@lumo.example>",
        "Tack, vi har ändrat din adress till Storgatan 5 111 22 Stockholm.\n\nMvh\nAnna",
    ) + &mail_from(
        "Bertil Ek <bertil.ek@post.example>",
        "Hej, jag bor nu på Kungsgatan 1 111 43 Stockholm.\n\nBertil",
    ) + &mail_from(
        "Anna <anna@lumo.example>",
        "Tack Bertil, din adress är nu Kungsgatan 1 111 43 Stockholm.\n\nMvh\nAnna",
    );
    let cases: [(&str, Files, u64); 9] = [
        (
            // Two Anna Linds, one written with the postcode only, the other with the town only:
            // their records share no key, and the record of `Anna` could be either's.
            "Anna Lind of Storgatan 5, 111 22 and Anna Lind of Storgatan 5, Uppsala",
            vec![
                (
                    "a.csv",
                    "name,address,email\nAnna Lind,\"Storgatan 5, 111 22\",a@lind.example\n".to_owned(),
                ),
                (
                    "b.csv",
                    "name,address,email\nAnna Lind,\"Storgatan 5, Uppsala\",b@uppsala.example\n"
                        .to_owned(),
                ),
                (
                    "c.csv",
                    "name,address\nAnna,\"Storgatan 5, 111 22\"\n".to_owned(),
                ),
            ],
            3,
        ),
        (
            "the same, the other way round",
            vec![
                (
                    "a.csv",
                    "name,address,email\nAnna Lind,\"Storgatan 5, Uppsala\",b@uppsala.example\n"
                        .to_owned(),
                ),
                (
                    "b.csv",
                    "name,address,email\nAnna Lind,\"Storgatan 5, 111 22\",a@lind.example\n".to_owned(),
                ),
                (
                    "c.csv",
                    "name,address\nAnna,\"Storgatan 5, 111 22\"\n".to_owned(),
                ),
            ],
            3,
        ),
        (
            // Two people of one name at one street and number of two towns: which one's?
            "two Anna Linds at Storgatan 5, of Stockholm and of Uppsala",
            vec![
                (
                    "a.csv",
                    "name,address,email\nAnna Lind,\"Storgatan 5, 111 22 Stockholm\",anna@lind.example\n"
                        .to_owned(),
                ),
                (
                    "b.csv",
                    "name,address,email\nAnna Lind,\"Storgatan 5, 753 20 Uppsala\",lind@uppsala.example\n"
                        .to_owned(),
                ),
                (
                    "c.csv",
                    "name,address\nAnna,\"Storgatan 5, 111 22 Stockholm\"\n".to_owned(),
                ),
            ],
            3,
        ),
        (
            // A staff member who signs with her first name writes to customers at their
            // addresses: she is not the customer of that first name.
            "a staff member's replies signed Anna, one to Anna Lind",
            vec![("support.mbox", staff_mail)],
            3,
        ),
        (
            // A register that writes the surname first, and a surname alone: never a first name.
            "a surname alone where a register writes VIRTANEN MAIJA",
            vec![
                (
                    "a_members.csv",
                    "name,address,email\nVIRTANEN MAIJA,\"Mannerheimintie 12, 00100 Helsinki\",maija@example.fi\n"
                        .to_owned(),
                ),
                (
                    "b_household.csv",
                    "name,address,email\nVirtanen,\"Mannerheimintie 12, 00100 Helsinki\",matti.v@example.fi\n"
                        .to_owned(),
                ),
            ],
            2,
        ),
        (
            "a surname written with a comma and no first name",
            vec![
                (
                    "a.csv",
                    "name;address;email\nAnna Lind,;\"Storgatan 5, 111 22 Stockholm\";anna@lind.example\n"
                        .to_owned(),
                ),
                (
                    "b.csv",
                    "name;address;email\nBerg,;\"Storgatan 5, 111 22 Stockholm\";berg@family.example\n"
                        .to_owned(),
                ),
            ],
            2,
        ),
        (
            // Her subject has a full name already, and it is not the one at that address.
            "a message from Anna Berg's address, signed Anna, with Anna Lind's address",
            vec![
                (
                    "crm.csv",
                    "name,email,address\nAnna Berg,anna.berg@acme.example,Kungsgatan 1 111 43 Stockholm\n"
                        .to_owned(),
                ),
                (
                    "members.csv",
                    "name,address\nAnna Lind,Stora Nygatan 33 111 22 Stockholm\n".to_owned(),
                ),
                (
                    "support.mbox",
                    mail(
                        "anna.berg@acme.example",
                        "Hej, jag har flyttat till Stora Nygatan 33 111 22 Stockholm.",
                    ),
                ),
            ],
            2,
        ),
        (
            // One mailbox signed Anna with two addresses, each another Anna's.
            "two messages of one mailbox, each with another Anna's address",
            vec![
                (
                    "members.csv",
                    "name,address\nAnna Lind,Stora Nygatan 33 111 22 Stockholm\n\
                     Anna Berg,Kungsgatan 1 111 43 Stockholm\n"
                        .to_owned(),
                ),
                (
                    "support.mbox",
                    mail("anna@acme.example", "Min adress är Stora Nygatan 33 111 22 Stockholm.")
                        + &mail("anna@acme.example", "Nu bor jag på Kungsgatan 1 111 43 Stockholm."),
                ),
            ],
            3,
        ),
        (
            // Two Annas at one street and number, one written without its postcode.
            "a quote signed Anna where two Annas live, one address without its postcode",
            vec![
                (
                    "members.csv",
                    "name,address,email\nAnna Lind,\"Stora Nygatan 33, 111 22 Stockholm\",anna.lind@acme.example\n"
                        .to_owned(),
                ),
                (
                    "staff.csv",
                    "name,address,email\nAnna Berg,\"Stora Nygatan 33, Stockholm\",anna.berg@acme.example\n"
                        .to_owned(),
                ),
                (
                    "support.mbox",
                    mail(
                        "info@lumo.example",
                        "Se nedan.\n\n> Vi har flyttat till Stora Nygatan 33, 111 22 Stockholm.\n>\n> Mvh\n> Anna",
                    ),
                ),
            ],
            3,
        ),
    ];
    for (what, files, people) in cases {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in &files {
            write(dir.path(), name, text.as_bytes());
        }
        let report = scan(dir.path(), &options).unwrap();
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["subjects"], people, "{what}: {json}");
        assert_eq!(
            json["subjects_joined_by_first_name_and_address"], 0,
            "{what}"
        );
    }
    // A first name that is also a surname somewhere (`Erik`, `Hanna`) is still a first name.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.csv",
        "name,address,email\nErik Lind,\"Storgatan 5, 111 22 Stockholm\",erik@lind.example\n"
            .as_bytes(),
    );
    write(
        dir.path(),
        "b.csv",
        "name,address\nErik,\"Storgatan 5, 111 22 Stockholm\"\n".as_bytes(),
    );
    let json = serde_json::to_value(scan(dir.path(), &options).unwrap()).unwrap();
    assert_eq!(json["subjects"], 1, "{json}");
    // One Anna Lind whose records give the address with and without its postcode or town, and
    // a record of `Anna` there: the join does not depend on which of her records comes first.
    let rows = [
        "Anna Lind,\"Storgatan 5, 111 22 Stockholm\",anna.lind@acme.example",
        "Anna Lind,\"Storgatan 5, 111 22\",anna.l@post.example",
        "Anna Lind,\"Storgatan 5, Stockholm\",lind.anna@mejl.example",
    ];
    for order in [[0, 1, 2], [1, 2, 0], [2, 1, 0]] {
        let dir = tempfile::tempdir().unwrap();
        for (i, row) in order.into_iter().enumerate() {
            write(
                dir.path(),
                &format!("{i}.csv"),
                format!("name,address,email\n{}\n", rows[row]).as_bytes(),
            );
        }
        write(
            dir.path(),
            "one.csv",
            "name,address\nAnna,\"Storgatan 5, 111 22 Stockholm\"\n".as_bytes(),
        );
        let report = scan(dir.path(), &options).unwrap();
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["subjects"], 1, "{order:?}: {json}");
        assert_eq!(
            json["subjects_joined_by_first_name_and_address"], 1,
            "{order:?}"
        );
    }
}

#[test]
fn escaped_line_breaks_in_a_log_separate_labels_and_values() {
    let options = Options {
        reveal: true,
        ..Options::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A log that writes a form's text with its line breaks escaped, as JSON strings have them.
    write(
        root,
        "form.log",
        r"2026-03-01 12:00:01 form received: Date: 2026-03-01\nName: Malvin Frøyland\nPhone: +47 93 81 88 21\n\nE-mail:\nMalvin.Froyland@example.no\n".as_bytes(),
    );
    let report = scan(root, &options).unwrap();
    let of = |file: &str, category: &str| -> Vec<String> {
        let mut v: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.file == file && f.category == category)
            .map(|f| f.value.clone())
            .collect();
        v.sort();
        v
    };
    assert_eq!(of("form.log", "person_name"), ["malvin frøyland"]);
    assert_eq!(of("form.log", "email"), ["malvin.froyland@example.no"]);
    assert_eq!(of("form.log", "phone"), ["+4793818821"]);
    // The line is still one record: name, number and address are one person.
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["subjects"], 1, "{json}");
}

#[test]
fn a_name_with_an_address_links_records_that_share_no_other_identifier() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "members.csv",
        "Etunimi,Sukunimi,Lähiosoite,Postinumero,Postitoimipaikka\n\
         Maija,Meikäläinen,Mannerheimintie 1 A 2,00100,Helsinki\n\
         Matti,Meikäläinen,Hämeenkatu 10,33100,Tampere\n"
            .as_bytes(),
    );
    write(
        root,
        "letters/maija.csv",
        "nimi;osoite;postinumero;kaupunki\nMaija Meikäläinen;Mannerheimintie 1 A 2;00100;Helsinki\n"
            .as_bytes(),
    );
    // The same name elsewhere, without the address, is nobody in particular.
    write(root, "notes.txt", b"Nimi: Maija Meikalainen\n");
    let report = scan(root, &Options::default()).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["subjects"], 2, "{json}");
    // Both rest on a name with an address alone; the report says so.
    assert_eq!(json["subjects_by_name_and_address"], 2, "{json}");
    assert_eq!(
        json["categories"]["person_name"]["occurrences"], 4,
        "{json}"
    );
    assert_eq!(
        json["categories"]["postal_address"]["distinct_values"], 2,
        "{json}"
    );
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in files {
            z.start_file(*name, opts).unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[test]
fn archives_are_read_recursively_within_limits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let inner = zip_of(&[("deep/list.csv", b"email\nanna@example.fi\n")]);
    let outer = zip_of(&[
        (
            "export/customers.csv",
            b"email;phone\nmaija.m@example.fi;040 123 4567\n",
        ),
        ("nested.zip", &inner),
        ("bomb.txt", &vec![b'a'; 3 * 1024 * 1024]),
    ]);
    write(root, "leak.zip", &outer);
    write(
        root,
        "dump.sql.gz",
        &gzip(b"INSERT INTO users VALUES ('erik.s@example.se');\n"),
    );
    let mut tar = tar::Builder::new(Vec::new());
    let data = b"hetu 131052-308T\n";
    let mut header = tar::Header::new_gnu();
    header.set_size(data.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    tar.append_data(&mut header, "people/hetu.txt", &data[..])
        .unwrap();
    write(root, "backup.tar.gz", &gzip(&tar.into_inner().unwrap()));
    write(root, "broken.zip", b"PK\x03\x04 not really a zip");

    let report = scan(
        root,
        &Options {
            max_file_bytes: 1024 * 1024,
            ..Options::default()
        },
    )
    .unwrap();
    let files: Vec<&str> = report.findings.iter().map(|f| f.file.as_str()).collect();
    assert!(
        files.contains(&"leak.zip!export/customers.csv"),
        "{files:?}"
    );
    assert!(
        files.contains(&"leak.zip!nested.zip!deep/list.csv"),
        "{files:?}"
    );
    assert!(files.contains(&"dump.sql.gz"), "{files:?}");
    assert!(
        files.contains(&"backup.tar.gz!people/hetu.txt"),
        "{files:?}"
    );
    // The member that expands beyond the limit and the corrupt archive are listed, not fatal.
    let problems: Vec<(&str, &str)> = report
        .problems
        .iter()
        .map(|p| (p.file.as_str(), p.outcome))
        .collect();
    assert!(
        problems.contains(&("leak.zip!bomb.txt", "failed")),
        "{problems:?}"
    );
    assert!(problems.contains(&("broken.zip", "failed")), "{problems:?}");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["categories"]["email"]["distinct_values"], 3, "{json}");
    assert_eq!(json["categories"]["national_id"]["occurrences"], 1);
    assert_eq!(json["files"]["failed"], 2);
}

#[test]
fn mail_messages_link_their_author_and_scan_their_attachments() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "inbox.mbox",
        b"From x Mon Jan 1 00:00:00 2026\n\
From: Paivi <paivi.p@example.fi>\n\
To: tuki@shop.example, erik.s@example.se\n\
Subject: tilaus\n\
Content-Type: multipart/mixed; boundary=XX\n\
\n\
--XX\n\
Content-Type: text/plain\n\
\n\
Puhelimeni on 040 765 4321.\n\
--XX\n\
Content-Type: text/csv\n\
Content-Disposition: attachment; filename=orders.csv\n\
\n\
email;hetu\n\
anna@example.fi;131052-308T\n\
--XX--\n\
\n\
From y Mon Jan 1 00:00:00 2026\n\
From: paivi.p@example.fi\n\
Subject: again\n\
\n\
Uusi numero 050 111 2222\n",
    );
    let report = scan(root, &Options::default()).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    // Päivi (both messages, both phones), Erik (recipient), Anna (the attachment's row).
    assert_eq!(json["subjects"], 3, "{json}");
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.file == "inbox.mbox!orders.csv" && f.category == "national_id")
    );
    let paivi = report
        .subject_lines
        .iter()
        .find(|s| s.identifiers.get("phone").is_some_and(|p| p.len() == 2))
        .unwrap();
    assert_eq!(paivi.identifiers["email"], ["p***@example.fi"]);
}

fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    use std::fmt::Write;
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        let _ = write!(sheet, r#"<row r="{}">"#, r + 1);
        for (c, cell) in row.iter().enumerate() {
            let col = char::from(b'A' + u8::try_from(c).unwrap());
            let _ = write!(
                sheet,
                r#"<c r="{col}{}" t="inlineStr"><is><t>{cell}</t></is></c>"#,
                r + 1
            );
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    zip_of(&[
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Asiakkaat" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ])
}

#[test]
fn office_documents_are_read_as_tables_and_text() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "customers.xlsx",
        &xlsx(&[
            &["Nimi", "Sähköposti", "Osoite", "Postinumero"],
            &[
                "Maija Meikäläinen",
                "maija.m@example.fi",
                "Mannerheimintie 1",
                "00100",
            ],
            &["Erik Svensson", "erik.s@example.se", "Storgatan 5", "11122"],
        ]),
    );
    let docx = zip_of(&[(
        "word/document.xml",
        b"<w:document><w:body><w:p><w:r><w:t>Hakija: Anna Virtanen</w:t></w:r></w:p><w:p><w:r><w:t>Henkil&#246;tunnus 131052-308T, anna@example.fi</w:t></w:r></w:p></w:body></w:document>",
    )]);
    write(root, "application.docx", &docx);
    write(root, "broken.xlsx", b"PK\x03\x04 nope");
    let report = scan(root, &Options::default()).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    let c = &json["categories"];
    // Two by the spreadsheet's name column, one in the document by the gazetteers ("Hakija"
    // is no label the scanner knows).
    assert_eq!(c["person_name"]["occurrences"], 3, "{json}");
    assert_eq!(c["postal_address"]["occurrences"], 2, "{json}");
    assert_eq!(c["email"]["occurrences"], 3, "{json}");
    assert_eq!(c["national_id"]["occurrences"], 1, "{json}");
    assert_eq!(json["subjects"], 3);
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.file == "broken.xlsx" && p.outcome == "failed")
    );
}

#[test]
fn pdf_text_is_read_page_by_page_and_a_bad_pdf_is_listed_with_its_reason() {
    use breachdesk_notify::document::{Block, Document};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Two pages (two documents): a letter with a name, an identity code and an address, and a
    // contact list; written by BreachDesk's own PDF writer (embedded DejaVu subsets, `ToUnicode` maps).
    let mut letter = Document::new("fi", "Päätös");
    letter.blocks = vec![
        Block::Paragraph("Nimi: Anna Virtanen".into()),
        Block::Paragraph("Henkilötunnus 131052-308T".into()),
        Block::Paragraph("Mannerheimintie 1 A 2, 00100 Helsinki".into()),
    ];
    let mut contacts = Document::new("fi", "Yhteystiedot");
    contacts.blocks = vec![Block::List(vec![
        "matti.meikalainen@example.fi".into(),
        "FI2112345600000785".into(),
    ])];
    write(
        root,
        "decision.pdf",
        &breachdesk_notify::pdf::render(&[letter, contacts]),
    );
    write(
        root,
        "corrupt.pdf",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nnot a pdf",
    );
    let report = scan(root, &Options::default()).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    let c = &json["categories"];
    assert_eq!(c["national_id"]["occurrences"], 1, "{json}");
    assert_eq!(c["email"]["occurrences"], 1, "{json}");
    assert_eq!(c["iban"]["occurrences"], 1, "{json}");
    assert_eq!(c["person_name"]["occurrences"], 1, "{json}");
    assert_eq!(c["postal_address"]["occurrences"], 1, "{json}");
    let problem = report
        .problems
        .iter()
        .find(|p| p.file == "corrupt.pdf")
        .expect("the corrupt PDF is listed");
    assert_eq!(problem.outcome, "failed");
    assert!(problem.reason.contains("corrupt PDF"), "{}", problem.reason);
    assert_eq!(json["files"]["scanned"], 1);
}

/// Counts what a scan says it has done, as the CLI's progress bar does.
#[derive(Default)]
struct Counted(std::sync::atomic::AtomicU64, std::sync::atomic::AtomicU64);
impl breachdesk_scan::Progress for Counted {
    fn start(&self, _: u64, bytes: u64) {
        self.0.store(bytes, std::sync::atomic::Ordering::Relaxed);
    }
    fn file_done(&self, bytes: u64) {
        self.1
            .fetch_add(bytes, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Two long lists are equal (the first difference shown, not the lists).
fn same<T: PartialEq + std::fmt::Debug>(a: &[T], b: &[T]) {
    if let Some(i) = (0..a.len().min(b.len())).find(|&i| a[i] != b[i]) {
        panic!("item {i} differs: {:?} against {:?}", a[i], b[i]);
    }
    assert_eq!(a.len(), b.len());
}

#[test]
fn large_text_files_read_in_pieces_give_what_reading_them_whole_gives() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A table with a header and quoted cells holding line breaks, a mailbox with an
    // attachment, a log, NDJSON and prose: each about 200 KiB.
    let mut csv = String::from("Nimi;Sähköposti;Huomautus;Lähiosoite;Postinumero\n");
    let mut mbox = String::new();
    let mut log = String::new();
    let mut ndjson = String::new();
    let mut prose = String::new();
    let mut n = 0;
    while csv.len() < 200_000 {
        n += 1;
        let _ = writeln!(
            csv,
            "Maija Virtanen {n};maija{n}@example.fi;\"soittaa\n040 {:03} {:04};\nkiireellinen\";Koivukuja {n};00100",
            n % 1000,
            n % 10_000
        );
        let _ = write!(
            mbox,
            "From x Mon Nov 16 10:00:00 2026\nFrom: Erik Svensson <erik{n}@example.se>\nSubject: Kort\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nMitt kort 4111 1111 1111 1111 debiterades.\n\nMed vänlig hälsning\nErik Svensson\n--b\nContent-Type: text/csv\nContent-Disposition: attachment; filename=\"list.csv\"\n\nemail\nlist{n}@example.se\n--b--\n\n"
        );
        let _ = writeln!(
            log,
            "85.76.{}.{} - - GET /login?user=user{n}@example.fi 200",
            n % 250 + 1,
            n % 200 + 1
        );
        let _ = writeln!(
            ndjson,
            r#"{{"user":{{"name":"Anna Korhonen","email":"anna{n}@example.fi","hetu":"131052-308T"}}}}"#
        );
        let _ = write!(
            prose,
            "Asiakas Matti Nieminen soitti.\nHänen numeronsa on +358 40 {n:07}.\n\n"
        );
    }
    write(root, "big/customers.csv", csv.as_bytes());
    write(root, "big/support.mbox", mbox.as_bytes());
    write(root, "big/access.log", log.as_bytes());
    write(root, "big/users.ndjson", ndjson.as_bytes());
    write(root, "big/notes.txt", prose.as_bytes());

    let whole = scan(root, &Options::default()).unwrap();
    let counted = Counted::default();
    let pieces = breachdesk_scan::scan_with_progress(
        root,
        &Options {
            piece_bytes: 4096,
            ..Options::default()
        },
        &counted,
    )
    .unwrap();
    // The progress of a file read in pieces advances piece by piece, and adds up.
    let total = counted.0.into_inner();
    assert_eq!(counted.1.into_inner(), total);
    assert!(total > 5 * 200_000, "{total}");
    assert_eq!(whole.files, pieces.files);
    assert_eq!(
        whole.files.scanned,
        5 + n,
        "five files and every attachment"
    );
    assert_eq!(whole.problems, pieces.problems);
    assert_eq!(whole.categories, pieces.categories);
    assert_eq!(whole.subjects, pieces.subjects);
    same(&whole.findings, &pieces.findings);
    same(&whole.subject_lines, &pieces.subject_lines);
    // Subjects gathered in many small buckets at the end (instead of one) come out the same,
    // numbered 1, 2, 3 … in order; the sealed temporary files leave nothing behind.
    let spill = tempfile::tempdir().unwrap();
    let bucketed = scan(
        root,
        &Options {
            subject_bucket_bytes: 1024,
            spill_dir: Some(spill.path().to_owned()),
            ..Options::default()
        },
    )
    .unwrap();
    same(&whole.findings, &bucketed.findings);
    same(&whole.subject_lines, &bucketed.subject_lines);
    assert!(
        bucketed
            .subject_lines
            .iter()
            .enumerate()
            .all(|(i, l)| l.subject == i as u64 + 1)
    );
    assert_eq!(bucketed.subject_lines.len() as u64, bucketed.subjects);
    assert_eq!(std::fs::read_dir(spill.path()).unwrap().count(), 0);
    // And what was found is what was written.
    let c = &whole.categories;
    assert_eq!(c["email"].distinct_values, 5 * n);
    assert_eq!(c["payment_card"].occurrences, n);
    assert!(c["phone"].occurrences >= 2 * n);
    // A table row, a JSON line, a note and a message (whose sender's display name and
    // signature are one name of one record) name a person each.
    assert_eq!(c["person_name"].occurrences, 4 * n, "{c:?}");
}

/// A customer number of row `i` (seven digits).
fn custno(i: usize) -> String {
    format!("{:07}", 1_000_000 + i * 7)
}

#[test]
fn a_dump_of_n_customers_gives_n_subjects_in_every_dump_format() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // mysqldump: one extended INSERT of 1,000 customers on one line, and an orders table whose
    // 16-digit ids of a card issuer's range pass Luhn now and then and whose customer_id is a key, not a number.
    let mut my = String::from(
        "-- MySQL dump 10.13\nCREATE TABLE `customers` (\n  `id` int NOT NULL,\n  `first_name` varchar(50),\n  `last_name` varchar(50),\n  `email` varchar(100),\n  `customer_no` char(7)\n) ENGINE=InnoDB;\nINSERT INTO `customers` VALUES ",
    );
    for i in 0..1000 {
        let sep = if i == 0 { "" } else { "," };
        write!(
            my,
            "{sep}({i},'Eeva{i}','Tuominen{i}','eeva.{i}@example.fi','{}')",
            custno(i)
        )
        .unwrap();
    }
    my.push_str(";\nCREATE TABLE `orders` (`order_id` bigint, `customer_id` int, `ean` char(13));\nINSERT INTO `orders` VALUES ");
    for i in 0..200u32 {
        let sep = if i == 0 { "" } else { "," };
        write!(
            my,
            "{sep}({},{},'6417084100018')",
            4_000_000_000_000_000u64 + u64::from(i) * 7919,
            i % 1000
        )
        .unwrap();
    }
    my.push_str(";\n");
    write(root, "my.sql", my.as_bytes());
    // pg_dump: a COPY block of 300 contacts.
    let mut pg = String::from(
        "--\n-- PostgreSQL database dump\n--\nCREATE TABLE public.contacts (\n    contact_id integer NOT NULL,\n    full_name text,\n    phone text\n);\nCOPY public.contacts (contact_id, full_name, phone) FROM stdin;\n",
    );
    for i in 0..300 {
        writeln!(
            pg,
            "{i}\tKalle Lindqvist{i}\t040 {:03} {:04}",
            i % 1000,
            1000 + i
        )
        .unwrap();
    }
    pg.push_str("\\.\n");
    write(root, "pg.sql", pg.as_bytes());
    // SQLite .dump: one INSERT per row.
    let mut lite = String::from(
        "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE members(id INTEGER PRIMARY KEY, name TEXT, email TEXT);\n",
    );
    for i in 0..200 {
        writeln!(
            lite,
            "INSERT INTO members VALUES({i},'Åsa Berg{i}','asa.{i}@example.se');"
        )
        .unwrap();
    }
    lite.push_str("COMMIT;\n");
    write(root, "lite.sql", lite.as_bytes());
    // A SQLite database file of 400 members, and the same file inside a ZIP (not unpacked).
    let db = root.join("app/members.db");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "CREATE TABLE members(id INTEGER PRIMARY KEY, etunimi TEXT, sukunimi TEXT, puhelin TEXT);",
    )
    .unwrap();
    for i in 0..400 {
        conn.execute(
            "INSERT INTO members VALUES (?1, ?2, 'Saarinen', ?3)",
            (
                i,
                format!("Onni{i}"),
                format!("09 {:03} {:04}", 100 + i % 800, 1000 + i),
            ),
        )
        .unwrap();
    }
    drop(conn);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("members.db", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zip, &std::fs::read(&db).unwrap()).unwrap();
    write(root, "app.zip", &zip.finish().unwrap().into_inner());

    let pattern = breachdesk_scan::CustomerNumbers::new(Some("[0-9]{7}"), &[]).unwrap();
    let report = scan(
        root,
        &Options {
            customer_number: Some(pattern),
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(report.subjects, 1000 + 300 + 200 + 400);
    // The pg_dump's contacts have a phone each; the SQLite dump's and the database's members
    // an e-mail or a phone: none rests on a name with an address.
    assert_eq!(report.subjects_by_name_and_address, 0);
    assert_eq!(report.subjects_named_like_another, 0);
    let c = &report.categories;
    assert_eq!(c["person_name"].distinct_values, 1000 + 300 + 200 + 400);
    assert_eq!(report.files.skipped, 1, "{:?}", report.problems);
    assert!(
        report.problems[0]
            .reason
            .contains("SQLite database inside an archive")
    );
    // Customer numbers from their column only: no order id, key or EAN code.
    assert_eq!(c["customer_number"].distinct_values, 1000);
    assert!(!c.contains_key("payment_card"), "{c:?}");
}
