//! Moving up (issue 19): `breachdesk migrate --to postgres://…` copies a used `SQLite`
//! installation — cases, sealed reports, the investigation record, recipients, the outbox,
//! accounts, tokens and the audit chain — into an empty `PostgreSQL` database; a server on the
//! copy reads the same cases with the same token and key, the audit chain verifies with the
//! same head, and references go on where they stopped. Bad targets, a wrong key and a second
//! run are refused without changing anything.

use std::io::Write as _;
use std::process::Command;

use serde_json::Value;

use super::letters::{approve_letter, reported_case};
use super::{Server, bin, ok, report, run, setup, start};

fn with_url(url: &str) -> Command {
    let mut c = bin();
    c.env("BREACHDESK_DATABASE_URL", url);
    c
}

fn head(audit_verify: &str) -> String {
    assert!(
        audit_verify.contains("audit trail intact"),
        "{audit_verify}"
    );
    audit_verify
        .split("head ")
        .nth(1)
        .unwrap()
        .trim()
        .to_owned()
}

#[test]
fn an_sqlite_installation_moves_to_postgres_with_one_command_and_reads_the_same() {
    super::with_postgres_schema(migrate_scenario);
}

#[allow(clippy::too_many_lines, reason = "one scenario, told in order")]
fn migrate_scenario(rt: &tokio::runtime::Runtime, url: &str) {
    let url = url.to_owned();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let token = setup(&dir);
    // A used installation: a case with a second report, an approved letter, recipients, the
    // letters queued (SMTP is never reached here).
    let (case_id, reference) = reported_case(rt, &dir);
    {
        let server = super::serve(&dir);
        rt.block_on(async {
            let r = reqwest::Client::new()
                .post(format!("{}/api/v1/orgs/uni/reports", server.base))
                .json(&report(2))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
        });
    }
    rt.block_on(approve_letter(&dir, case_id));
    let csv = tmp.path().join("recipients.csv");
    {
        let mut f = std::fs::File::create(&csv).unwrap();
        writeln!(f, "email,name,language,elements").unwrap();
        for i in 0..50 {
            writeln!(f, "person{i}@example.org,Person {i},fi,email").unwrap();
        }
    }
    ok(
        &dir,
        &["notify", "recipients", &reference, csv.to_str().unwrap()],
    );
    std::fs::write(
        dir.join("breachdesk.toml"),
        "[smtp]\nhost = \"127.0.0.1\"\nport = 9\nsecurity = \"none\"\nfrom = \"BreachDesk <breachdesk@uni.example>\"\n",
    )
    .unwrap();
    ok(&dir, &["notify", "send", &reference, "--queue-only"]);
    let before_case: Value = {
        let server = super::serve(&dir);
        rt.block_on(get_case(&server, &token, case_id))
    };
    // (Reading the case was audited: the head is taken after it.)
    let before_head = head(&ok(&dir, &["audit", "verify"]));

    // Refused, changing nothing: a target that is not PostgreSQL, and a wrong master key.
    let not_pg = run(&dir, &["migrate", "--to", "sqlite:other.db"]);
    assert!(!not_pg.status.success());
    assert!(
        String::from_utf8_lossy(&not_pg.stderr).contains("--to must be a postgres:// URL"),
        "{}",
        String::from_utf8_lossy(&not_pg.stderr)
    );
    let wrong_key = bin()
        .env(
            "BREACHDESK_MASTER_KEY",
            breachdesk_crypto::MasterKey::generate()
                .expose_base64()
                .as_str(),
        )
        .arg("--data-dir")
        .arg(&dir)
        .args(["migrate", "--to", &url])
        .output()
        .unwrap();
    assert!(!wrong_key.status.success());
    let stderr = String::from_utf8_lossy(&wrong_key.stderr);
    assert!(
        stderr.contains("the master key does not open case")
            && stderr.contains("nothing was copied"),
        "{stderr}"
    );

    // The move.
    let moved = ok(&dir, &["migrate", "--to", &url]);
    assert!(moved.contains("cases: 2\n"), "{moved}");
    assert!(moved.contains("reports: 2\n"), "{moved}");
    assert!(moved.contains("recipients: 50\n"), "{moved}");
    assert!(moved.contains("outbox: 50\n"), "{moved}");
    assert!(
        moved.contains("audit trail intact in the copy") && moved.contains("opens all 2 cases"),
        "{moved}"
    );
    assert!(
        !moved.contains(&url),
        "the URL (it may hold a password) is not printed"
    );

    // Again: the target holds an installation now; refused, nothing changes.
    let again = run(&dir, &["migrate", "--to", &url]);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already holds an installation"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    // The copy, through a server and the CLI on PostgreSQL with the same key and token.
    let mut verify = with_url(&url);
    verify.arg("--data-dir").arg(&dir).args(["audit", "verify"]);
    let out = verify.output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        head(&String::from_utf8_lossy(&out.stdout)),
        before_head,
        "the same chain, ending in the same entry"
    );
    let mut serve = with_url(&url);
    serve.arg("--data-dir").arg(&dir).args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--intake-per-minute",
        "0",
    ]);
    let server = start(serve, std::process::Stdio::inherit());
    let after_case = rt.block_on(get_case(&server, &token, case_id));
    assert_eq!(after_case, before_case, "the sealed reports open as before");
    assert_eq!(
        after_case["reports"][0]["body"]["what_happened"],
        "Unique event text 1 for the durability test"
    );
    let next: Value = rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{}/api/v1/orgs/uni/reports", server.base))
            .json(&report(3))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    let new_id = next["case_id"].as_str().unwrap().parse().unwrap();
    let new_case = rt.block_on(get_case(&server, &token, new_id));
    let prefix = reference.rsplit_once('-').unwrap().0;
    assert_eq!(
        new_case["reference"],
        format!("{prefix}-0003"),
        "references go on where they stopped"
    );
    drop(server);
    let mut status = with_url(&url);
    status
        .arg("--data-dir")
        .arg(&dir)
        .args(["notify", "status", &reference]);
    let status = String::from_utf8(status.output().unwrap().stdout).unwrap();
    assert!(status.contains("recipients: 50 by e-mail"), "{status}");
}

pub(super) async fn get_case(server: &Server, token: &str, id: uuid::Uuid) -> Value {
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1/cases/{id}", server.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}
