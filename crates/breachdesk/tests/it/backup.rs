//! Backups (issue 21): `breachdesk backup FILE` while the server runs, and `breachdesk restore
//! FILE`, which checks the backup whole before it replaces anything and never runs beside a
//! server.

use std::os::unix::fs::PermissionsExt;

use serde_json::Value;

use super::{ok, report, run, serve, setup};

async fn post(base: &str, i: usize) {
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/orgs/uni/reports"))
        .json(&report(i))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}

async fn cases(base: &str, token: &str) -> Vec<Value> {
    let r = reqwest::Client::new()
        .get(format!("{base}/api/v1/cases"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let list: Value = r.json().await.unwrap();
    list["cases"].as_array().unwrap().clone()
}

fn sha(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_backup_taken_while_serving_restores_checked_and_never_beside_a_server() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let token = setup(&dir);
    let server = serve(&dir);
    rt.block_on(async {
        for i in 0..3 {
            post(&server.base, i).await;
        }
    });

    // Taken while the server runs, checked, readable by its owner only, without the key.
    let file = tmp.path().join("backup.db");
    let out = ok(&dir, &["backup", file.to_str().unwrap()]);
    assert!(out.contains("3 cases"), "{out}");
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let key_text = std::fs::read_to_string(dir.join("master.key")).unwrap();
    let backup_bytes = std::fs::read(&file).unwrap();
    assert!(
        !backup_bytes
            .windows(key_text.trim().len())
            .any(|w| w == key_text.trim().as_bytes()),
        "the master key is not in the backup"
    );
    assert!(
        !String::from_utf8_lossy(&backup_bytes).contains("Unique event text 1"),
        "reports stay sealed in the backup"
    );
    // A backup never overwrites a file.
    let again = run(&dir, &["backup", file.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));

    // No restore beside a running server.
    rt.block_on(post(&server.base, 99));
    let busy = run(&dir, &["restore", file.to_str().unwrap()]);
    assert!(!busy.status.success());
    assert!(
        String::from_utf8_lossy(&busy.stderr).contains("a server is running"),
        "{}",
        String::from_utf8_lossy(&busy.stderr)
    );
    drop(server);
    // After the backup, one of its cases reaches the end of its retention and is destroyed
    // (`retention run`, as cron would): restoring the older backup must not bring it back.
    let doomed = rt.block_on(async {
        let store = breachdesk_store::connect(None, &dir).await.unwrap();
        let orgs: Vec<_> = store
            .organisations()
            .await
            .unwrap()
            .iter()
            .map(|o| o.id)
            .collect();
        let first = store
            .find_cases(&orgs, &breachdesk_core::ports::CaseFilter::default())
            .await
            .unwrap()
            .into_iter()
            .min_by_key(|c| c.created_at)
            .unwrap();
        store
            .set_retention(first.id, Some(jiff::Timestamp::UNIX_EPOCH))
            .await
            .unwrap();
        first.id
    });
    let out = ok(&dir, &["retention", "run"]);
    assert!(out.contains("1 cases destroyed"), "{out}");
    // And a legal hold is set on another case after the backup: it must survive the restore.
    let held = rt.block_on(async {
        let store = breachdesk_store::connect(None, &dir).await.unwrap();
        let dpo = store
            .user_id_by_email("dpo@uni.example")
            .await
            .unwrap()
            .unwrap();
        let orgs: Vec<_> = store
            .organisations()
            .await
            .unwrap()
            .iter()
            .map(|o| o.id)
            .collect();
        let other = store
            .find_cases(&orgs, &breachdesk_core::ports::CaseFilter::default())
            .await
            .unwrap()
            .into_iter()
            .filter(|c| c.id != doomed)
            // One the backup holds (the last report came after it).
            .min_by_key(|c| c.created_at)
            .unwrap();
        let hold = breachdesk_core::ports::Hold {
            reason: "court case".into(),
            until: None,
            set_by: dpo,
            set_at: jiff::Timestamp::UNIX_EPOCH,
        };
        let audit = breachdesk_core::audit::AuditEvent {
            actor: Some(dpo),
            org_id: Some(other.org_id),
            case_id: Some(other.id),
            action: "case.hold",
            detail: String::new(),
        };
        store
            .set_hold(other.id, Some(&hold), &audit, jiff::Timestamp::UNIX_EPOCH)
            .await
            .unwrap();
        other.id
    });
    // A backup taken after a destruction restores too (the tombstone has no key to open).
    let later = tmp.path().join("later.db");
    ok(&dir, &["backup", later.to_str().unwrap()]);
    let db = dir.join("breachdesk.db");
    let before = sha(&db);

    // Refused whole, nothing changed: a damaged file, a backup under another installation's
    // master key.
    let junk = tmp.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all").unwrap();
    let damaged = run(&dir, &["restore", junk.to_str().unwrap()]);
    assert!(!damaged.status.success());
    assert!(
        String::from_utf8_lossy(&damaged.stderr).contains("not an SQLite database"),
        "{}",
        String::from_utf8_lossy(&damaged.stderr)
    );
    let other = tmp.path().join("other");
    drop(serve(&other));
    let wrong = run(
        &dir,
        &[
            "restore",
            file.to_str().unwrap(),
            "--master-key-file",
            other.join("master.key").to_str().unwrap(),
        ],
    );
    assert!(!wrong.status.success());
    assert!(
        String::from_utf8_lossy(&wrong.stderr).contains("does not open case"),
        "{}",
        String::from_utf8_lossy(&wrong.stderr)
    );
    assert_eq!(sha(&db), before, "a refused restore changes nothing");
    assert!(!dir.join("breachdesk.db.restoring").exists());

    // Restored: the three reports of the backup, each opened; the later one is not there; the
    // replaced database is kept; the audit chain verifies.
    let out = ok(&dir, &["restore", file.to_str().unwrap()]);
    assert!(
        out.contains("3 cases") && out.contains("before-restore"),
        "{out}"
    );
    assert!(
        out.contains("1 cases destroyed after the backup was taken were destroyed again"),
        "{out}"
    );
    let restored = rt.block_on(async {
        let store = breachdesk_store::connect(None, &dir).await.unwrap();
        store.case_by_id(doomed).await.unwrap().unwrap()
    });
    assert!(restored.destroyed_at.is_some() && restored.wrapped_key.0.is_empty());
    let still_held = rt.block_on(async {
        let store = breachdesk_store::connect(None, &dir).await.unwrap();
        store.case_by_id(held).await.unwrap().unwrap()
    });
    assert!(
        still_held.hold.is_some(),
        "a hold set after the backup survives the restore"
    );
    let kept: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("before-restore"))
        .collect();
    assert_eq!(kept.len(), 1);
    ok(&dir, &["audit", "verify"]);
    let server = serve(&dir);
    rt.block_on(async {
        // Two cases to handle; the destroyed one is a tombstone (404), not listed.
        let list = cases(&server.base, &token).await;
        assert_eq!(list.len(), 2, "{list:?}");
        let tombstone = reqwest::Client::new()
            .get(format!("{}/api/v1/cases/{doomed}", server.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(tombstone.status(), 404);
        for c in &list {
            let id = c["id"].as_str().unwrap().parse().unwrap();
            let case = super::migrate::get_case(&server, &token, id).await;
            let text = case["reports"][0]["body"]["what_happened"]
                .as_str()
                .unwrap();
            assert!(text.starts_with("Unique event text "), "{text}");
            assert!(!text.contains("99"));
        }
        // And the restored installation takes reports again.
        post(&server.base, 100).await;
        assert_eq!(cases(&server.base, &token).await.len(), 3);
    });
    drop(server);

    // The drill: into a scratch data dir, with the production key from elsewhere.
    let drill = tmp.path().join("drill");
    let out = ok(
        &drill,
        &[
            "restore",
            file.to_str().unwrap(),
            "--master-key-file",
            dir.join("master.key").to_str().unwrap(),
            "--key-vault",
            dir.join("case-keys").to_str().unwrap(),
        ],
    );
    assert!(
        out.contains("3 cases") && !out.contains("before-restore"),
        "{out}"
    );
    assert!(
        !drill.join("master.key").exists(),
        "no key is written by a restore"
    );
    ok(&drill, &["audit", "verify"]);
    let out = ok(&dir, &["restore", later.to_str().unwrap()]);
    assert!(out.contains("restored"), "{out}");
}

/// Issue 21: the retention periods are the organisation's; the operator sets them, within
/// bounds, audited; a refused value changes nothing.
#[test]
fn the_operator_sets_an_organisations_retention_periods() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    setup(&dir);
    let out = ok(
        &dir,
        &[
            "org",
            "retention",
            "--org",
            "uni",
            "--years",
            "5",
            "--unfounded-days",
            "30",
        ],
    );
    assert!(
        out.contains("kept 5 years, unfounded ones 30 days"),
        "{out}"
    );
    for bad in [["0", "30"], ["5", "0"], ["101", "30"], ["5", "4000"]] {
        let r = run(
            &dir,
            &[
                "org",
                "retention",
                "--org",
                "uni",
                "--years",
                bad[0],
                "--unfounded-days",
                bad[1],
            ],
        );
        assert!(!r.status.success(), "{bad:?}");
        assert!(String::from_utf8_lossy(&r.stderr).contains("--years must be from 1 to 100"));
    }
    let unknown = run(
        &dir,
        &[
            "org",
            "retention",
            "--org",
            "nope",
            "--years",
            "5",
            "--unfounded-days",
            "30",
        ],
    );
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no organisation with slug nope"));
    rt.block_on(async {
        let store = breachdesk_store::connect(None, &dir).await.unwrap();
        let org = store.org_by_slug("uni").await.unwrap().unwrap();
        assert_eq!((org.retention.years, org.retention.unfounded_days), (5, 30));
        let trail = store.audit_trail(None).await.unwrap();
        assert_eq!(
            trail.iter().filter(|a| a.action == "org.retention").count(),
            1,
            "audited once: refused values leave no entry"
        );
    });
}

/// Issue 21: the old register comes in from a file in the export's layout; a file with a bad
/// line is refused whole with the line named; the imported breaches are in the register with
/// what the file said, sealed, as closed historical cases; the same file twice is refused.
#[test]
fn the_old_register_comes_in_whole_or_not_at_all() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let token = setup(&dir);
    let header = "reference,reported_at,status,aware_at,notified_at,nature,categories,subjects,notify_authority,systems";
    let bad = tmp.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "{header}\nOLD-2019-1,2019-03-02,closed,2019-03-02T09:00:00Z,2019-03-04T09:00:00Z,confidentiality,email;health,1200,true,Patient portal MARKER-PORTAL\nOLD-2019-2,2019-05-01,closed,,,availability,shoe_size,,false,\n"
        ),
    )
    .unwrap();
    let refused = run(
        &dir,
        &["register", "import", bad.to_str().unwrap(), "--org", "uni"],
    );
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("line 3, column categories"), "{err}");
    assert!(!err.contains("shoe_size"), "values are never quoted");
    let good = tmp.path().join("good.csv");
    std::fs::write(
        &good,
        format!(
            "\u{feff}{header}\nOLD-2019-1,2019-03-02,closed,2019-03-02T09:00:00Z,2019-03-04T09:00:00Z,confidentiality,email;health,1200,true,Patient portal MARKER-PORTAL\nOLD-2019-2,2019-05-01,unfounded,,,availability,,,false,\n"
        ),
    )
    .unwrap();
    let out = ok(
        &dir,
        &["register", "import", good.to_str().unwrap(), "--org", "uni"],
    );
    assert!(out.contains("2 breaches"), "{out}");
    let again = run(
        &dir,
        &["register", "import", good.to_str().unwrap(), "--org", "uni"],
    );
    assert!(!again.status.success(), "the same references twice");
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        err.contains("reference OLD-2019-1 is already in the register")
            && err.contains("reference OLD-2019-2 is already in the register"),
        "{err}"
    );
    let db = std::fs::read(dir.join("breachdesk.db")).unwrap();
    assert!(
        !String::from_utf8_lossy(&db).contains("MARKER-PORTAL"),
        "imported facts are sealed"
    );
    let server = serve(&dir);
    rt.block_on(async {
        let r = reqwest::Client::new()
            .get(format!("{}/api/v1/register?org=uni", server.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let register: Value = r.json().await.unwrap();
        let entries = register.as_array().unwrap();
        assert_eq!(entries.len(), 2, "{register}");
        let first = entries
            .iter()
            .find(|e| e["reference"] == "OLD-2019-1")
            .unwrap();
        assert_eq!(first["status"], "closed");
        assert_eq!(first["subjects"], 1200);
        assert_eq!(first["hours_to_notification"], 48);
        assert_eq!(first["systems"], "Patient portal MARKER-PORTAL");
        assert!(first["retain_until"].is_string(), "a retention date");
        let second = entries
            .iter()
            .find(|e| e["reference"] == "OLD-2019-2")
            .unwrap();
        assert_eq!(second["status"], "unfounded");
        assert_eq!(second["notify_authority"], false);
        // The imported cases (no report of their own) list as breaches on the case list.
        let r = reqwest::Client::new()
            .get(format!("{}/api/v1/cases", server.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let list: Value = r.json().await.unwrap();
        let cases = list["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 2, "{list}");
        assert!(cases.iter().all(|c| c["kind"] == "breach"));
    });
    drop(server);
    rt.block_on(async {
        let store = breachdesk_store::connect(None, &dir).await.unwrap();
        let trail = store.audit_trail(None).await.unwrap();
        let imports: Vec<_> = trail
            .iter()
            .filter(|a| a.action == "register.import")
            .collect();
        assert_eq!(imports.len(), 1, "refused files leave no entry");
        assert_eq!(imports[0].detail, "rows=2");
    });
}

/// Opens every report of `case` in the database file `db` (a copy is opened: opening brings the
/// schema up to date) with the installation's master key and key vault.
fn open_reports(
    rt: &tokio::runtime::Runtime,
    db: &std::path::Path,
    data_dir: &std::path::Path,
    case: uuid::Uuid,
) -> Result<Vec<String>, breachdesk_core::ports::CryptoError> {
    use breachdesk_core::ports::{CaseStore, Keyring};
    let scratch = tempfile::tempdir().unwrap();
    let copy = scratch.path().join("copy.db");
    std::fs::copy(db, &copy).unwrap();
    let master = breachdesk_crypto::MasterKey::read_file(&data_dir.join("master.key")).unwrap();
    let keyring = breachdesk_crypto::MasterKeyring::with_vault(
        &master,
        breachdesk_crypto::KeyVault::open(&data_dir.join("case-keys")).unwrap(),
    );
    rt.block_on(async {
        let store = breachdesk_store::SqliteStore::open(&copy).await.unwrap();
        let record = store.case_by_id(case).await.unwrap().unwrap();
        let key = keyring.unwrap_case_key(case, &record.wrapped_key)?;
        let mut texts = Vec::new();
        for r in store.reports_of_case(case).await.unwrap() {
            let body = breachdesk_core::intake::open_report(&key, &r)?.body;
            texts.push(serde_json::to_string(&body).unwrap());
        }
        store.close().await;
        Ok(texts)
    })
}

/// Issue 21, crypto-shredding: destroying a case destroys its key in the key vault, so a backup
/// taken before does not open it any more — not with the master key, not when the database that
/// knew of the destruction is lost — while every other case of the backup opens.
#[test]
fn a_destroyed_case_stays_unreadable_in_an_older_backup_even_with_the_database_lost() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let token = setup(&dir);
    let server = serve(&dir);
    rt.block_on(async {
        for i in 0..2 {
            post(&server.base, i).await;
        }
    });
    let file = tmp.path().join("before.db");
    ok(&dir, &["backup", file.to_str().unwrap()]);
    drop(server);
    let (doomed, kept) = rt.block_on(async {
        let store = breachdesk_store::connect(None, &dir).await.unwrap();
        let orgs: Vec<_> = store
            .organisations()
            .await
            .unwrap()
            .iter()
            .map(|o| o.id)
            .collect();
        let mut all = store
            .find_cases(&orgs, &breachdesk_core::ports::CaseFilter::default())
            .await
            .unwrap();
        all.sort_by_key(|c| c.created_at);
        store
            .set_retention(all[0].id, Some(jiff::Timestamp::UNIX_EPOCH))
            .await
            .unwrap();
        (all[0].id, all[1].id)
    });
    // Before the destruction the backup opens both cases: the check below can fail.
    assert!(open_reports(&rt, &file, &dir, doomed).unwrap()[0].contains("Unique event text 0"));
    let out = ok(&dir, &["retention", "run"]);
    assert!(out.contains("1 cases destroyed"), "{out}");

    // The vault keeps a marker, not the key.
    let vault = dir.join("case-keys");
    assert!(vault.join(format!("{doomed}.destroyed")).exists());
    assert!(!vault.join(format!("{doomed}.key")).exists());
    assert!(vault.join(format!("{kept}.key")).exists());
    // The older backup, with the installation's own master key and vault: the destroyed case
    // does not open, the other does.
    assert!(matches!(
        open_reports(&rt, &file, &dir, doomed),
        Err(breachdesk_core::ports::CryptoError::Destroyed)
    ));
    assert!(open_reports(&rt, &file, &dir, kept).unwrap()[0].contains("Unique event text 1"));
    // No plaintext of it in the database, its log or the backup either.
    for path in [
        dir.join("breachdesk.db"),
        dir.join("breachdesk.db-wal"),
        file.clone(),
    ] {
        if let Ok(bytes) = std::fs::read(&path) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains("Unique event text"),
                "{}",
                path.display()
            );
        }
    }

    // The database is lost (with the record of what it destroyed); the older backup comes back
    // with the vault: the destroyed case comes back as a tombstone, not as a case.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("breachdesk.db{suffix}")));
    }
    let out = ok(&dir, &["restore", file.to_str().unwrap()]);
    assert!(
        out.contains("1 cases destroyed after the backup was taken were destroyed again"),
        "{out}"
    );
    ok(&dir, &["audit", "verify"]);
    let server = serve(&dir);
    rt.block_on(async {
        let list = cases(&server.base, &token).await;
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!(list[0]["id"].as_str().unwrap(), kept.to_string());
        let gone = reqwest::Client::new()
            .get(format!("{}/api/v1/cases/{doomed}", server.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(gone.status(), 404);
    });
    drop(server);
    let restored = rt.block_on(async {
        let store = breachdesk_store::connect(None, &dir).await.unwrap();
        store.case_by_id(doomed).await.unwrap().unwrap()
    });
    assert!(restored.destroyed_at.is_some() && restored.wrapped_key.0.is_empty());

    // A damaged database in the way: refused with what to do, nothing changed; moved away, the
    // restore goes through and the vault still keeps the destroyed case destroyed.
    let db = dir.join("breachdesk.db");
    std::fs::write(&db, b"damaged by a failing disk, not a database").unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("breachdesk.db{suffix}")));
    }
    let refused = run(&dir, &["restore", file.to_str().unwrap()]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("does not open") && err.contains("move it"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        b"damaged by a failing disk, not a database"
    );
    std::fs::rename(&db, tmp.path().join("damaged.db")).unwrap();
    let out = ok(&dir, &["restore", file.to_str().unwrap()]);
    assert!(
        out.contains("1 cases destroyed after the backup was taken were destroyed again"),
        "{out}"
    );

    // A vault that lost a file (not destroyed: missing) stops the restore with what to do.
    std::fs::remove_file(vault.join(format!("{kept}.key"))).unwrap();
    let refused = run(&dir, &["restore", file.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("has no key for case"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}

/// Issue 21: an installation from before the key vault has case keys wrapped under the master
/// key alone; the retention run (at `serve` start and daily, or by cron) binds them to the vault,
/// the data stays readable, and from then on destroying such a case shreds it too.
#[test]
fn case_keys_from_before_the_key_vault_are_bound_to_it_and_stay_readable() {
    use breachdesk_core::clock::Clock;
    use breachdesk_core::ports::{Keyring, WrappedKey};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let token = setup(&dir);
    // The first start writes the master key.
    drop(serve(&dir));
    let master = breachdesk_crypto::MasterKey::read_file(&dir.join("master.key")).unwrap();
    let legacy = breachdesk_crypto::MasterKeyring::new(&master);
    let (case_id, old_key) = rt.block_on(async {
        let store = breachdesk_store::connect(None, &dir).await.unwrap();
        let org = store.org_by_slug("uni").await.unwrap().unwrap();
        let now = breachdesk_core::clock::SystemClock.now();
        let input = report(42);
        let valid = breachdesk_core::report::validate_report(
            &breachdesk_core::input::JsonInput(input.as_object().unwrap()),
            now,
        )
        .unwrap();
        let hasher = breachdesk_crypto::Argon2Hasher::new(breachdesk_crypto::HashCost::Test);
        let sealed = breachdesk_core::intake::seal_intake(
            &legacy,
            org.id,
            &valid,
            breachdesk_core::intake::IssuedReceipt::new(&hasher),
            now,
        )
        .unwrap();
        store
            .insert_intake(&sealed.case, &sealed.report, 2026)
            .await
            .unwrap();
        (sealed.case.id, sealed.case.wrapped_key)
    });
    assert_ne!(old_key.0[0], 2, "wrapped under the master key alone");
    // A backup taken before the binding holds the old form.
    let pre = tmp.path().join("pre-binding.db");
    ok(&dir, &["backup", pre.to_str().unwrap()]);

    let out = ok(&dir, &["retention", "run"]);
    assert!(
        out.contains("1 case keys from before the key vault bound to it"),
        "{out}"
    );
    let now_key: WrappedKey = rt.block_on(async {
        let store = breachdesk_store::connect(None, &dir).await.unwrap();
        store
            .case_by_id(case_id)
            .await
            .unwrap()
            .unwrap()
            .wrapped_key
    });
    assert_eq!(now_key.0[0], 2, "bound to the vault");
    assert!(
        dir.join("case-keys")
            .join(format!("{case_id}.key"))
            .exists()
    );
    // Still readable through the server; a second run has nothing left to bind.
    let server = serve(&dir);
    rt.block_on(async {
        let case = super::migrate::get_case(&server, &token, case_id).await;
        let text = case["reports"][0]["body"]["what_happened"]
            .as_str()
            .unwrap();
        assert!(text.starts_with("Unique event text 42"), "{text}");
    });
    drop(server);
    let out = ok(&dir, &["retention", "run"]);
    assert!(!out.contains("bound"), "{out}");
    // The old form still opens with the master key alone (an older backup holds it): the
    // binding protects from now on, which the README says.
    assert!(legacy.unwrap_case_key(case_id, &old_key).is_ok());

    // Destroyed now; the database is lost; the pre-binding backup comes back. Its key for the
    // case would open with the master key alone, but the vault's marker says the case is
    // destroyed: it comes back as a tombstone.
    rt.block_on(async {
        let store = breachdesk_store::connect(None, &dir).await.unwrap();
        store
            .set_retention(case_id, Some(jiff::Timestamp::UNIX_EPOCH))
            .await
            .unwrap();
    });
    let out = ok(&dir, &["retention", "run"]);
    assert!(out.contains("1 cases destroyed"), "{out}");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("breachdesk.db{suffix}")));
    }
    let out = ok(&dir, &["restore", pre.to_str().unwrap()]);
    assert!(
        out.contains("1 cases destroyed after the backup was taken were destroyed again"),
        "{out}"
    );
    let back = rt.block_on(async {
        let store = breachdesk_store::connect(None, &dir).await.unwrap();
        store.case_by_id(case_id).await.unwrap().unwrap()
    });
    assert!(back.destroyed_at.is_some() && back.wrapped_key.0.is_empty());
}

/// Issue 21: a command given an empty key vault while the database holds vault-bound case keys
/// (a server of several started without the shared vault) refuses to start, saying which vault
/// and what to do, and writes nothing into that directory.
#[test]
fn an_empty_key_vault_beside_a_database_with_vault_bound_keys_is_refused() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    setup(&dir);
    let server = serve(&dir);
    rt.block_on(post(&server.base, 1));
    drop(server);
    let wrong = tmp.path().join("elsewhere");
    let out = run(
        &dir,
        &["retention", "run", "--key-vault", wrong.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is empty, but this database holds cases"),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(&wrong).unwrap().count(), 0);
    // The installation's own vault works.
    let out = ok(&dir, &["retention", "run"]);
    assert!(out.contains("0 cases destroyed"), "{out}");
}
