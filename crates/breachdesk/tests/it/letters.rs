//! Letters to data subjects, end to end through the binary: 100,000 recipients imported with
//! `notify recipients`, `notify send` killed with SIGKILL in the middle of sending to a real
//! local SMTP server (aiosmtpd) and run again; every recipient has exactly one message.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use breachdesk_core::audit::AuditEvent;
use breachdesk_core::investigation::{Entry, seal_entry};
use breachdesk_core::notice::{NoticeKind, digest};
use breachdesk_core::ports::{CaseChange, FailedMessage, Keyring};
use breachdesk_crypto::MasterKeyring;
use breachdesk_notify::i18n::Overrides;
use breachdesk_notify::letter::{self, LetterFacts};

use breachdesk_testkit::smtp::{SmtpOptions, SmtpServer, free_port};

use super::{ok, report, run, serve, setup};

/// Asserts that each of `n` recipients got messages with a Message-ID, all the same message;
/// returns how many second copies (same Message-ID) arrived in all.
pub(super) fn one_message_each(got: &[(String, String)], n: usize) -> usize {
    let mut per_recipient: HashMap<&str, Vec<&str>> = HashMap::new();
    for (r, m) in got {
        per_recipient.entry(r).or_default().push(m);
    }
    assert_eq!(per_recipient.len(), n, "every recipient has a message");
    let mut copies = 0;
    for (r, ids) in &per_recipient {
        assert!(ids.iter().all(|m| !m.is_empty()), "{r}: a Message-ID");
        assert!(
            ids.iter().all(|m| *m == ids[0]),
            "{r}: two different messages {ids:?}"
        );
        copies += ids.len() - 1;
    }
    copies
}

/// The DPO's approval of the drafted letter, written as the desk writes it (the desk flow
/// itself is tested in the web crate).
pub(super) async fn approve_letter(dir: &Path, case_id: uuid::Uuid) {
    let store = breachdesk_store::connect(None, dir).await.unwrap();
    approve_letter_in(&*store, &super::keyring(dir), case_id).await;
}

/// [`approve_letter`] in any store, under any key.
pub(super) async fn approve_letter_in(
    store: &dyn breachdesk_core::ports::Store,
    keyring: &MasterKeyring,
    case_id: uuid::Uuid,
) {
    let case = store.case_by_id(case_id).await.unwrap().unwrap();
    let key = keyring.unwrap_case_key(case.id, &case.wrapped_key).unwrap();
    let template = letter::draft(
        &LetterFacts {
            loss: breachdesk_notify::public::Loss::Disclosed,
            organisation: "University of Example".into(),
            discovered_on: Some(jiff::civil::date(2026, 1, 5)),
            measures: String::new(),
            authority_notified: false,
            dpo_email: Some("dpo@uni.example".into()),
            dpo_phone: None,
            facts: None,
        },
        &Overrides::default(),
    );
    let content = serde_json::to_value(&template).unwrap();
    for entry in [
        Entry::NoticeVersion {
            notice: NoticeKind::Subjects,
            version: 1,
            content: content.clone(),
        },
        Entry::NoticeApproved {
            notice: NoticeKind::Subjects,
            version: 1,
            sha256: digest(&content),
        },
    ] {
        let change = CaseChange {
            case_id: case.id,
            entry: Some(seal_entry(&key, &entry, None)),
            ..CaseChange::default()
        };
        let audit = AuditEvent {
            actor: None,
            org_id: Some(case.org_id),
            case_id: Some(case.id),
            action: "case.entry",
            detail: entry.kind().to_owned(),
        };
        store
            .change_case(
                &change,
                &audit,
                breachdesk_core::clock::Clock::now(&breachdesk_core::clock::SystemClock),
            )
            .await
            .unwrap();
    }
}

/// A case reported through the API of a server that is stopped again.
pub(super) fn reported_case(rt: &tokio::runtime::Runtime, dir: &Path) -> (uuid::Uuid, String) {
    let server = serve(dir);
    rt.block_on(async {
        let r: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/api/v1/orgs/uni/reports", server.base))
            .json(&report(1))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id: uuid::Uuid = r["case_id"].as_str().unwrap().parse().unwrap();
        let store = breachdesk_store::connect(None, dir).await.unwrap();
        let reference = store.case_by_id(id).await.unwrap().unwrap().reference;
        (id, reference)
    })
}

const N: usize = 100_000;

#[test]
fn a_send_killed_midway_and_run_again_delivers_exactly_one_message_to_each_of_100000() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    setup(&dir);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (case_id, reference) = reported_case(&rt, &dir);

    // Sending before the DPO approved the letter is refused.
    let csv = tmp.path().join("recipients.csv");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&csv).unwrap());
        writeln!(f, "email,name,language,elements").unwrap();
        writeln!(f, "sample-sv@example.se,Anna Andersson,sv,iban;email").unwrap();
        writeln!(f, "sample-fi@example.fi,Matti Meikäläinen,fi,national_id").unwrap();
        for i in 2..N {
            let lang = ["fi", "sv", "en"][i % 3];
            writeln!(f, "person{i}@example.org,Person {i},{lang},email;phone").unwrap();
        }
    }
    // A bad file is refused with its lines named, and nothing is imported.
    let bad = tmp.path().join("bad.csv");
    std::fs::write(
        &bad,
        "email,name,language,elements\nok@example.org,A,fi,email\nnot-an-address,B,fi,email\nc@example.org,C,de,email\n",
    )
    .unwrap();
    let refused = run(
        &dir,
        &["notify", "recipients", &reference, bad.to_str().unwrap()],
    );
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("line 3: the e-mail address is not valid"),
        "{err}"
    );
    assert!(
        err.contains("line 4: the language must be fi, sv or en"),
        "{err}"
    );
    assert!(!err.contains("not-an-address"), "{err}");
    let status = ok(&dir, &["notify", "status", &reference]);
    assert!(status.contains("recipients: 0 by e-mail"), "{status}");
    ok(
        &dir,
        &["notify", "recipients", &reference, csv.to_str().unwrap()],
    );
    let port = free_port();
    std::fs::write(
        dir.join("breachdesk.toml"),
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nfrom = \"BreachDesk <breachdesk@uni.example>\"\n"
        ),
    )
    .unwrap();
    let refused = run(&dir, &["notify", "send", &reference]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("no approved version"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    rt.block_on(approve_letter(&dir, case_id));

    // Only the sample recipients' whole messages are kept; every one is logged.
    let smtp = SmtpServer::with(&SmtpOptions {
        port: Some(port),
        pipelining: true,
        keep_prefix: Some("sample".into()),
        ..SmtpOptions::default()
    });
    let log = smtp.log();

    // First run: killed (SIGKILL) once about a third has arrived.
    let mut first = super::bin()
        .arg("--data-dir")
        .arg(&dir)
        .args(["notify", "send", &reference])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        let n = std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .count();
        if n >= N / 3 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_mins(10),
            "only {n} received"
        );
        assert!(first.try_wait().unwrap().is_none(), "ended before the kill");
        std::thread::sleep(Duration::from_millis(200));
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let at_kill = smtp.received().len();
    assert!(at_kill < N, "the kill came after the end");

    // Second run: takes over when the dead run's lease has run out, and finishes.
    let out = ok(&dir, &["notify", "send", &reference]);
    let in_doubt: usize = out
        .lines()
        .find_map(|l| l.split("sent again ").nth(1))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(
        out.contains("0 messages queued now"),
        "nothing queued twice: {out}"
    );

    let got = smtp.received();
    let copies = one_message_each(&got, N);
    eprintln!(
        "killed at {at_kill} received; in doubt {in_doubt}; second copies {copies}; total {}",
        got.len()
    );
    // Only messages left mid-send by the killed run can have gone twice, and then as the same
    // message (same Message-ID); there are at most connections × batch of them.
    assert!(
        copies <= in_doubt && in_doubt <= 4 * 20,
        "{copies} second copies, {in_doubt} in doubt"
    );
    let status = ok(&dir, &["notify", "status", &reference]);
    assert!(status.contains(&format!("sent {N} failed 0")), "{status}");

    // Each person's letter in their language, naming only their own data.
    let sv = smtp.message_to("sample-sv@example.se").unwrap();
    let fi = smtp.message_to("sample-fi@example.fi").unwrap();
    let body = |m: &str| {
        mailparse::parse_mail(m.as_bytes())
            .unwrap()
            .get_body()
            .unwrap()
    };
    let (sv, fi) = (body(&sv), body(&fi));
    assert!(sv.starts_with("Bästa Anna Andersson,"), "{sv}");
    assert!(sv.contains("- ditt bankkontonummer"), "{sv}");
    assert!(!sv.contains("personbeteckning"), "{sv}");
    assert!(fi.starts_with("Hyvä Matti Meikäläinen,"), "{fi}");
    assert!(fi.contains("- henkilötunnuksesi"), "{fi}");
    assert!(!fi.contains("pankkitili"), "{fi}");
}

/// A delivery status notification (RFC 3464) as a receiving system's mail server returns it,
/// with the returned message's headers.
fn dsn(action: &str, status: &str, message_id: &str) -> String {
    format!(
        "From: MAILER-DAEMON@mx.example.org\n\
         To: breachdesk@uni.example\n\
         Subject: Undelivered Mail Returned to Sender\n\
         MIME-Version: 1.0\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\n\
         \n\
         --R\n\
         Content-Type: text/plain\n\
         \n\
         The mail system could not deliver your message.\n\
         --R\n\
         Content-Type: message/delivery-status\n\
         \n\
         Reporting-MTA: dns; mx.example.org\n\
         \n\
         Final-Recipient: rfc822; someone@example.org\n\
         Action: {action}\n\
         Status: {status}\n\
         Diagnostic-Code: smtp; 550 5.1.1 user unknown\n\
         \n\
         --R\n\
         Content-Type: text/rfc822-headers\n\
         \n\
         From: BreachDesk <breachdesk@uni.example>\n\
         Message-ID: {message_id}\n\
         Subject: Tietoturvaloukkaus\n\
         \n\
         --R--\n"
    )
}

#[test]
fn returned_mail_marks_the_letters_it_reports_as_failed_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    setup(&dir);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (case_id, reference) = reported_case(&rt, &dir);
    let csv = tmp.path().join("recipients.csv");
    std::fs::write(
        &csv,
        "email,name,language,elements\ngone@example.org,A,fi,email\nfull@example.org,B,sv,email\nfine@example.org,C,en,email\n",
    )
    .unwrap();
    ok(
        &dir,
        &["notify", "recipients", &reference, csv.to_str().unwrap()],
    );
    rt.block_on(approve_letter(&dir, case_id));
    let port = free_port();
    std::fs::write(
        dir.join("breachdesk.toml"),
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nfrom = \"BreachDesk <breachdesk@uni.example>\"\n"
        ),
    )
    .unwrap();
    let smtp = SmtpServer::with(&SmtpOptions {
        port: Some(port),
        pipelining: true,
        ..SmtpOptions::default()
    });
    ok(&dir, &["notify", "send", &reference]);
    let ids: HashMap<String, String> = smtp.received().into_iter().collect();
    assert_eq!(ids.len(), 3);

    // Returned mail as an mbox: a failure, a delay, a report about a message that is not ours,
    // and a person's reply.
    let mbox = tmp.path().join("bounces.mbox");
    std::fs::write(
        &mbox,
        format!(
            "From MAILER-DAEMON Mon Nov 23 10:00:00 2026\n{}\nFrom MAILER-DAEMON Mon Nov 23 10:01:00 2026\n{}\nFrom MAILER-DAEMON Mon Nov 23 10:02:00 2026\n{}\nFrom c@example.org Mon Nov 23 10:03:00 2026\nFrom: C <fine@example.org>\nSubject: Re: Data breach\n\nThank you.\n",
            dsn("failed", "5.1.1", &ids["gone@example.org"]),
            dsn("delayed", "4.2.2", &ids["full@example.org"]),
            dsn("failed", "5.1.1", "<20261123.abc@elsewhere.example>"),
        ),
    )
    .unwrap();
    // A path that does not exist is refused before anything is read or changed.
    let missing = run(
        &dir,
        &[
            "notify",
            "bounces",
            &reference,
            mbox.to_str().unwrap(),
            "/nonexistent/bounces",
        ],
    );
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("cannot read /nonexistent/bounces"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
    let status = ok(&dir, &["notify", "status", &reference]);
    assert!(status.contains("sent 3 failed 0"), "{status}");

    let out = ok(
        &dir,
        &["notify", "bounces", &reference, mbox.to_str().unwrap()],
    );
    assert!(
        out.contains("4 messages read: 1 letters marked failed, 1 delayed (still being tried), 0 delivered, 1 reports about other messages, 1 not delivery reports"),
        "{out}"
    );
    let status = ok(&dir, &["notify", "status", &reference]);
    assert!(status.contains("sent 2 failed 1"), "{status}");
    // Read again (the same mailbox exported twice): nothing more changes.
    ok(
        &dir,
        &["notify", "bounces", &reference, mbox.to_str().unwrap()],
    );
    let status = ok(&dir, &["notify", "status", &reference]);
    assert!(status.contains("sent 2 failed 1"), "{status}");
    // The audit trail has counts only.
    rt.block_on(async {
        let store = breachdesk_store::connect(None, &dir).await.unwrap();
        let failed = store.failed_messages(case_id).await.unwrap();
        assert_eq!(
            failed,
            vec![FailedMessage {
                seq: 1,
                reply: "bounce 5.1.1".to_owned()
            }],
            "the first recipient"
        );
        let trail = store.audit_trail(Some(case_id)).await.unwrap();
        let bounces: Vec<&str> = trail
            .iter()
            .filter(|e| e.action == "notice.subjects.bounces")
            .map(|e| e.detail.as_str())
            .collect();
        assert_eq!(
            bounces,
            ["failed=1 delayed=1 other=2", "failed=1 delayed=1 other=2"]
        );
    });
}

/// Issue 22: `serve` alerts the DPO to a new report at once — not at its next scheduler round
/// (a minute away here) — with the reference and a link, nothing of the content.
#[test]
fn serve_alerts_the_dpo_to_a_new_report_within_seconds() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    super::setup(&dir);
    let port = free_port();
    std::fs::write(
        dir.join("breachdesk.toml"),
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nfrom = \"BreachDesk <breachdesk@uni.example>\"\n"
        ),
    )
    .unwrap();
    let smtp = SmtpServer::with(&SmtpOptions {
        port: Some(port),
        ..SmtpOptions::default()
    });
    let server = super::serve(&dir);
    // The scheduler's first round runs at start; the next is a minute away.
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(smtp.messages().is_empty());
    let started = std::time::Instant::now();
    let reference = rt.block_on(async {
        let r = reqwest::Client::new()
            .post(format!("{}/api/v1/orgs/uni/reports", server.base))
            .json(&super::report(7))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let v: serde_json::Value = r.json().await.unwrap();
        v["reference"].as_str().unwrap().to_owned()
    });
    let mail = loop {
        if let Some(m) = smtp.message_to("dpo@uni.example") {
            break m;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "no alert within 20 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert!(mail.contains(&reference), "{mail}");
    assert!(!mail.contains("Unique event text"), "no content");
    drop(server);
}
