//! `breachdesk case …` from the command line: a leak scan into a case's scope.

use breachdesk_core::ports::Keyring;
use breachdesk_crypto::{MasterKey, MasterKeyring};

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
            let master = MasterKey::read_file(&dir.join("master.key")).unwrap();
            let key = MasterKeyring::new(&master)
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
