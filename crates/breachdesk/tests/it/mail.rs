//! Mailbox intake end to end (issue 22): the built `breachdesk serve` reads two reporting
//! mailboxes of a real Dovecot over IMAP, answers through a real SMTP server (aiosmtpd), and is
//! killed between storing and moving.

use std::path::Path;
use std::time::{Duration, Instant};

use breachdesk_testkit::imap::ImapServer;
use breachdesk_testkit::smtp::SmtpServer;
use serde_json::Value;

use crate::{ok, serve, setup};

const PRIVACY: (&str, &str) = ("tietosuoja", "pw-privacy-1");
const SECURITY: (&str, &str) = ("tietoturva", "pw-security-2");

fn write_config(dir: &Path, smtp: Option<u16>, imap: u16, poll: u64) {
    use std::fmt::Write;
    use std::os::unix::fs::PermissionsExt;
    let mut text = String::from("public_url = \"http://breachdesk.test\"\n");
    if let Some(port) = smtp {
        let _ = write!(
            text,
            "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nfrom = \"BreachDesk <breachdesk@uni.example>\"\n"
        );
    }
    let _ = write!(
        text,
        "[[intake.imap]]\norg = \"uni\"\nhost = \"127.0.0.1\"\nport = {imap}\nsecurity = \"none\"\nusername = \"{}\"\npassword = \"{}\"\naddress = \"tietosuoja@uni.example\"\npoll_seconds = {poll}\n\n\
         [[intake.imap]]\norg = \"uni\"\nhost = \"127.0.0.1\"\nport = {imap}\nsecurity = \"none\"\nusername = \"{}\"\npassword_file = \"{}\"\nafter = \"delete\"\npoll_seconds = {poll}\n",
        PRIVACY.0,
        PRIVACY.1,
        SECURITY.0,
        dir.join("imap-password").display(),
    );
    std::fs::write(dir.join("imap-password"), format!("{}\n", SECURITY.1)).unwrap();
    let path = dir.join("breachdesk.toml");
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// Without Dovecot the tests say so and pass, unless `BREACHDESK_REQUIRE_IMAP_TESTS` is set
/// (scripts/test installs Dovecot and sets it, so CI runs them).
fn skip() -> bool {
    if breachdesk_testkit::imap::available() {
        return false;
    }
    assert!(
        std::env::var_os("BREACHDESK_REQUIRE_IMAP_TESTS").is_none(),
        "Dovecot is not installed (apt install dovecot-imapd)"
    );
    eprintln!("skipped: Dovecot is not installed (scripts/test installs it)");
    true
}

fn crlf(s: &str) -> Vec<u8> {
    s.replace("\r\n", "\n").replace('\n', "\r\n").into_bytes()
}

/// The ISO-8859-1 message (quoted-printable body, RFC 2047 subject) sent to both addresses.
fn finnish_to_both() -> Vec<u8> {
    crlf(
        "From: =?ISO-8859-1?Q?Maija_Meik=E4l=E4inen?= <maija@uni.example>\n\
         To: tietosuoja@uni.example\n\
         Cc: tietoturva@uni.example\n\
         Subject: =?ISO-8859-1?Q?Tietoja_l=E4hti_v=E4=E4r=E4lle_vastaanottajalle?=\n\
         Date: Fri, 04 Dec 2026 09:15:00 +0200\n\
         Message-ID: <m1.finnish@uni.example>\n\
         MIME-Version: 1.0\n\
         Content-Type: text/plain; charset=ISO-8859-1\n\
         Content-Transfer-Encoding: quoted-printable\n\
         \n\
         Hei,\n\
         l=E4hetin vahingossa opiskelijarekisterin otteen v=E4=E4r=E4lle henkil=F6lle ja se=\n\
         \x20oli virhe. Otteessa oli my=F6s henkil=F6tunnus 131052-308T.\n\
         \n\
         Terveisin Maija\n",
    )
}

/// Windows-1252 text (curly quotes, the euro sign) with a PDF and a program attached.
fn english_with_attachments() -> Vec<u8> {
    let mut m = crlf(
        "From: Tom Baker <tom@partner.example>\n\
         To: tietoturva@uni.example\n\
         Subject: Lost laptop with the payroll export\n\
         Date: Fri, 04 Dec 2026 10:00:00 +0000\n\
         Message-ID: <m2.english@partner.example>\n\
         MIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\n\
         \n\
         --b1\n\
         Content-Type: text/plain; charset=windows-1252\n\
         Content-Transfer-Encoding: 8bit\n\
         \n",
    );
    // "We lost a laptop – it held the payroll export (€ amounts) and that was ours."
    m.extend_from_slice(b"We lost a laptop \x96 it held the payroll export (\x80 amounts); the \x93export\x94 was ours. Please advise.\r\n");
    m.extend(crlf(
        "--b1\n\
         Content-Type: application/pdf; name=\"inventory.pdf\"\n\
         Content-Disposition: attachment; filename=\"inventory.pdf\"\n\
         Content-Transfer-Encoding: base64\n\
         \n\
         JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCnRyYWlsZXIKPDwvUm9vdCAxIDAgUj4+CiUlRU9GCg==\n\
         --b1\n\
         Content-Type: application/octet-stream; name=\"setup.exe\"\n\
         Content-Disposition: attachment; filename=\"setup.exe\"\n\
         Content-Transfer-Encoding: base64\n\
         \n\
         TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAA==\n\
         --b1--\n",
    ));
    m
}

fn swedish() -> Vec<u8> {
    crlf(
        "From: Erik Holm <erik@uni.example>\n\
         To: tietosuoja@uni.example\n\
         Subject: Fel mottagare\n\
         Message-ID: <m3.swedish@uni.example>\n\
         Content-Type: text/plain; charset=utf-8\n\
         \n\
         Hej, jag har skickat en lista med uppgifter till fel person och det är inte bra.\n",
    )
}

fn reply_in_thread() -> Vec<u8> {
    crlf(
        "From: Maija <maija@uni.example>\n\
         To: tietosuoja@uni.example\n\
         Subject: Re: Tietoja lähti väärälle\n\
         Message-ID: <m4.reply@uni.example>\n\
         In-Reply-To: <m1.finnish@uni.example>\n\
         References: <m1.finnish@uni.example>\n\
         Content-Type: text/plain; charset=utf-8\n\
         \n\
         Vastaanottaja on nyt poistanut viestin.\n",
    )
}

fn out_of_office() -> Vec<u8> {
    crlf(
        "From: Lomalainen <loma@elsewhere.example>\n\
         To: tietosuoja@uni.example\n\
         Subject: Automaattinen vastaus: poissa\n\
         Message-ID: <m5.auto@elsewhere.example>\n\
         Auto-Submitted: auto-replied\n\
         Content-Type: text/plain; charset=utf-8\n\
         \n\
         Olen lomalla 14.12. asti.\n",
    )
}

fn malformed() -> Vec<u8> {
    // No header block a parser can take, no sender: stored raw and flagged, never dropped.
    b"\x00\x01\x02 this is not a message\r\n\xff\xfe broken bytes and no headers\r\n".to_vec()
}

/// An alert the product sent to a DPO whose address is a reporting mailbox.
fn own_alert() -> Vec<u8> {
    crlf(
        "From: BreachDesk <breachdesk@uni.example>\n\
         To: tietosuoja@uni.example\n\
         Subject: [BreachDesk] New report UNI-2026-0001 (breach report)\n\
         Message-ID: <alert-1@breachdesk.test>\n\
         Auto-Submitted: auto-generated\n\
         X-BreachDesk: 1\n\
         Content-Type: text/plain\n\
         \n\
         A new report has come in.\n",
    )
}

fn bounce_of(ack_message_id: &str) -> Vec<u8> {
    crlf(&format!(
        "From: Mail Delivery System <MAILER-DAEMON@mx.uni.example>\n\
         To: breachdesk@uni.example\n\
         Subject: Undelivered Mail Returned to Sender\n\
         Message-ID: <m6.bounce@mx.uni.example>\n\
         MIME-Version: 1.0\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"r1\"\n\
         \n\
         --r1\n\
         Content-Type: text/plain\n\
         \n\
         The message could not be delivered.\n\
         --r1\n\
         Content-Type: message/delivery-status\n\
         \n\
         Reporting-MTA: dns; mx.uni.example\n\
         \n\
         Final-Recipient: rfc822; maija@uni.example\n\
         Action: failed\n\
         Status: 5.1.1\n\
         --r1\n\
         Content-Type: text/rfc822-headers\n\
         \n\
         From: BreachDesk <breachdesk@uni.example>\n\
         Message-ID: {ack_message_id}\n\
         --r1--\n"
    ))
}

async fn cases(base: &str, token: &str) -> Vec<Value> {
    let list: Value = reqwest::Client::new()
        .get(format!("{base}/api/v1/cases?limit=200"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list["cases"].as_array().unwrap().clone()
}

async fn case(base: &str, token: &str, id: &str) -> Value {
    reqwest::Client::new()
        .get(format!("{base}/api/v1/cases/{id}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Waits until `done` holds, up to `secs` seconds.
async fn until<F, Fut>(secs: u64, what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !done().await {
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "timed out: {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The contents of every case's reports, by the subject of the message that began it.
async fn by_subject(base: &str, token: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for c in cases(base, token).await {
        let full = case(base, token, c["id"].as_str().unwrap()).await;
        let subject = full["reports"][0]["body"]["mail_subject"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        out.push((subject, full));
    }
    out
}

#[test]
fn reports_mailed_to_either_address_become_cases_once_acknowledged_once_and_replies_join_them() {
    if skip() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let token = setup(dir);
    let smtp = SmtpServer::start();
    let imap = ImapServer::start(&[PRIVACY, SECURITY]);
    write_config(dir, Some(smtp.port), imap.port, 1);
    let server = serve(dir);
    let base = server.base.clone();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        // Delivered while the server watches (IDLE): the Finnish report to both addresses.
        let both = finnish_to_both();
        imap.append(PRIVACY.0, PRIVACY.1, "INBOX", std::slice::from_ref(&both))
            .await;
        imap.append(SECURITY.0, SECURITY.1, "INBOX", &[both, english_with_attachments()])
            .await;
        imap.append(
            PRIVACY.0,
            PRIVACY.1,
            "INBOX",
            &[swedish(), out_of_office(), malformed(), own_alert()],
        )
        .await;
        until(30, "five cases", || async { cases(&base, &token).await.len() >= 5 }).await;
        // The acknowledgements of the three people's reports, one each.
        until(30, "three acknowledgements", || async {
            smtp.received()
                .iter()
                .filter(|(to, _)| to != "dpo@uni.example")
                .count()
                >= 3
        })
        .await;
        // A reply in the thread of the first, after it was stored.
        imap.append(PRIVACY.0, PRIVACY.1, "INBOX", &[reply_in_thread()])
            .await;
        // And a bounce of the first acknowledgement.
        let ack_id = smtp
            .received()
            .into_iter()
            .find(|(to, _)| to == "maija@uni.example")
            .map(|(_, id)| id)
            .unwrap();
        imap.append(SECURITY.0, SECURITY.1, "INBOX", &[bounce_of(&ack_id)])
            .await;
        until(30, "the reply and the bounce joined the first case", || async {
            let all = by_subject(&base, &token).await;
            all.iter().any(|(s, c)| {
                s.starts_with("Tietoja")
                    && c["reports"][0]["supplements"].as_array().map_or(0, Vec::len) == 2
            })
        })
        .await;

        let all = by_subject(&base, &token).await;
        assert_eq!(all.len(), 5, "one case per report, none twice: {all:#?}");
        let get = |prefix: &str| {
            all.iter()
                .find(|(s, _)| s.starts_with(prefix))
                .map_or_else(|| panic!("a case for {prefix}"), |(_, c)| c.clone())
        };
        // 1. ISO-8859-1, RFC 2047, to both addresses: one case, the words decoded.
        let fi = get("Tietoja lähti väärälle vastaanottajalle");
        let body = &fi["reports"][0]["body"];
        assert_eq!(body["kind"], "email");
        assert_eq!(body["mail_from"], "Maija Meikäläinen <maija@uni.example>");
        assert!(
            body["mail_text"]
                .as_str()
                .unwrap()
                .contains("lähetin vahingossa opiskelijarekisterin otteen väärälle henkilölle"),
            "{body}"
        );
        assert_eq!(
            body["mail_to"],
            "tietosuoja@uni.example, tietoturva@uni.example"
        );
        assert_eq!(fi["reports"][0]["contact"]["email"], "maija@uni.example");
        assert_eq!(fi["reports"][0]["language"], "fi");
        let sups = fi["reports"][0]["supplements"].as_array().unwrap();
        assert!(
            sups.iter().any(|s| s["text"]
                .as_str()
                .unwrap()
                .contains("Vastaanottaja on nyt poistanut viestin.")),
            "{sups:?}"
        );
        assert!(
            sups.iter()
                .any(|s| s["text"].as_str().unwrap().starts_with("[bounce]")),
            "{sups:?}"
        );
        // 2. Windows-1252 with attachments: the PDF kept, the program refused by its content.
        let en = get("Lost laptop");
        let body = &en["reports"][0]["body"];
        assert_eq!(
            body["mail_text"],
            "We lost a laptop – it held the payroll export (€ amounts); the “export” was ours. Please advise."
        );
        assert_eq!(body["mail_refused"], "setup.exe: type not accepted");
        assert_eq!(en["reports"][0]["language"], "en");
        // 3. Swedish.
        assert_eq!(get("Fel mottagare")["reports"][0]["language"], "sv");
        // 4. The out-of-office reply: a case of its own, flagged, never answered.
        assert_eq!(
            get("Automaattinen vastaus")["reports"][0]["body"]["mail_flag"],
            "auto_reply"
        );
        // 5. The malformed message: stored, flagged.
        let raw = all
            .iter()
            .find(|(s, _)| s.is_empty())
            .map(|(_, c)| c)
            .expect("a case for the malformed message");
        assert_eq!(raw["reports"][0]["body"]["mail_flag"], "malformed");

        // One acknowledgement per person's report, in its language, nothing of the content; the
        // protected identifier is warned about without being quoted.
        let received = smtp.received();
        let acks: Vec<&(String, String)> = received
            .iter()
            .filter(|(to, _)| to != "dpo@uni.example")
            .collect();
        let mut to: Vec<&str> = acks.iter().map(|(t, _)| t.as_str()).collect();
        to.sort_unstable();
        assert_eq!(
            to,
            ["erik@uni.example", "maija@uni.example", "tom@partner.example"],
            "never to the auto-reply, the bounce or the malformed message, and once each"
        );
        let ack_fi = smtp.message_to("maija@uni.example").unwrap();
        let reference = fi["reference"].as_str().unwrap();
        assert!(ack_fi.contains("Auto-Submitted: auto-replied"), "{ack_fi}");
        assert!(ack_fi.contains("In-Reply-To: <m1.finnish@uni.example>"), "{ack_fi}");
        assert!(ack_fi.contains("Reply-To: tietosuoja@uni.example"), "{ack_fi}");
        assert!(ack_fi.contains(reference), "{ack_fi}");
        assert!(!ack_fi.contains("131052-308T"), "{ack_fi}");
        assert!(!ack_fi.contains("opiskelijarekisteri"), "{ack_fi}");
        let decoded = decode(&ack_fi);
        assert!(decoded.contains("suojattavia tunnisteita"), "{decoded}");
        assert!(decoded.contains("http://breachdesk.test/report/uni"), "{decoded}");
        let ack_en = decode(&smtp.message_to("tom@partner.example").unwrap());
        assert!(ack_en.contains("has been received"), "{ack_en}");
        assert!(!ack_en.contains("protected identifiers"), "{ack_en}");
        assert!(!ack_en.contains("payroll"), "{ack_en}");
        let ack_sv = decode(&smtp.message_to("erik@uni.example").unwrap());
        assert!(ack_sv.contains("har tagits emot"), "{ack_sv}");

        // Every new report alerted the DPO.
        let alerts = received
            .iter()
            .filter(|(to, _)| to == "dpo@uni.example")
            .count();
        assert_eq!(alerts, 5, "{received:?}");

        // Nothing lingers: the first mailbox moved its messages, the second deleted them; only
        // BreachDesk's own alert that landed in the reporting mailbox stays for its reader.
        let left = imap.messages(PRIVACY.0, PRIVACY.1, "INBOX").await;
        assert_eq!(left.len(), 1);
        assert!(String::from_utf8_lossy(&left[0]).contains("X-BreachDesk: 1"));
        // BreachDesk's own mail says what it is.
        let alert = smtp.message_to("dpo@uni.example").unwrap();
        assert!(alert.contains("X-BreachDesk: 1"), "{alert}");
        assert!(alert.contains("Auto-Submitted: auto-generated"), "{alert}");
        assert!(ack_fi.contains("X-BreachDesk: 1"), "{ack_fi}");
        assert_eq!(
            imap.messages(PRIVACY.0, PRIVACY.1, "BreachDesk").await.len(),
            5
        );
        assert!(imap.messages(SECURITY.0, SECURITY.1, "INBOX").await.is_empty());
        assert!(
            imap.messages(SECURITY.0, SECURITY.1, "BreachDesk")
                .await
                .is_empty()
        );
    });
    drop(server);
    // The attachments are in the record, sealed; the audit chain holds.
    let out = ok(dir, &["audit", "verify"]);
    assert!(out.starts_with("audit trail intact: "), "{out}");
    let db = dir.join("breachdesk.db");
    let attachments: i64 = rt.block_on(async {
        let url = format!("sqlite://{}?mode=ro", db.display());
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let n = sqlx::query_scalar("SELECT COUNT(*) FROM attachments")
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        n
    });
    assert_eq!(
        attachments, 2,
        "the PDF and the malformed message's original"
    );
    let raw = std::fs::read(&db).unwrap();
    assert!(
        !raw.windows(11).any(|w| w == b"131052-308T"),
        "nothing of a report in the clear"
    );
}

/// The body of a kept message, its quoted-printable undone.
fn decode(message: &str) -> String {
    let parsed = mailparse::parse_mail(message.as_bytes()).unwrap();
    parsed.get_body().unwrap()
}

#[test]
fn a_serve_killed_between_storing_and_moving_loses_nothing_and_stores_nothing_twice() {
    const N: usize = 400;
    if skip() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let token = setup(dir);
    // A server without IDLE and MOVE: the reader polls, and moves by copy and delete.
    let imap = ImapServer::without_idle_and_move(&[PRIVACY, SECURITY]);
    write_config(dir, None, imap.port, 1);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let messages: Vec<Vec<u8>> = (0..N)
        .map(|i| {
            crlf(&format!(
                "From: Reporter {i} <r{i}@uni.example>\nTo: tietosuoja@uni.example\nSubject: Report {i}\nMessage-ID: <kill-{i}@uni.example>\nContent-Type: text/plain\n\nEvent number {i}.\n"
            ))
        })
        .collect();
    rt.block_on(imap.append(PRIVACY.0, PRIVACY.1, "INBOX", &messages));
    let mut server = serve(dir);
    // Killed while the first batch is being stored, before it is moved.
    rt.block_on(async {
        let start = Instant::now();
        while count_reports(dir).await < 20 {
            assert!(start.elapsed() < Duration::from_mins(1), "nothing stored");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    });
    server.child.kill().unwrap();
    let _ = server.child.wait();
    drop(server);
    let output = ok(dir, &["audit", "verify"]);
    assert!(output.starts_with("audit trail intact: "), "{output}");
    let (stored, left) = rt.block_on(async {
        (
            count_reports(dir).await,
            imap.messages(PRIVACY.0, PRIVACY.1, "INBOX").await.len(),
        )
    });
    assert!(
        stored + left > N,
        "the kill fell between storing and moving ({stored} stored, {left} still in the mailbox)"
    );

    // Started again: every message read again, the stored ones recognised.
    let server = serve(dir);
    let base = server.base.clone();
    rt.block_on(async {
        until(120, "all read", || async {
            imap.messages(PRIVACY.0, PRIVACY.1, "INBOX")
                .await
                .is_empty()
        })
        .await;
        assert_eq!(count_reports(dir).await, N, "every message once");
        assert_eq!(
            imap.messages(PRIVACY.0, PRIVACY.1, "BreachDesk")
                .await
                .len(),
            N
        );
        // The cases the API lists are as many (two pages).
        let mut listed = 0;
        for offset in [0, 200, 400] {
            let page: Value = reqwest::Client::new()
                .get(format!("{base}/api/v1/cases?limit=200&offset={offset}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            listed += page["cases"].as_array().unwrap().len();
        }
        assert_eq!(listed, N);
    });
    drop(server);
}

async fn count_reports(dir: &Path) -> usize {
    let url = format!("sqlite://{}?mode=ro", dir.join("breachdesk.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports WHERE channel = 'email'")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    usize::try_from(n).unwrap()
}

/// `security = "tls"` and `"starttls"` against a Dovecot with a certificate of the
/// organisation's own CA (`ca_file`); without the CA the server is not trusted and its messages
/// stay where they are.
#[test]
fn mailboxes_are_read_over_tls_and_starttls_and_an_untrusted_server_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    const UNTRUSTED: (&str, &str) = ("epavarma", "pw-untrusted-3");
    if skip() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    let imap = ImapServer::with_tls(&[PRIVACY, SECURITY, UNTRUSTED]);
    let tls_port = imap.tls_port.unwrap();
    let ca_file = imap.ca_file();
    let mailbox = |(user, password): (&str, &str), security: &str, port: u16, ca: bool| {
        format!(
            "[[intake.imap]]\norg = \"uni\"\nhost = \"localhost\"\nport = {port}\nsecurity = \"{security}\"\nusername = \"{user}\"\npassword = \"{password}\"\npoll_seconds = 1\n{}\n",
            if ca {
                format!("ca_file = \"{}\"\n", ca_file.display())
            } else {
                String::new()
            }
        )
    };
    let config = [
        mailbox(PRIVACY, "tls", tls_port, true),
        mailbox(SECURITY, "starttls", imap.port, true),
        mailbox(UNTRUSTED, "tls", tls_port, false),
    ]
    .concat();
    let path = dir.join("breachdesk.toml");
    std::fs::write(&path, config).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let one = |id: &str| {
        crlf(&format!(
            "From: A <a@uni.example>\nTo: tietosuoja@uni.example\nSubject: Over TLS {id}\nMessage-ID: <{id}@uni.example>\nContent-Type: text/plain\n\nSent over {id}.\n"
        ))
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        imap.append(PRIVACY.0, PRIVACY.1, "INBOX", &[one("implicit-tls")])
            .await;
        imap.append(SECURITY.0, SECURITY.1, "INBOX", &[one("starttls")])
            .await;
        imap.append(UNTRUSTED.0, UNTRUSTED.1, "INBOX", &[one("untrusted")])
            .await;
    });
    let server = serve(dir);
    rt.block_on(async {
        until(30, "both trusted mailboxes read", || async {
            count_reports(dir).await == 2
        })
        .await;
        // Several of the untrusted mailbox's attempts have failed by now.
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(count_reports(dir).await, 2);
        assert!(
            imap.messages(PRIVACY.0, PRIVACY.1, "INBOX")
                .await
                .is_empty()
        );
        assert!(
            imap.messages(SECURITY.0, SECURITY.1, "INBOX")
                .await
                .is_empty()
        );
        assert_eq!(
            imap.messages(UNTRUSTED.0, UNTRUSTED.1, "INBOX").await.len(),
            1,
            "not read from a server whose certificate is not trusted"
        );
    });
    drop(server);
}
