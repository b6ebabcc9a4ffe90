//! Several servers on one `PostgreSQL` (issue 19): two real `serve` processes with data
//! directories of their own, one database (a fresh schema) and one master key. Reports go
//! through both and share one reference sequence and one per-address intake limit; a letter run
//! one server started is killed with SIGKILL in the middle, and the other server's scheduler
//! takes it over when the lease runs out and finishes it. Every recipient has exactly one
//! message; the only repeats possible are of a message in flight at the kill — the SMTP server
//! had accepted it, the killed server had not yet recorded that — and they are the same message
//! (same Message-ID), at most one per connection.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use breachdesk_crypto::{MasterKey, MasterKeyring};
use serde_json::Value;

use breachdesk_testkit::smtp::{SmtpOptions, SmtpServer, free_port};

use super::letters::{approve_letter_in, one_message_each};
use super::{Server, bin, report, start};

/// Recipients of the letter run.
const N: usize = 2000;
/// The intake limit per client address and minute, which both servers count together.
const INTAKE_PER_MINUTE: usize = 12;

/// The key vault both servers mount (README, Several servers): beside their data dirs.
fn shared_vault(dir: &Path) -> std::path::PathBuf {
    dir.parent().unwrap().join("vault")
}

/// The binary with the installation's database, master key and key vault in its environment,
/// as an operator's service unit would set them, and a data directory of its own.
fn cmd(dir: &Path, url: &str, key: &str) -> Command {
    let mut c = bin();
    c.env("BREACHDESK_DATABASE_URL", url)
        .env("BREACHDESK_MASTER_KEY", key)
        .env("BREACHDESK_KEY_VAULT", shared_vault(dir))
        .arg("--data-dir")
        .arg(dir);
    c
}

fn cli(dir: &Path, url: &str, key: &str, args: &[&str]) -> String {
    let out = cmd(dir, url, key).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn serve(dir: &Path, url: &str, key: &str) -> Server {
    let mut c = cmd(dir, url, key);
    // A small pool, as many servers on one database would use.
    c.env("BREACHDESK_DATABASE_POOL", "4");
    c.args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--intake-per-minute",
        &INTAKE_PER_MINUTE.to_string(),
        "--schedule-every-secs",
        "1",
    ]);
    start(c, Stdio::inherit())
}

fn kill(server: &mut Server) {
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}

#[test]
fn two_servers_on_one_postgres_share_intake_and_finish_a_letter_run_the_other_was_killed_in() {
    super::with_postgres_schema(cluster_scenario);
}

#[allow(clippy::too_many_lines, reason = "one scenario, told in order")]
fn cluster_scenario(rt: &tokio::runtime::Runtime, url: &str) {
    let url = url.to_owned();
    let master = MasterKey::generate();
    let key = master.expose_base64().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let (dir_a, dir_b) = (tmp.path().join("a"), tmp.path().join("b"));
    cli(
        &dir_a,
        &url,
        &key,
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
    cli(
        &dir_a,
        &url,
        &key,
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
    let token = cli(
        &dir_b,
        &url,
        &key,
        &["token", "create", "--email", "dpo@uni.example"],
    )
    .trim()
    .to_owned();
    let port = free_port();
    for dir in [&dir_a, &dir_b] {
        std::fs::write(
            dir.join("breachdesk.toml"),
            format!(
                "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nfrom = \"BreachDesk <breachdesk@uni.example>\"\n"
            ),
        )
        .unwrap();
    }
    let mut a = serve(&dir_a, &url, &key);
    let mut b = serve(&dir_b, &url, &key);

    // Reports through both servers from one address: one reference sequence, and one intake
    // limit counted by both (each server alone would accept twice as many). The limit counts
    // per minute of the clock, so the burst starts early in a minute.
    let client = reqwest::Client::new();
    let now = breachdesk_core::clock::Clock::now(&breachdesk_core::clock::SystemClock);
    let second = now.as_second().rem_euclid(60);
    if second > 40 {
        std::thread::sleep(Duration::from_secs(u64::try_from(61 - second).unwrap()));
    }
    let mut accepted = Vec::new();
    let mut limited = 0;
    rt.block_on(async {
        for i in 0..2 * INTAKE_PER_MINUTE {
            let base = if i % 2 == 0 { &a.base } else { &b.base };
            let r = client
                .post(format!("{base}/api/v1/orgs/uni/reports"))
                .json(&report(i))
                .send()
                .await
                .unwrap();
            match r.status().as_u16() {
                201 => accepted.push(r.json::<Value>().await.unwrap()),
                429 => limited += 1,
                s => panic!("report {i}: {s}"),
            }
        }
    });
    assert_eq!(
        (accepted.len(), limited),
        (INTAKE_PER_MINUTE, INTAKE_PER_MINUTE),
        "the two servers count one limit"
    );
    let cases: Value = rt.block_on(async {
        client
            .get(format!("{}/api/v1/cases", a.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    let mut references: Vec<String> = cases["cases"]
        .as_array()
        .unwrap_or_else(|| panic!("{cases}"))
        .iter()
        .map(|c| c["reference"].as_str().unwrap().to_owned())
        .collect();
    references.sort();
    let prefix = references[0].rsplit_once('-').unwrap().0.to_owned();
    let expected: Vec<String> = (1..=INTAKE_PER_MINUTE)
        .map(|n| format!("{prefix}-{n:04}"))
        .collect();
    assert_eq!(references, expected, "one sequence, no gaps, no repeats");

    // A letter to N recipients, approved by the DPO.
    let case_id: uuid::Uuid = accepted[0]["case_id"].as_str().unwrap().parse().unwrap();
    let store = rt
        .block_on(breachdesk_store::connect(Some(&url), &dir_a))
        .unwrap();
    let reference = rt
        .block_on(store.case_by_id(case_id))
        .unwrap()
        .unwrap()
        .reference;
    let csv = tmp.path().join("recipients.csv");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&csv).unwrap());
        writeln!(f, "email,name,language,elements").unwrap();
        for i in 0..N {
            let lang = ["fi", "sv", "en"][i % 3];
            writeln!(f, "person{i}@example.org,Person {i},{lang},email").unwrap();
        }
    }
    cli(
        &dir_a,
        &url,
        &key,
        &["notify", "recipients", &reference, csv.to_str().unwrap()],
    );
    rt.block_on(approve_letter_in(
        &*store,
        &MasterKeyring::with_vault(
            &master,
            breachdesk_crypto::KeyVault::open(&shared_vault(&dir_a)).unwrap(),
        ),
        case_id,
    ));

    // Server A takes the run: B is stopped while the letters are queued, and started again
    // once A is sending.
    kill(&mut b);
    // Slow enough that the kill comes mid-run; no message needs keeping, each is logged.
    let smtp = SmtpServer::with(&SmtpOptions {
        port: Some(port),
        pipelining: true,
        delay_secs: 0.005,
        keep_prefix: Some("sample".into()),
    });
    let queued = cli(
        &dir_b,
        &url,
        &key,
        &["notify", "send", &reference, "--queue-only"],
    );
    assert!(
        queued.contains(&format!("{N} messages queued now")),
        "{queued}"
    );
    // The letters, not the new-report alerts to the DPO (issue 22) the same server receives.
    let letters = || {
        smtp.received()
            .into_iter()
            .filter(|(to, _)| to.ends_with("@example.org"))
            .collect::<Vec<_>>()
    };
    let wait_for = |n: usize, what: &str| {
        let started = Instant::now();
        loop {
            let got = letters().len();
            if got >= n {
                return got;
            }
            assert!(
                started.elapsed() < Duration::from_mins(3),
                "{what}: only {got} received"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    wait_for(1, "A starts the run");
    let b = serve(&dir_b, &url, &key);
    wait_for(N / 3, "A sends a third");
    kill(&mut a);
    let at_kill = letters().len();
    assert!(at_kill < N, "the kill came after the end");

    // B's scheduler takes over when A's lease runs out, and finishes.
    let started = Instant::now();
    loop {
        let status = cli(&dir_b, &url, &key, &["notify", "status", &reference]);
        if status.contains(&format!("sent {N} failed 0")) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_mins(3),
            "not finished after A was killed at {at_kill}: {status}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    drop(b);

    let got = letters();
    let copies = one_message_each(&got, N);
    // Each report stored by either server alerted the DPO once: the claim is shared.
    let alert_mails = smtp
        .received()
        .iter()
        .filter(|(to, _)| to == "dpo@uni.example")
        .count();
    let whole = rt.block_on(store.audit_trail(None)).unwrap();
    let mut alerted: Vec<&str> = whole
        .iter()
        .filter(|e| e.action == "case.alerted")
        .filter_map(|e| e.detail.split(' ').nth(1))
        .collect();
    let events = alerted.len();
    alerted.sort_unstable();
    alerted.dedup();
    assert!(events > 0, "the DPO was alerted");
    assert_eq!(alerted.len(), events, "no report alerted twice");
    assert_eq!(alert_mails, events, "one mail to the DPO per alert");
    // The run that finished is B's, recorded once, with what it found in doubt.
    let trail = rt.block_on(store.audit_trail(Some(case_id))).unwrap();
    let runs: Vec<&str> = trail
        .iter()
        .filter(|e| e.action == "notice.subjects.delivery")
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(runs.len(), 1, "A died before recording its run: {runs:?}");
    let in_doubt: usize = runs[0].split("in_doubt=").nth(1).unwrap().parse().unwrap();
    eprintln!(
        "killed at {at_kill} received; in doubt {in_doubt}; second copies {copies}; total {}",
        got.len()
    );
    assert!(in_doubt > 0, "A left claimed messages behind");
    // Only a message the killed run had handed to the SMTP server, whose 250 it did not live to
    // record, can have gone twice — as the same message (same Message-ID). With four
    // connections there are at most four.
    assert!(copies <= 4, "{copies} second copies");
}
