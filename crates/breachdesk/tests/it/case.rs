//! `breachdesk case …` from the command line: a leak scan into a case's scope.

use breachdesk_core::ports::Keyring;

use super::letters::reported_case;
use super::{ok, run, setup};

/// The scope of a case from a scan: `breachdesk scan --subjects` then `case import-scan`.
#[test]
fn a_scan_becomes_the_case_scope_and_a_bad_subject_file_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    setup(&dir);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (case_id, reference) = reported_case(&rt, &dir);
    let leak = tmp.path().join("leak");
    std::fs::create_dir(&leak).unwrap();
    std::fs::write(
        leak.join("customers.csv"),
        "name;email;hetu;iban\nMaija;maija.m@example.fi;131052-308T;FI2112345600000785\nErik;erik.s@example.se;;\n",
    )
    .unwrap();
    let subjects = tmp.path().join("subjects.jsonl");
    let out = super::bin()
        .arg("scan")
        .arg(&leak)
        .arg("--subjects")
        .arg(&subjects)
        .output()
        .unwrap();
    assert!(out.status.success());

    let scope = |rt: &tokio::runtime::Runtime| {
        rt.block_on(async {
            let store = breachdesk_store::connect(None, &dir).await.unwrap();
            let case = store.case_by_id(case_id).await.unwrap().unwrap();
            let key = super::keyring(&dir)
                .unwrap_case_key(case.id, &case.wrapped_key)
                .unwrap();
            let entries: Vec<_> = store
                .case_entries(case.id)
                .await
                .unwrap()
                .into_iter()
                .map(|e| {
                    let opened = breachdesk_core::investigation::open_entry(&key, &e).unwrap();
                    (e, opened)
                })
                .collect();
            (
                breachdesk_core::investigation::current_scope(&entries).cloned(),
                case.categories,
            )
        })
    };

    // A file that is not a subject list is refused, naming the line, and nothing changes.
    let bad = tmp.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"categories\":[\"email\"]}\n{\"categories\":[\"email\",\"shoe_size\"]}\n",
    )
    .unwrap();
    let refused = run(
        &dir,
        &["case", "import-scan", &reference, bad.to_str().unwrap()],
    );
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("line 2: unknown data category"), "{err}");
    assert_eq!(scope(&rt).0, None);

    let out = ok(
        &dir,
        &[
            "case",
            "import-scan",
            &reference,
            subjects.to_str().unwrap(),
        ],
    );
    assert!(out.contains("2 data subjects"), "{out}");
    let (saved, categories) = scope(&rt);
    let saved = saved.expect("a scope");
    assert_eq!(saved.subjects.value, Some(2));
    let ids: Vec<String> = saved.affected.iter().map(|c| c.id()).collect();
    assert_eq!(ids, ["email", "iban", "national_id", "person_name"]);
    let mut on_case = categories.clone();
    on_case.sort();
    assert_eq!(on_case, ids, "the ids on the case row, for the register");
    let trail = rt.block_on(async {
        let store = breachdesk_store::connect(None, &dir).await.unwrap();
        store.audit_trail(Some(case_id)).await.unwrap()
    });
    assert!(
        trail.iter().any(|a| a.action == "case.scope"
            && a.detail == "imported from a scan: subjects=2 categories=4")
    );
}

/// The scanner's subject list is one format read in two more places (issue 19): what
/// `breachdesk scan --subjects --reveal` writes, `notify recipients --format subjects` takes as
/// written — each person once, with their address — and a masked list (without `--reveal`) is
/// refused line by line, saying why, importing nothing. (`case import-scan`, the third reader,
/// is tested above on the same kind of file.)
#[test]
fn the_scanners_subject_list_is_read_by_the_letters_as_the_scanner_writes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    setup(&dir);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (_, reference) = reported_case(&rt, &dir);
    let leak = tmp.path().join("leak");
    std::fs::create_dir(&leak).unwrap();
    std::fs::write(
        leak.join("customers.csv"),
        "name;email;phone\nMaija Meikäläinen;maija.m@example.fi;+358 40 123 4567\nErik Svensson;erik.s@example.se;+46 70 123 45 67\nJohn Smith;john.smith@example.com;\n",
    )
    .unwrap();
    let scan = |file: &std::path::Path, reveal: bool| {
        let mut c = super::bin();
        c.arg("scan").arg(&leak).arg("--subjects").arg(file);
        if reveal {
            c.arg("--reveal");
        }
        assert!(c.output().unwrap().status.success());
    };
    let masked = tmp.path().join("masked.jsonl");
    scan(&masked, false);
    let out = run(
        &dir,
        &[
            "notify",
            "recipients",
            &reference,
            masked.to_str().unwrap(),
            "--format",
            "subjects",
        ],
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("line 3: the values are masked: run the scan with --reveal"),
        "{said}"
    );
    assert!(ok(&dir, &["notify", "status", &reference]).contains("recipients: 0 by e-mail"));

    let revealed = tmp.path().join("revealed.jsonl");
    scan(&revealed, true);
    let imported = ok(
        &dir,
        &[
            "notify",
            "recipients",
            &reference,
            revealed.to_str().unwrap(),
            "--format",
            "subjects",
        ],
    );
    let status = ok(&dir, &["notify", "status", &reference]);
    assert!(imported.contains("imported 3 recipients"), "{imported}");
    assert!(status.contains("recipients: 3 by e-mail"), "{status}");
}
