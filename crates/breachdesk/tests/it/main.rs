//! End-to-end tests of the `breachdesk` binary: real processes, real signals (issue #2).

// Test helpers state expectations with unwrap; a panic there is a failing test.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::{Value, json};

mod accounts;
mod backup;
mod case;
mod cluster;
mod edge;
mod faults;
mod letters;
mod mail;
mod migrate;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_breachdesk"));
    c.env_remove("BREACHDESK_MASTER_KEY")
        .env_remove("BREACHDESK_DATABASE_URL")
        .env("BREACHDESK_LOG", "warn");
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin()
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

struct Server {
    child: Child,
    base: String,
    /// What the server printed with its first line (one write), e.g. the setup link.
    rest: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `serve` on a free port and waits for the line that names it (no sleeping).
fn serve(dir: &Path) -> Server {
    serve_with(dir, bin(), Stdio::inherit())
}

fn serve_with(dir: &Path, mut cmd: Command, stderr: Stdio) -> Server {
    cmd.arg("--data-dir").arg(dir).args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--intake-per-minute",
        "0",
    ]);
    start(cmd, stderr)
}

/// Starts a prepared `serve` command and waits for the line that names its address.
fn start(mut cmd: Command, stderr: Stdio) -> Server {
    let mut child = cmd.stdout(Stdio::piped()).stderr(stderr).spawn().unwrap();
    let mut line = String::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    reader.read_line(&mut line).unwrap();
    let rest = String::from_utf8_lossy(reader.buffer()).into_owned();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    Server { child, base, rest }
}

/// The installation's keyring in `dir`: its master key file and its key vault.
fn keyring(dir: &Path) -> breachdesk_crypto::MasterKeyring {
    let master = breachdesk_crypto::MasterKey::read_file(&dir.join("master.key")).unwrap();
    breachdesk_crypto::MasterKeyring::with_vault(
        &master,
        breachdesk_crypto::KeyVault::open(&dir.join("case-keys")).unwrap(),
    )
}

fn setup(dir: &Path) -> String {
    ok(
        dir,
        &[
            "org",
            "create",
            "--slug",
            "uni",
            "--name",
            "University of Example",
            "--dpo-email",
            "dpo@uni.example",
        ],
    );
    let user = ok(
        dir,
        &[
            "user",
            "create",
            "--org",
            "uni",
            "--email",
            "dpo@uni.example",
            "--role",
            "dpo",
        ],
    );
    assert!(user.contains("one-time password: "), "{user}");
    ok(dir, &["token", "create", "--email", "dpo@uni.example"])
        .trim()
        .to_owned()
}

/// Runs `scenario` with a runtime and the URL of a fresh `PostgreSQL` schema, which is dropped
/// also when the scenario fails (its servers are stopped by then, as it unwinds).
fn with_postgres_schema(scenario: impl FnOnce(&tokio::runtime::Runtime, &str)) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(schema) = rt.block_on(breachdesk_testkit::Schema::create()) else {
        return;
    };
    let url = schema.url();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| scenario(&rt, &url)));
    rt.block_on(schema.drop_schema());
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

fn report(i: usize) -> Value {
    json!({
        "kind": "breach",
        "how_noticed": format!("Burst report number {i}"),
        "noticed_at": "2026-01-05T09:15:00+02:00",
        "what_happened": format!("Unique event text {i} for the durability test"),
        "system": "Sisu",
        "reporter_email": format!("reporter{i}@uni.example"),
    })
}

#[test]
fn first_start_initialises_the_data_dir_and_the_contract_commands_work() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("fresh");
    let token = setup(&dir);
    assert!(token.starts_with("bd_") && token.len() > 40);
    let server = serve(&dir);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("master.key"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(
            std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let http = reqwest::Client::new();
        assert_eq!(
            http.get(format!("{}/healthz", server.base))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        let r = http
            .post(format!("{}/api/v1/orgs/uni/reports", server.base))
            .json(&report(1))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let list: Value = http
            .get(format!("{}/api/v1/cases", server.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            list["cases"][0]["reference"],
            format!(
                "UNI-{}-0001",
                list["cases"][0]["created_at"].as_str().unwrap()[..4].to_owned()
            )
        );
        let doc: Value = http
            .get(format!("{}/api/v1/openapi.json", server.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(doc["paths"]["/api/v1/cases/{id}"].is_object());
    });
}

#[test]
fn bad_command_lines_fail_with_a_clear_message_and_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = run(
        dir,
        &["org", "create", "--slug", "Bad Slug!", "--name", "X"],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--slug"));
    ok(
        dir,
        &["org", "create", "--slug", "uni", "--name", "University"],
    );
    let out = run(dir, &["org", "create", "--slug", "uni", "--name", "Again"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    let out = run(
        dir,
        &[
            "user",
            "create",
            "--org",
            "uni",
            "--email",
            "a@uni.example",
            "--role",
            "boss",
        ],
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--role must be one of dpo, security_manager")
    );
    let out = run(
        dir,
        &[
            "user",
            "create",
            "--org",
            "nope",
            "--email",
            "a@uni.example",
            "--role",
            "dpo",
        ],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("no organisation with slug nope"));
    let out = run(dir, &["token", "create", "--email", "ghost@uni.example"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no active user"));
    let out = run(dir, &["--database-pool", "0", "audit", "verify"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--database-pool"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_master_key_file_readable_by_others_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("key");
    std::fs::write(&key, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = bin()
            .arg("--data-dir")
            .arg(tmp.path().join("d"))
            .args(["serve", "--listen", "127.0.0.1:0", "--master-key-file"])
            .arg(&key)
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("chmod 600"));
    }
}

#[test]
fn serve_on_an_empty_data_dir_prints_a_one_time_setup_link_for_the_first_administrator() {
    let tmp = tempfile::tempdir().unwrap();
    let server = serve(tmp.path());
    let link = server
        .rest
        .split_whitespace()
        .find(|w| w.contains("/setup/"))
        .unwrap_or_else(|| panic!("no setup link in {:?}", server.rest))
        .to_owned();
    assert!(
        link.starts_with(&format!("{}/setup/", server.base)),
        "{link}"
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let status = rt.block_on(async { reqwest::get(&link).await.unwrap().status().as_u16() });
    assert_eq!(status, 200);
    drop(server);
    // Once an account exists, no link is printed.
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let server = serve(dir.path());
    assert!(!server.rest.contains("/setup/"), "{}", server.rest);
}

#[test]
fn a_bad_configuration_file_is_refused_with_its_place_and_the_server_does_not_start() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    let cases = [
        (
            "[smtp]\nhost = \"localhost\"\nfrom = \"x@uni.example\"\nsecurity = \"none\"\nhots = 1\n",
            "unknown field `hots`",
        ),
        ("[reminders]\nhours = [24, 80]\n", "between 1 and 71 hours"),
        (
            "[smtp]\nhost = \"localhost\"\nfrom = \"not an address\"\n",
            "smtp.from",
        ),
        ("public_url = 5\n", "invalid type"),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let file = tmp.path().join(format!("c{i}.toml"));
        std::fs::write(&file, text).unwrap();
        let out = bin()
            .arg("--data-dir")
            .arg(&dir)
            .args(["serve", "--listen", "127.0.0.1:0", "--config"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{text}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{text}: {err}");
        assert!(
            err.contains(&format!("c{i}.toml")) || *expected == "smtp.from",
            "{err}"
        );
        assert!(out.stdout.is_empty(), "nothing served");
    }
    // An SMTP password in a file others can read is refused too.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let file = tmp.path().join("secret.toml");
        std::fs::write(
            &file,
            "[smtp]\nhost = \"smtp.uni.example\"\nfrom = \"bd@uni.example\"\nusername = \"bd\"\npassword = \"hunter2hunter2\"\n",
        )
        .unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = bin()
            .arg("--data-dir")
            .arg(&dir)
            .args(["serve", "--listen", "127.0.0.1:0", "--config"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("chmod 600"), "{err}");
        assert!(!err.contains("hunter2"), "the password is never printed");
    }
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_gracefully() {
    let tmp = tempfile::tempdir().unwrap();
    let mut server = serve(tmp.path());
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
}

/// Every report answered 201 survives SIGKILL, exactly once and readable.
#[test]
fn reports_acknowledged_before_a_sigkill_are_all_there_after_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let token = setup(dir);
    let mut server = serve(dir);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let accepted: Vec<(usize, Value)> = rt.block_on(async {
        let http = reqwest::Client::new();
        let url = format!("{}/api/v1/orgs/uni/reports", server.base);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, Value)>();
        let mut tasks = Vec::new();
        // 16 clients, each sending until the server dies.
        for client in 0..16 {
            let (http, url, tx) = (http.clone(), url.clone(), tx.clone());
            tasks.push(tokio::spawn(async move {
                for n in 0..1000 {
                    let i = client * 1000 + n;
                    match http.post(&url).json(&report(i)).send().await {
                        Ok(r) if r.status() == 201 => match r.json::<Value>().await {
                            Ok(v) => {
                                let _ = tx.send((i, v));
                            }
                            Err(_) => break,
                        },
                        Ok(r) => panic!("unexpected status {}", r.status()),
                        Err(_) => break,
                    }
                }
            }));
        }
        drop(tx);
        let mut got = Vec::new();
        // Kill mid-burst, after a good number of acknowledgements.
        while let Some(item) = rx.recv().await {
            got.push(item);
            if got.len() == 60 {
                server.child.kill().unwrap();
            }
        }
        for t in tasks {
            t.await.unwrap();
        }
        got
    });
    assert!(accepted.len() >= 60, "{}", accepted.len());
    let _ = server.child.wait();
    drop(server);

    let server = serve(dir);
    rt.block_on(async {
        let http = reqwest::Client::new();
        let list: Value = http
            .get(format!("{}/api/v1/cases?limit=200", server.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let cases = list["cases"].as_array().unwrap();
        let mut references: Vec<&str> = cases
            .iter()
            .map(|c| c["reference"].as_str().unwrap())
            .collect();
        references.sort_unstable();
        references.dedup();
        assert_eq!(references.len(), cases.len(), "references are unique");
        for (i, ack) in &accepted {
            let case_id = ack["case_id"].as_str().unwrap();
            assert_eq!(
                cases.iter().filter(|c| c["id"] == *case_id).count(),
                1,
                "case of report {i} exactly once"
            );
            let case: Value = http
                .get(format!("{}/api/v1/cases/{case_id}", server.base))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(case["reference"], ack["reference"]);
            let reports = case["reports"].as_array().unwrap();
            assert_eq!(reports.len(), 1);
            assert_eq!(reports[0]["id"], ack["id"]);
            assert_eq!(
                reports[0]["body"]["what_happened"],
                format!("Unique event text {i} for the durability test")
            );
            assert_eq!(
                reports[0]["contact"]["email"],
                format!("reporter{i}@uni.example")
            );
        }
    });
    // The audit chain survived the kill too: intact, one entry per stored report and per read.
    let out = run(dir, &["audit", "verify"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.starts_with("audit trail intact: "), "{text}");
}

/// Logs at the most verbose level carry no report text, contact data, receipt code, address or
/// user agent — only ids.
#[test]
fn the_log_holds_no_personal_data_even_at_trace_level() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let token = setup(&dir);
    let log_path = tmp.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut cmd = bin();
    cmd.env("BREACHDESK_LOG", "trace");
    let mut server = serve_with(&dir, cmd, Stdio::from(log));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let code = rt.block_on(async {
        let http = reqwest::Client::builder().user_agent("Distinctive-Agent/9.9").build().unwrap();
        let r = http.post(format!("{}/api/v1/orgs/uni/reports", server.base)).json(&report(4242)).send().await.unwrap();
        assert_eq!(r.status(), 201);
        let v: Value = r.json().await.unwrap();
        let case = http
            .get(format!("{}/api/v1/cases/{}", server.base, v["case_id"].as_str().unwrap()))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(case.status(), 200);
        let bad = http
            .post(format!("{}/api/v1/orgs/uni/reports", server.base))
            .json(&json!({"kind": "breach", "what_happened": "Secret-in-bad-request 77", "reporter_email": "bad@@x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 422);
        v["receipt_code"].as_str().unwrap().to_owned()
    });
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    server.child.wait().unwrap();
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("report received"),
        "the log is written at all:\n{log}"
    );
    // The server names its own address once; the clients' addresses appear nowhere.
    let addresses: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("127.0.0.1:") && !l.contains("serving addr="))
        .collect();
    assert!(
        addresses.is_empty(),
        "client addresses in the log: {addresses:?}"
    );
    for needle in [
        "Unique event text 4242",
        "Burst report number 4242",
        "reporter4242@uni.example",
        "Secret-in-bad-request",
        "bad@@x",
        &code[8..],
        token.as_str(),
        "Distinctive-Agent",
    ] {
        assert!(
            !log.contains(needle),
            "{needle:?} in the log:\n{}",
            log.lines()
                .filter(|l| l.contains(needle))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn a_master_key_from_the_environment_is_used_and_no_key_file_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let mut cmd = bin();
    cmd.env(
        "BREACHDESK_MASTER_KEY",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    );
    let server = serve_with(&dir, cmd, Stdio::inherit());
    assert!(server.base.starts_with("http://127.0.0.1:"));
    assert!(!dir.join("master.key").exists());
    drop(server);
    let mut cmd = bin();
    cmd.env("BREACHDESK_MASTER_KEY", "too-short");
    let out = cmd
        .arg("--data-dir")
        .arg(&dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("BREACHDESK_MASTER_KEY"));
}

/// Issue 18: `breachdesk assess` gives the published outcome for every worked example
/// (`docs/worked-examples/`, written by the domain crate's tests), and exactly the engine's
/// answer, through the binary.
#[test]
fn assess_gives_the_published_outcome_for_every_worked_example() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/worked-examples");
    let mut files: Vec<_> = std::fs::read_dir(&examples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 20, "{} examples", files.len());
    for path in files {
        let example: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let id = example["id"].as_str().unwrap();
        let file = dir.path().join("input.json");
        std::fs::write(&file, example["input"].to_string()).unwrap();
        let out: Value =
            serde_json::from_str(&ok(&data, &["assess", file.to_str().unwrap()])).unwrap();
        let input: breachdesk_core::assessment::AssessmentInput =
            serde_json::from_value(example["input"].clone()).unwrap();
        let engine =
            serde_json::to_value(breachdesk_core::assessment::assess(&input).unwrap()).unwrap();
        assert_eq!(
            out["result"], engine,
            "{id}: the CLI gives the engine's answer"
        );
        let result = &out["result"];
        if result["outcome"] == "notify_controller" {
            continue;
        }
        assert_eq!(result["outcome"], "assessed", "{id}");
        if let Some(a) = example["published"]["notify_authority"].as_bool() {
            assert_eq!(result["decisions"]["notify_authority"], a, "{id}");
        }
        if let Some(p) = example["published"]["communicate_to_subjects"].as_bool() {
            assert_eq!(
                result["decisions"]["communicate_to_subjects"] != "not_required",
                p,
                "{id}"
            );
        }
    }
}

/// `breachdesk assess` gives the engine's result for the documented example, explains it in the
/// language asked for, refuses malformed or invalid input on stderr with nothing on stdout, and
/// never creates a data dir.
#[test]
fn assess_prints_the_engines_result_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let example = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/examples/assessment-hospital-ransomware.json");
    let example = example.to_str().unwrap();

    let out: Value =
        serde_json::from_str(&ok(&data, &["assess", example, "--lang", "sv"])).unwrap();
    let input: breachdesk_core::assessment::AssessmentInput =
        serde_json::from_str(&std::fs::read_to_string(example).unwrap()).unwrap();
    let engine =
        serde_json::to_value(breachdesk_core::assessment::assess(&input).unwrap()).unwrap();
    assert_eq!(out["result"], engine, "the CLI gives the engine's answer");
    assert_eq!(out["result"]["outcome"], "assessed");
    assert_eq!(out["result"]["severity"]["level"], "very_high");
    assert_eq!(
        out["result"]["decisions"]["communicate_to_subjects"],
        "individual"
    );
    assert_eq!(out["language"], "sv");
    let explanation = out["explanation"].as_array().unwrap();
    assert!(
        explanation
            .iter()
            .any(|l| l.as_str().unwrap().contains("artikel 34.1")),
        "{explanation:?}"
    );

    // The same input on stdin.
    let mut child = bin()
        .args(["assess", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        &mut child.stdin.take().unwrap(),
        std::fs::read(example).unwrap().as_slice(),
    )
    .unwrap();
    let piped = child.wait_with_output().unwrap();
    let piped: Value = serde_json::from_slice(&piped.stdout).unwrap();
    assert_eq!(piped["result"], engine);

    // Missing answers are named, not assumed.
    let partial = dir.path().join("partial.json");
    std::fs::write(
        &partial,
        r#"{"data_categories": ["email"], "identification": "maximum"}"#,
    )
    .unwrap();
    let out: Value =
        serde_json::from_str(&ok(&data, &["assess", partial.to_str().unwrap()])).unwrap();
    assert_eq!(out["result"]["outcome"], "needs_more_information");
    assert_eq!(
        out["result"]["missing"],
        json!([
            "acting_as",
            "confidentiality",
            "integrity",
            "availability",
            "malicious",
            "data_subjects",
            "unintelligible",
            "recipients",
            "containment",
            "vulnerable_people",
            "sector"
        ])
    );

    for (body, says) in [
        (
            r#"{"data_categories": ["emial"]}"#,
            "unknown variant `emial`",
        ),
        (
            r#"{"data_categories": ["email"], "colour": "red"}"#,
            "unknown field `colour`",
        ),
        (r#"{"data_categories": "#, "EOF while parsing"),
        (
            r#"{"data_categories": ["email"], "policy": "fi"}"#,
            "unknown variant `fi`",
        ),
        (
            r#"{"data_categories": ["email"], "dpc_adjustments": [{"factor": "volume", "steps": 1, "justification": ""}]}"#,
            "a justification is required",
        ),
    ] {
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, body).unwrap();
        let out = run(&data, &["assess", bad.to_str().unwrap()]);
        assert!(!out.status.success(), "{body}");
        assert!(out.stdout.is_empty(), "{body}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(says) && stderr.contains("bad.json"),
            "{body}: {stderr}"
        );
    }
    let out = run(&data, &["assess", "/nonexistent/case.json"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/case.json"));

    // The published schema is the one the binary prints.
    let schema: Value = serde_json::from_str(&ok(&data, &["assess", "--schema"])).unwrap();
    let published: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/assessment-input.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(schema, published);
    assert!(!data.exists(), "assess needs no data dir and makes none");
}

/// `breachdesk audit verify` finds an edited, a deleted and a reordered entry, says where, and
/// passes again once the trail is restored. The tampering goes around the append-only triggers,
/// as someone with the database file in hand could.
#[test]
fn audit_verify_finds_edited_deleted_and_reordered_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    let mut server = serve(dir);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let http = reqwest::Client::new();
        for i in 0..5 {
            let r = http
                .post(format!("{}/api/v1/orgs/uni/reports", server.base))
                .json(&report(i))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
        }
    });
    server.child.kill().unwrap();
    let _ = server.child.wait();

    let verify = || {
        let out = run(dir, &["audit", "verify"]);
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    let (code, text) = verify();
    assert_eq!(code, Some(0), "{text}");
    assert!(
        // The role the setup gave and its token, then the five reports.
        text.contains("audit trail intact: 7 entries; head seq 7 hash "),
        "{text}"
    );

    let db = dir.join("breachdesk.db");
    rt.block_on(async {
        use sqlx::{Connection, Row};
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite:{}", db.display())).await.unwrap();
        sqlx::raw_sql(
            "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
             CREATE TABLE saved AS SELECT * FROM audit_log;",
        )
        .execute(&mut c)
        .await
        .unwrap();

        // Edited.
        sqlx::query("UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 2").execute(&mut c).await.unwrap();
        let (code, text) = verify();
        assert_eq!(code, Some(1));
        assert!(text.contains("BROKEN: entry 2 was edited"), "{text}");
        let restore = "DELETE FROM audit_log; INSERT INTO audit_log SELECT * FROM saved";
        sqlx::raw_sql(restore).execute(&mut c).await.unwrap();
        assert_eq!(verify().0, Some(0));

        // Deleted.
        sqlx::query("DELETE FROM audit_log WHERE seq = 3").execute(&mut c).await.unwrap();
        let (code, text) = verify();
        assert_eq!(code, Some(1));
        assert!(text.contains("BROKEN: entries before 4 were deleted"), "{text}");
        sqlx::raw_sql(restore).execute(&mut c).await.unwrap();
        assert_eq!(verify().0, Some(0));

        // Reordered: entries 2 and 3 swap places, sequence numbers kept.
        sqlx::raw_sql(
            "DELETE FROM audit_log WHERE seq IN (2, 3);
             INSERT INTO audit_log SELECT 5 - seq, at, actor, org_id, case_id, action, detail, prev_hash, hash
               FROM saved WHERE seq IN (2, 3)",
        )
        .execute(&mut c)
        .await
        .unwrap();
        let seq2: String = sqlx::query("SELECT detail FROM audit_log WHERE seq = 2").fetch_one(&mut c).await.unwrap().get(0);
        let saved3: String = sqlx::query("SELECT detail FROM saved WHERE seq = 3").fetch_one(&mut c).await.unwrap().get(0);
        assert_eq!(seq2, saved3, "the swap happened");
        let (code, text) = verify();
        assert_eq!(code, Some(1));
        assert!(text.contains("BROKEN: entry 2 was moved"), "{text}");
        sqlx::raw_sql(restore).execute(&mut c).await.unwrap();
        assert_eq!(verify().0, Some(0));
    });
}

#[test]
fn scan_follows_the_contract_reads_only_and_masks_by_default() {
    let tmp = tempfile::tempdir().unwrap();
    let leak = tmp.path().join("leak");
    std::fs::create_dir_all(leak.join("sub")).unwrap();
    std::fs::write(
        leak.join("customers.csv"),
        "name;email;hetu\nMaija;maija.m@example.fi;131052-308T\nErik;erik.s@example.se;\n",
    )
    .unwrap();
    std::fs::write(leak.join("sub/mail.txt"), "Kiitos! maija.m@example.fi\n").unwrap();
    std::fs::write(leak.join("sub/blob.bin"), [0u8, 1, 2, 3, 0, 9]).unwrap();
    let before: Vec<_> = walk(&leak);
    let findings = tmp.path().join("findings.jsonl");
    let subjects = tmp.path().join("subjects.jsonl");
    let out = bin()
        .arg("scan")
        .arg(&leak)
        .arg("--json")
        .arg("--findings")
        .arg(&findings)
        .arg("--subjects")
        .arg(&subjects)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["subjects"], 2);
    assert_eq!(v["categories"]["email"]["occurrences"], 3);
    assert_eq!(v["categories"]["email"]["distinct_values"], 2);
    assert_eq!(v["categories"]["national_id"]["distinct_values"], 1);
    assert_eq!(v["files"]["scanned"], 2);
    assert_eq!(v["files"]["skipped"], 1);
    assert_eq!(v["files"]["failed"], 0);
    let lines = std::fs::read_to_string(&findings).unwrap();
    let first: Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    assert_eq!(first["file"], "customers.csv");
    assert!(lines.contains("\"file\":\"sub/mail.txt\""));
    assert!(
        !lines.contains("131052-308T") && !lines.contains("maija.m@"),
        "masked"
    );
    assert_eq!(
        std::fs::read_to_string(&subjects).unwrap().lines().count(),
        2
    );
    assert_eq!(walk(&leak), before, "nothing written into the scanned tree");
    assert!(!tmp.path().join("breachdesk-data").exists());
    // The outputs hold personal data: readable by their owner only. The scan's sealed
    // temporary files (beside them) leave nothing behind.
    {
        use std::os::unix::fs::PermissionsExt as _;
        for f in [&findings, &subjects] {
            let mode = std::fs::metadata(f).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", f.display());
        }
    }
    let mut beside: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    beside.sort();
    assert_eq!(beside, ["findings.jsonl", "leak", "subjects.jsonl"]);

    // --reveal shows values; writing into the tree is refused; a missing PATH is the only failure.
    let out = bin()
        .arg("scan")
        .arg(&leak)
        .arg("--reveal")
        .arg("--findings")
        .arg(&findings)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        std::fs::read_to_string(&findings)
            .unwrap()
            .contains("131052-308T")
    );
    let out = bin()
        .arg("scan")
        .arg(&leak)
        .arg("--findings")
        .arg(leak.join("out.jsonl"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("inside the scanned tree"));
    assert!(!leak.join("out.jsonl").exists());
    let out = bin()
        .arg("scan")
        .arg(tmp.path().join("nope"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let out = bin()
        .arg("scan")
        .arg(&leak)
        .args(["--customer-number", "(["])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--customer-number"));
}

fn walk(dir: &Path) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push((p.clone(), e.metadata().unwrap().len()));
        }
    }
    out.sort();
    out
}
